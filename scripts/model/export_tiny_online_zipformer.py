#!/usr/bin/env python3
"""
A tiny streaming transducer in exactly the layout of sherpa-onnx's OnlineZipformer2TransducerModel (icefall's
zipformer/export-onnx-streaming.py): what the service's online-transducer code and sherpa-onnx-node both load
in the parity test. It is not a speech recognizer: its weights are random (seeded), shaped so that its greedy
output is varied (neither empty nor one repeated token). What it does keep from the real model is the
interface and the streaming behaviour:

encoder  inputs  x (N, T, 80); per layer i of every stack, in this order: cached_key_i (L, N, key_dim),
                 cached_nonlin_attn_i (1, N, L, 3*dim/4), cached_val1_i (L, N, value_dim),
                 cached_val2_i (L, N, value_dim), cached_conv1_i (N, dim, kernel/2), cached_conv2_i (N, dim,
                 kernel/2); then embed_states (N, 128, 3, 19) and processed_lens (N,) int64
         outputs encoder_out (N, decode_chunk_len/4, joiner_dim), then new_<name> for every state, same order
         metadata model_type=zipformer2, encoder_dims, query_head_dims, value_head_dims, num_heads,
                 num_encoder_layers, cnn_module_kernels, left_context_len, T, decode_chunk_len
decoder  y (N, context_size) int64 -> decoder_out (N, joiner_dim); -1 (before the start) embeds as zeros, and
         so does blank (padding_idx); metadata context_size, vocab_size
joiner   encoder_out (N, joiner_dim), decoder_out (N, joiner_dim) -> logit (N, vocab)

Every state is used and updated causally: the attention caches are sliding windows of the last L encoder
frames (masked by processed_lens until filled), the conv caches hold the last kernel/2 frames of a causal
depthwise convolution, embed_states carries the last 3 feature frames' projection into the next chunk. So
chunk k's output depends on every earlier chunk, as a real streaming encoder's does.

Usage: /usr/bin/python3 scripts/model/export_tiny_online_zipformer.py [out_dir]
"""
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sherpa_layout import write_metadata, write_tokens  # noqa: E402

