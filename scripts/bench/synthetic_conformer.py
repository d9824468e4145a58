"""A NeMo (Fast)Conformer encoder at a published size, for timing only (random weights), as NeMo builds it:
conv subsampling (FastConformer's dw_striding: Conv2d 3x3 stride 2, then depthwise-separable stride-2 pairs, 256
channels; Conformer's striding: full Conv2d layers with d_model channels; a Linear to d_model), then per layer: half-step feed-forward (SiLU, 4x), relative-position multi-head
self-attention (Transformer-XL style: linear_pos, pos_bias_u/v, rel_shift), the convolution module (pointwise
d -> 2d, GLU, depthwise kernel k, BatchNorm, SiLU, pointwise), a second half-step feed-forward, LayerNorm.
Pointwise convolutions are written as Linear layers (the same arithmetic) so int8 export quantizes them as
onnxruntime's quantize_dynamic quantizes NeMo's Conv1d(k=1) layers.

  (N, feat_in, T) float, lengths (N,) int64 -> (N, d_model, T / subsampling) float, lengths int64
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def strided_length(length, times):
    for _ in range(times):
        length = torch.div(length + 2 - 3, 2, rounding_mode="floor") + 1
    return length


class ConvSubsampling(nn.Module):
    """NeMo's ConvSubsampling: `dw_striding` (FastConformer: one Conv2d, then depthwise-separable pairs) or
    `striding` (Conformer: full Conv2d layers), each stride 2 in time and frequency."""

    def __init__(self, feat_in, d_model, factor, channels, style):
        super().__init__()
        self.times = int(round(math.log2(factor)))
        layers = [nn.Conv2d(1, channels, 3, stride=2, padding=1), nn.ReLU()]
        for _ in range(self.times - 1):
            if style == "dw_striding":
                layers += [nn.Conv2d(channels, channels, 3, stride=2, padding=1, groups=channels),
                           nn.Conv2d(channels, channels, 1), nn.ReLU()]
            else:
                layers += [nn.Conv2d(channels, channels, 3, stride=2, padding=1), nn.ReLU()]
        self.conv = nn.Sequential(*layers)
        freq = feat_in
        for _ in range(self.times):
            freq = (freq - 1) // 2 + 1
        self.out = nn.Linear(channels * freq, d_model)

    def forward(self, x, length):
        # x (N, T, F) -> (N, 1, T, F)
        x = self.conv(x.unsqueeze(1))
        n, c, t, f = x.shape
        x = self.out(x.transpose(1, 2).reshape(n, t, c * f))
        return x, strided_length(length, self.times)


class FeedForward(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.linear1 = nn.Linear(d, hidden, bias=False)
        self.linear2 = nn.Linear(hidden, d, bias=False)

    def forward(self, x):
        return self.linear2(F.silu(self.linear1(self.norm(x))))


class RelPositionAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.h, self.dk = heads, d // heads
        self.norm = nn.LayerNorm(d)
        self.linear_q = nn.Linear(d, d, bias=False)
        self.linear_k = nn.Linear(d, d, bias=False)
        self.linear_v = nn.Linear(d, d, bias=False)
        self.linear_out = nn.Linear(d, d, bias=False)
        self.linear_pos = nn.Linear(d, d, bias=False)
        self.pos_bias_u = nn.Parameter(torch.randn(heads, self.dk) * 0.02)
        self.pos_bias_v = nn.Parameter(torch.randn(heads, self.dk) * 0.02)

    def forward(self, x, pos_emb, mask_bias):
        n, t, d = x.shape
        x = self.norm(x)
        q = self.linear_q(x).view(n, t, self.h, self.dk)
        k = self.linear_k(x).view(n, t, self.h, self.dk).transpose(1, 2)
        v = self.linear_v(x).view(n, t, self.h, self.dk).transpose(1, 2)
        p = self.linear_pos(pos_emb).view(1, -1, self.h, self.dk).transpose(1, 2)  # (1, h, 2T-1, dk)
        ac = torch.matmul((q + self.pos_bias_u).transpose(1, 2), k.transpose(-2, -1))  # (N, h, T, T)
        bd = torch.matmul((q + self.pos_bias_v).transpose(1, 2), p.transpose(-2, -1))  # (N, h, T, 2T-1)
        # Transformer-XL rel_shift: pad one column, fold, drop the first row -> each row's relative offsets
        bd = F.pad(bd, (1, 0))
        bd = bd.reshape(n, self.h, -1, t)[:, :, 1:].reshape(n, self.h, t, -1)[:, :, :, :t]
        scores = (ac + bd) / math.sqrt(self.dk) + mask_bias
        out = torch.matmul(torch.softmax(scores, dim=-1), v)
        return self.linear_out(out.transpose(1, 2).reshape(n, t, d))


class ConvModule(nn.Module):
    def __init__(self, d, kernel):
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.pointwise1 = nn.Linear(d, 2 * d, bias=False)
        self.depthwise = nn.Conv1d(d, d, kernel, padding=kernel // 2, groups=d, bias=False)
        self.batch_norm = nn.BatchNorm1d(d)
        self.pointwise2 = nn.Linear(d, d, bias=False)

    def forward(self, x, keep):
        x = F.glu(self.pointwise1(self.norm(x)), dim=-1) * keep
        x = F.silu(self.batch_norm(self.depthwise(x.transpose(1, 2)))).transpose(1, 2)
        return self.pointwise2(x)


class ConformerLayer(nn.Module):
    def __init__(self, d, heads, ff_hidden, kernel):
        super().__init__()
        self.ff1 = FeedForward(d, ff_hidden)
        self.attn = RelPositionAttention(d, heads)
        self.conv = ConvModule(d, kernel)
        self.ff2 = FeedForward(d, ff_hidden)
        self.norm_out = nn.LayerNorm(d)

    def forward(self, x, pos_emb, mask_bias, keep):
        x = x + 0.5 * self.ff1(x)
        x = x + self.attn(x, pos_emb, mask_bias)
        x = x + self.conv(x, keep)
        x = x + 0.5 * self.ff2(x)
        return self.norm_out(x)


def relative_positions(t, d):
    """Sinusoids for relative offsets T-1 .. -(T-1): (2T-1, d), computed in the graph for any T."""
    pos = torch.arange(t - 1, -t, -1, dtype=torch.float32).unsqueeze(1)
    inv = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * (-math.log(10000.0) / d))
    return torch.stack([torch.sin(pos * inv), torch.cos(pos * inv)], dim=-1).reshape(-1, d)


class ConformerEncoder(nn.Module):
    def __init__(self, feat_in, d_model, layers, heads, ff_expansion, kernel, subsampling, style="dw_striding", channels=256):
        super().__init__()
        self.d = d_model
        self.pre_encode = ConvSubsampling(feat_in, d_model, subsampling, channels, style)
        self.layers = nn.ModuleList([ConformerLayer(d_model, heads, ff_expansion * d_model, kernel) for _ in range(layers)])

    def forward(self, audio_signal, length):
        x, length = self.pre_encode(audio_signal.transpose(1, 2), length)
        t = x.shape[1]
        keep = (torch.arange(t).unsqueeze(0) < length.unsqueeze(1)).to(torch.float32)  # (N, T)
        mask_bias = ((1.0 - keep) * -1e4)[:, None, None, :]
        pos_emb = relative_positions(t, self.d) * 1.0
        keep3 = keep.unsqueeze(-1)
        for layer in self.layers:
            x = layer(x, pos_emb, mask_bias, keep3)
        return x.transpose(1, 2), length
