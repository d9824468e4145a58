"""A Zipformer2 encoder (icefall's zipformer/) at a published size, for timing only (random weights).

What it keeps of icefall's Zipformer2, so the cost is the real model's: the Conv2dSubsampling embed (convolutions
with 8, 32, 128 channels, a ConvNeXt block, a Linear to the first stack's width; (T - 7) / 2 frames at 50 Hz);
stacks of layers at their own frame rates (downsampling factors relative to 50 Hz) and widths; each layer with
three feed-forward modules (3/4, 1 and 5/4 of the stack's feed-forward width), one set of attention weights
(num_heads x query_head_dim queries and keys) used by two self-attention value paths (value_head_dim per head)
and by the non-linear attention (3/4 of the width), and two convolution modules (pointwise 2x, gated, depthwise
kernel, pointwise); the output downsampled 2x to 25 Hz and projected to the joiner width. Left out, being small
next to the rest: relative-position scores (4 dims per head), bypass/balancer/whitening modules, BiasNorm (a
LayerNorm here). Streaming (`cached` states as sherpa-onnx's OnlineZipformer2TransducerModel passes them): the
attention reads left_context_len cached keys/values per stack, convolutions are chunk-causal (a causal kernel of
kernel/2 + 1 over kernel/2 cached frames plus a chunk-wise kernel), the embed carries 3 frames in embed_states.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def feed_forward(dim, hidden):
    return nn.Sequential(nn.Linear(dim, hidden), nn.SiLU(), nn.Linear(hidden, dim))


class ConvModule(nn.Module):
    def __init__(self, dim, kernel):
        super().__init__()
        self.half = kernel // 2
        self.in_proj = nn.Linear(dim, 2 * dim)
        self.chunkwise = nn.Conv1d(dim, dim, kernel, padding=kernel // 2, groups=dim)
        self.causal = nn.Conv1d(dim, dim, self.half + 1, groups=dim)
        self.out_proj = nn.Linear(dim, dim)

    def forward(self, x, cache=None):
        """x (N, C, dim); cache (N, dim, kernel/2) or None (offline) -> (out, new cache)."""
        a, gate = self.in_proj(x).chunk(2, dim=-1)
        y = (a * torch.sigmoid(gate)).transpose(1, 2)  # (N, dim, C)
        out = self.chunkwise(y)
        new_cache = None
        if cache is not None:
            full = torch.cat([cache, y], dim=2)
            out = out + self.causal(full)
            new_cache = full[:, :, -self.half:]
        return self.out_proj(F.silu(out).transpose(1, 2)), new_cache


class ZipformerLayer(nn.Module):
    def __init__(self, dim, ff, heads, query_head_dim, value_head_dim, kernel):
        super().__init__()
        self.h, self.qd, self.vd = heads, query_head_dim, value_head_dim
        self.hidden = 3 * dim // 4
        self.ff1, self.ff2, self.ff3 = feed_forward(dim, ff * 3 // 4), feed_forward(dim, ff), feed_forward(dim, ff * 5 // 4)
        self.in_qk = nn.Linear(dim, 2 * heads * query_head_dim)
        self.v1, self.o1 = nn.Linear(dim, heads * value_head_dim), nn.Linear(heads * value_head_dim, dim)
        self.v2, self.o2 = nn.Linear(dim, heads * value_head_dim), nn.Linear(heads * value_head_dim, dim)
        self.nl_in, self.nl_out = nn.Linear(dim, 3 * self.hidden), nn.Linear(self.hidden, dim)
        self.conv1, self.conv2 = ConvModule(dim, kernel), ConvModule(dim, kernel)
        self.norm = nn.LayerNorm(dim)

    def _heads(self, x, d):
        return x.reshape(x.shape[0], x.shape[1], self.h, d).transpose(1, 2)

    def _attend(self, weights, v):
        out = torch.matmul(weights, self._heads(v, self.vd))  # (N, h, C, vd)
        return out.transpose(1, 2).reshape(out.shape[0], out.shape[2], self.h * self.vd)

    def forward(self, x, state=None, key_bias=None):
        """x (N, C, dim). state: [cached_key (L, N, h*qd), cached_nonlin_attn (1, N, L, hidden), cached_val1,
        cached_val2 (L, N, h*vd), cached_conv1, cached_conv2 (N, dim, kernel/2)] or None; key_bias (N, 1, 1, L + C)."""
        c = x.shape[1]
        x = x + self.ff1(x)
        q, k = self.in_qk(x).chunk(2, dim=-1)
        s, xx, y = self.nl_in(x).chunk(3, dim=-1)
        xx = torch.tanh(s) * xx
        v1 = self.v1(x)
        if state is not None:
            ck, cn, cv1, cv2, cc1, cc2 = state
            k = torch.cat([ck.transpose(0, 1), k], dim=1)
            xx = torch.cat([cn[0], xx], dim=1)
            v1 = torch.cat([cv1.transpose(0, 1), v1], dim=1)
        scores = torch.matmul(self._heads(q, self.qd), self._heads(k, self.qd).transpose(-2, -1))
        if key_bias is not None:
            scores = scores + key_bias
        weights = torch.softmax(scores, dim=-1)  # (N, h, C, L + C)
        x = x + self.o1(self._attend(weights, v1))
        x = x + self.nl_out(torch.matmul(weights[:, 0], xx) * y)
        conv1, new_c1 = self.conv1(x, None if state is None else cc1)
        x = x + conv1
        x = x + self.ff2(x)
        v2 = self.v2(x)
        if state is not None:
            v2 = torch.cat([cv2.transpose(0, 1), v2], dim=1)
        x = x + self.o2(self._attend(weights, v2))
        conv2, new_c2 = self.conv2(x, None if state is None else cc2)
        x = self.norm(x + conv2 + self.ff3(x + conv2))
        if state is None:
            return x, None
        left = ck.shape[0]
        new_state = [k[:, -left:].transpose(0, 1), xx[:, -left:].unsqueeze(0), v1[:, -left:].transpose(0, 1),
                     v2[:, -left:].transpose(0, 1), new_c1, new_c2]
        return x, new_state


class Embed(nn.Module):
    """Conv2dSubsampling: (N, T, 80) -> (N, (T - 7) / 2, out_dim); with `cache` (N, 128, 3, 19) the ConvNeXt
    block also sees the previous chunk's last 3 frames."""

    def __init__(self, out_dim, feat=80):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, 8, 3, padding=(0, 1)), nn.SiLU(), nn.Conv2d(8, 32, 3, stride=2), nn.SiLU(),
                                  nn.Conv2d(32, 128, 3, stride=(1, 2)), nn.SiLU())
        self.freq = ((feat - 1) // 2 - 1) // 2
        self.dw = nn.Conv2d(128, 128, 7, padding=(0, 3), groups=128)
        self.pw1, self.pw2 = nn.Linear(128, 384), nn.Linear(384, 128)
        self.out = nn.Linear(128 * self.freq, out_dim)

    def forward(self, x, cache=None):
        y = self.conv(x.unsqueeze(1))  # (N, 128, T', 19)
        new_cache = None
        if cache is None:
            padded = F.pad(y, (0, 0, 3, 3))
        else:
            padded = F.pad(torch.cat([cache, y], dim=2), (0, 0, 0, 3))
            new_cache = y[:, :, -3:]
        z = self.dw(padded).permute(0, 2, 3, 1)  # (N, T', 19, 128)
        y = y + self.pw2(F.silu(self.pw1(z))).permute(0, 3, 1, 2)
        n, c, t, f = y.shape
        return self.out(y.permute(0, 2, 1, 3).reshape(n, t, c * f)), new_cache


def fit_width(x, dim):
    """Zipformer2 changes width between stacks by truncating or zero-padding channels."""
    have = x.shape[-1]
    return x[..., :dim] if have >= dim else F.pad(x, (0, dim - have))


def downsample(x, factor):
    """(N, T, D) -> (N, ceil(T / factor), D): the mean of each `factor` frames (any T once exported)."""
    if factor == 1:
        return x
    # a static pad of factor - 1 frames, then whole windows: ceil(T / factor) frames for any T
    return F.avg_pool1d(F.pad(x.transpose(1, 2), (0, factor - 1)), factor, factor).transpose(1, 2)


def upsample(x, factor, t):
    """Each frame repeated `factor` times, cut to `t` frames."""
    if factor == 1:
        return x
    n, frames, d = x.shape
    return x.unsqueeze(2).expand(n, frames, factor, d).reshape(n, frames * factor, d)[:, :t]


class ZipformerEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.embed = Embed(cfg["encoder_dims"][0])
        self.stacks = nn.ModuleList()
        for s, dim in enumerate(cfg["encoder_dims"]):
            self.stacks.append(nn.ModuleList([
                ZipformerLayer(dim, cfg["feedforward_dims"][s], cfg["num_heads"][s], cfg["query_head_dim"], cfg["value_head_dim"],
                               cfg["cnn_module_kernels"][s]) for _ in range(cfg["num_encoder_layers"][s])]))
        self.out_dim = max(cfg["encoder_dims"])
        self.proj = nn.Linear(self.out_dim, cfg["joiner_dim"])

    def run_stacks(self, x, states=None, processed=None):
        """x (N, T50, dim0) -> (N, T50 / 2, joiner_dim); with states (flat list, 6 per layer) also the new ones."""
        t = x.shape[1]
        new_states, i = [], 0
        for s, layers in enumerate(self.stacks):
            ds = self.cfg["downsampling_factors"][s]
            h = downsample(fit_width(x, self.cfg["encoder_dims"][s]), ds)
            bias = None
            if states is not None:
                left = self.cfg["left_context_len"][s]
                filled = torch.div(processed, ds, rounding_mode="floor")
                unfilled = torch.arange(left).unsqueeze(0) < (left - filled).unsqueeze(1)  # (N, L)
                chunk = torch.zeros(h.shape[0], h.shape[1], dtype=torch.bool)
                bias = (torch.cat([unfilled, chunk], dim=1).to(torch.float32) * -1e4)[:, None, None, :]
            for layer in layers:
                h, st = layer(h, None if states is None else states[6 * i:6 * i + 6], bias)
                if st is not None:
                    new_states += st
                i += 1
            x = fit_width(upsample(h, ds, t), self.out_dim) if s + 1 == len(self.stacks) else upsample(h, ds, t)
        return self.proj(downsample(x, 2)), new_states


class OfflineEncoder(nn.Module):
    """icefall's offline export: x (N, T, 80), x_lens (N,) int64 -> encoder_out (N, T', joiner_dim), encoder_out_lens."""

    def __init__(self, cfg):
        super().__init__()
        self.z = ZipformerEncoder(cfg)

    def forward(self, x, x_lens):
        h, _ = self.z.embed(x)
        out, _ = self.z.run_stacks(h)
        lens = torch.div(torch.div(x_lens - 7, 2, rounding_mode="floor") + 1, 2, rounding_mode="floor")
        return out, lens


class StreamingEncoder(nn.Module):
    """icefall's streaming export: x (N, T, 80) and the caches -> encoder_out (N, chunk / 4, joiner_dim), new caches."""

    def __init__(self, cfg):
        super().__init__()
        self.z = ZipformerEncoder(cfg)
        self.chunk50 = cfg["decode_chunk_len"] // 2

    def forward(self, x, *states):
        embed_states, processed = states[-2], states[-1]
        h, new_embed = self.z.embed(x, embed_states)
        h = h[:, :self.chunk50]
        out, new_states = self.z.run_stacks(h, list(states[:-2]), processed)
        return (out, *new_states, new_embed, processed + self.chunk50)

    def init_states(self):
        cfg, states = self.z.cfg, []
        for s, dim in enumerate(cfg["encoder_dims"]):
            left, heads = cfg["left_context_len"][s], cfg["num_heads"][s]
            for _ in range(cfg["num_encoder_layers"][s]):
                states += [torch.zeros(left, 1, heads * cfg["query_head_dim"]), torch.zeros(1, 1, left, 3 * dim // 4),
                           torch.zeros(left, 1, heads * cfg["value_head_dim"]), torch.zeros(left, 1, heads * cfg["value_head_dim"]),
                           torch.zeros(1, dim, cfg["cnn_module_kernels"][s] // 2), torch.zeros(1, dim, cfg["cnn_module_kernels"][s] // 2)]
        return states + [torch.zeros(1, 128, 3, self.z.embed.freq), torch.zeros(1, dtype=torch.int64)]