SEED = 14
FEATURE_DIM = 80
DECODE_CHUNK_LEN = 32  # feature frames per chunk (16 at 50 Hz after the embed)
PAD_LENGTH = 7 + 2 * 3
T = DECODE_CHUNK_LEN + PAD_LENGTH  # 45: frames the encoder sees per chunk (13 frames of lookahead)
OUT_FRAMES = DECODE_CHUNK_LEN // 4  # encoder frames per chunk (25 Hz)
ENCODER_DIMS = [32, 24]
NUM_ENCODER_LAYERS = [1, 2]
QUERY_HEAD_DIMS = [8, 8]
VALUE_HEAD_DIMS = [4, 4]
NUM_HEADS = [2, 2]
CNN_MODULE_KERNELS = [7, 5]
LEFT_CONTEXT_LEN = [16, 8]
EMBED_DIM = ((FEATURE_DIM - 1) // 2 - 1) // 2  # 19
JOINER_DIM = 32
CONTEXT_SIZE = 2
# mean log mel above which a frame counts as speech, and the joiner's blank bias: sparse, varied output
SPEECH_LOG_MEL = float(os.environ.get('SPEECH_LOG_MEL', '-4'))
BLANK_BIAS = float(os.environ.get('BLANK_BIAS', '1.0'))

TOKENS = ['<blk>', '<sos/eos>', '<unk>'] + [
    '\u2581ZERO', '\u2581ONE', '\u2581TWO', '\u2581THREE', '\u2581FOUR', '\u2581FIVE', '\u2581SIX', '\u2581SEVEN',
    '\u2581EIGHT', '\u2581NINE', '\u2581OH', '\u2581THE', '\u2581A', '\u2581', 'S', 'ED', 'ING', 'E', 'N', 'T',
    'R', 'LY', 'ER', 'O',
]
VOCAB = len(TOKENS)


class Layer(nn.Module):
    """One layer: a causal attention over [cache; chunk] (keys, two value caches), a cached 'nonlinear
    attention' summary, and two causal depthwise convolutions continuing from their cached frames."""

    def __init__(self, dim, key_dim, value_dim, kernel, left):
        super().__init__()
        self.left = left
        self.kernel = kernel
        self.half = kernel // 2
        self.q = nn.Linear(dim, key_dim)
        self.k = nn.Linear(dim, key_dim)
        self.v1 = nn.Linear(dim, value_dim)
        self.v2 = nn.Linear(dim, value_dim)
        self.o1 = nn.Linear(value_dim, dim)
        self.o2 = nn.Linear(value_dim, dim)
        self.nl = nn.Linear(dim, 3 * dim // 4)
        self.nl_out = nn.Linear(3 * dim // 4, dim)
        self.conv1 = nn.Conv1d(dim, dim, self.half + 1, groups=dim)
        self.conv2 = nn.Conv1d(dim, dim, self.half + 1, groups=dim)

    def forward(self, h, cached_key, cached_nonlin, cached_val1, cached_val2, cached_conv1, cached_conv2, cache_mask):
        # h (N, C, D)
        n, c, _ = h.shape
        k = self.k(h).permute(1, 0, 2)
        v1 = self.v1(h).permute(1, 0, 2)
        v2 = self.v2(h).permute(1, 0, 2)
        keys = torch.cat([cached_key, k], dim=0)
        vals1 = torch.cat([cached_val1, v1], dim=0)
        vals2 = torch.cat([cached_val2, v2], dim=0)
        # (N, C, L + C): cache positions not yet filled, and future chunk frames, are masked
        steps = torch.arange(c)
        future = steps.unsqueeze(0) > steps.unsqueeze(1)
        mask = torch.cat([cache_mask.unsqueeze(1).expand(n, c, self.left), future.unsqueeze(0).expand(n, c, c)], dim=2)
        q = self.q(h)
        scores = torch.matmul(q, keys.permute(1, 2, 0)) / (q.shape[-1] ** 0.5)
        scores = scores.masked_fill(mask, -1e4)
        weights = torch.softmax(scores, dim=-1)
        a1 = torch.matmul(weights, vals1.permute(1, 0, 2))
        a2 = torch.matmul(weights, vals2.permute(1, 0, 2))
        h = h + self.o1(a1) + self.o2(a2)
        # nonlinear attention: a running summary of the cached frames' projections
        nl = torch.tanh(self.nl(h))  # (N, C, 3D/4)
        nl_all = torch.cat([cached_nonlin[0], nl], dim=1)  # (N, L + C, 3D/4)
        h = h + self.nl_out(nl_all[:, -self.left - c:].mean(dim=1, keepdim=True)).expand(n, c, h.shape[2])
        # causal depthwise convolutions continuing from the cached frames
        x = h.permute(0, 2, 1)  # (N, D, C)
        x1 = torch.cat([cached_conv1, x], dim=2)
        y1 = self.conv1(x1)  # (N, D, C)
        x2 = torch.cat([cached_conv2, torch.tanh(y1)], dim=2)
        y2 = self.conv2(x2)
        h = h + y2.permute(0, 2, 1)
        new_key = keys[-self.left:]
        new_nonlin = nl_all[:, -self.left:].unsqueeze(0)
        new_val1 = vals1[-self.left:]
        new_val2 = vals2[-self.left:]
        new_conv1 = x1[:, :, -self.half:]
        new_conv2 = x2[:, :, -self.half:]
        return torch.tanh(h), [new_key, new_nonlin, new_val1, new_val2, new_conv1, new_conv2]


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(FEATURE_DIM, ENCODER_DIMS[0])
        self.embed_state = nn.Linear(FEATURE_DIM, EMBED_DIM)
        self.embed_channels = nn.Parameter(torch.randn(128, 1, 1) * 0.5)
        self.embed_in = nn.Linear(EMBED_DIM, ENCODER_DIMS[0])
        self.layers = nn.ModuleList()
        self.stack_of = []
        self.projections = nn.ModuleList()
        for s, (dim, layers) in enumerate(zip(ENCODER_DIMS, NUM_ENCODER_LAYERS)):
            if s > 0:
                self.projections.append(nn.Linear(ENCODER_DIMS[s - 1], dim))
            for _ in range(layers):
                self.layers.append(Layer(dim, QUERY_HEAD_DIMS[s] * NUM_HEADS[s], VALUE_HEAD_DIMS[s] * NUM_HEADS[s], CNN_MODULE_KERNELS[s], LEFT_CONTEXT_LEN[s]))
                self.stack_of.append(s)
        self.proj = nn.Linear(ENCODER_DIMS[-1], JOINER_DIM)

    def forward(self, x, *states):
        n = x.shape[0]
        embed_states, processed_lens = states[-2], states[-1]
        # loudness per output frame (mean log mel): drives a 'silence' coordinate the joiner's blank row reads
        energy = x[:, :DECODE_CHUNK_LEN].mean(dim=2).reshape(n, OUT_FRAMES, 4).mean(dim=2)
        silence = 3.0 - 6.0 * torch.sigmoid(energy - SPEECH_LOG_MEL)
        # mean-normalized log mel (per frame, over frequency): the random weights then see shape, not level
        x = x - x.mean(dim=2, keepdim=True)
        f = torch.tanh(self.embed(x))  # (N, T, D0)
        # 4x subsampling of the chunk's 32 frames, each output frame also hearing the next 4 (lookahead)
        groups = f[:, :DECODE_CHUNK_LEN].reshape(n, OUT_FRAMES, 4, -1).mean(dim=2)
        ahead = f[:, 4:DECODE_CHUNK_LEN + 4].reshape(n, OUT_FRAMES, 4, -1).mean(dim=2)
        h = groups + 0.5 * ahead
        # the previous chunk's last frames (embed_states) reach into this chunk's first frame
        prev = embed_states.mean(dim=1)  # (N, 3, 19)
        h = h + torch.cat([self.embed_in(prev.mean(dim=1, keepdim=True)), torch.zeros(n, OUT_FRAMES - 1, h.shape[2])], dim=1)
        new_embed = torch.tanh(self.embed_state(x[:, DECODE_CHUNK_LEN - 3:DECODE_CHUNK_LEN])).unsqueeze(1) * self.embed_channels
        # processed_lens counts frames after the embed (50 Hz), as icefall's does; the caches hold 25 Hz frames
        new_processed_lens = processed_lens + 2 * OUT_FRAMES
        filled = torch.div(processed_lens, 2, rounding_mode='floor')
        new_states = []
        stack = 0
        for i, layer in enumerate(self.layers):
            s = self.stack_of[i]
            if s != stack:
                h = torch.tanh(self.projections[s - 1](h))
                stack = s
            positions = torch.arange(layer.left).unsqueeze(0).expand(n, layer.left)
            cache_mask = positions < (layer.left - filled).unsqueeze(1)
            h, updated = layer(h, *states[6 * i:6 * i + 6], cache_mask)
            new_states.extend(updated)
        encoder_out = self.proj(h)
        encoder_out = torch.cat([silence.unsqueeze(2), encoder_out[:, :, 1:]], dim=2)
        return (encoder_out, *new_states, new_embed, new_processed_lens)

    def init_states(self, n=1):
        states = []
        for i, layer in enumerate(self.layers):
            s = self.stack_of[i]
            dim = ENCODER_DIMS[s]
            key_dim = QUERY_HEAD_DIMS[s] * NUM_HEADS[s]
            value_dim = VALUE_HEAD_DIMS[s] * NUM_HEADS[s]
            left = LEFT_CONTEXT_LEN[s]
            states += [
                torch.zeros(left, n, key_dim),
                torch.zeros(1, n, left, 3 * dim // 4),
                torch.zeros(left, n, value_dim),
                torch.zeros(left, n, value_dim),
                torch.zeros(n, dim, CNN_MODULE_KERNELS[s] // 2),
                torch.zeros(n, dim, CNN_MODULE_KERNELS[s] // 2),
            ]
        states.append(torch.zeros(n, 128, 3, EMBED_DIM))
        states.append(torch.zeros(n, dtype=torch.int64))
        return states


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, JOINER_DIM, padding_idx=0)
        self.out = nn.Linear(CONTEXT_SIZE * JOINER_DIM, JOINER_DIM)

    def forward(self, y):
        e = self.embedding(y.clamp(min=0)) * (y >= 0).unsqueeze(-1).to(torch.float32)
        return torch.relu(self.out(e.reshape(y.shape[0], -1)))


class Joiner(nn.Module):
    def __init__(self):
        super().__init__()
        self.out = nn.Linear(JOINER_DIM, VOCAB)

    def forward(self, encoder_out, decoder_out):
        return self.out(torch.tanh(encoder_out + decoder_out))


def state_names():
    names = []
    for i in range(sum(NUM_ENCODER_LAYERS)):
        names += [f'cached_key_{i}', f'cached_nonlin_attn_{i}', f'cached_val1_{i}', f'cached_val2_{i}', f'cached_conv1_{i}', f'cached_conv2_{i}']
    return names + ['embed_states', 'processed_lens']


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else 'models/testdata/layouts/online-zipformer-transducer'
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(SEED)
    encoder, decoder, joiner = Encoder().eval(), Decoder().eval(), Joiner().eval()
    with torch.no_grad():
        # blank wins most frames, not all: a varied but sparse output, as a real model's
        # coordinate 0 of the joiner space is the encoder's silence signal: only blank reads it
        joiner.out.weight.mul_(3.0)
        joiner.out.weight[:, 0] = 0.0
        joiner.out.weight[0, 0] = 4.0
        joiner.out.bias[0] = BLANK_BIAS
        decoder.out.weight.mul_(0.5)
        encoder.proj.weight.mul_(3.0)
    suffix = 'epoch-99-avg-1-chunk-16-left-128'
    enc_path = os.path.join(out_dir, f'encoder-{suffix}.onnx')
    dec_path = os.path.join(out_dir, f'decoder-{suffix}.onnx')
    join_path = os.path.join(out_dir, f'joiner-{suffix}.onnx')

    names = state_names()
    states = encoder.init_states()
    x = torch.rand(1, T, FEATURE_DIM)
    dynamic = {'x': {0: 'N'}, 'encoder_out': {0: 'N'}}
    for name, tensor in zip(names, states):
        # batch is axis 1 of the attention caches, axis 0 of the rest (icefall's dynamic axes)
        axis = 1 if name.startswith(('cached_key', 'cached_nonlin_attn', 'cached_val')) else 0
        dynamic[name] = {axis: 'N'}
        dynamic[f'new_{name}'] = {axis: 'N'}
    with torch.no_grad():
        torch.onnx.export(encoder, (x, *states), enc_path, input_names=['x'] + names,
                          output_names=['encoder_out'] + [f'new_{n}' for n in names], dynamic_axes=dynamic, opset_version=13)
    write_metadata(enc_path, {
        'model_type': 'zipformer2', 'version': '1', 'model_author': 'onnx-stt-server tests',
        'comment': 'tiny streaming zipformer2 layout (random weights)',
        'decode_chunk_len': str(DECODE_CHUNK_LEN), 'T': str(T),
        'num_encoder_layers': ','.join(map(str, NUM_ENCODER_LAYERS)), 'encoder_dims': ','.join(map(str, ENCODER_DIMS)),
        'cnn_module_kernels': ','.join(map(str, CNN_MODULE_KERNELS)), 'left_context_len': ','.join(map(str, LEFT_CONTEXT_LEN)),
        'query_head_dims': ','.join(map(str, QUERY_HEAD_DIMS)), 'value_head_dims': ','.join(map(str, VALUE_HEAD_DIMS)),
        'num_heads': ','.join(map(str, NUM_HEADS)),
    })
    with torch.no_grad():
        torch.onnx.export(decoder, torch.zeros(4, CONTEXT_SIZE, dtype=torch.int64), dec_path, input_names=['y'],
                          output_names=['decoder_out'], dynamic_axes={'y': {0: 'N'}, 'decoder_out': {0: 'N'}}, opset_version=13)
    write_metadata(dec_path, {'context_size': str(CONTEXT_SIZE), 'vocab_size': str(VOCAB)})
    with torch.no_grad():
        torch.onnx.export(joiner, (torch.rand(4, JOINER_DIM), torch.rand(4, JOINER_DIM)), join_path,
                          input_names=['encoder_out', 'decoder_out'], output_names=['logit'],
                          dynamic_axes={'encoder_out': {0: 'N'}, 'decoder_out': {0: 'N'}, 'logit': {0: 'N'}}, opset_version=13)
    write_metadata(join_path, {'joiner_dim': str(JOINER_DIM)})
    write_tokens(os.path.join(out_dir, 'tokens.txt'), TOKENS)

    # Self-check: the graph's inputs/outputs are exactly the names above, in order.
    model = onnx.load(enc_path)
    assert [i.name for i in model.graph.input] == ['x'] + names, [i.name for i in model.graph.input]
    assert [o.name for o in model.graph.output] == ['encoder_out'] + [f'new_{n}' for n in names]
    print(f'wrote {out_dir}: {VOCAB} tokens, {len(names)} states, T={T}, decode_chunk_len={DECODE_CHUNK_LEN}')
    for p in (enc_path, dec_path, join_path):
        print(f'  {os.path.basename(p)}: {os.path.getsize(p)} bytes')


if __name__ == '__main__':
    main()
