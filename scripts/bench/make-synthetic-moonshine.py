#!/usr/bin/env python3
"""Moonshine v1 models with random weights at the size of Useful Sensors' tiny and base, in the folder layout of
sherpa-onnx-moonshine-{tiny,base}-en-int8, for timing the service's model code (scripts/bench/layout-rtf.ts).
They transcribe nothing; only their cost is real.

  /usr/bin/python3 scripts/bench/make-synthetic-moonshine.py tiny /tmp/bench-models/moonshine-tiny [--tokens-per-sec 3]

Sizes (UsefulSensors/moonshine-{tiny,base} config.json): tiny 6 encoder + 6 decoder layers of 288, base 8 + 8 of
416; 8 heads; feed-forward 4x (GELU in the encoder, SwiGLU in the decoder); 32768 tokens. The preprocessor is
Moonshine's: Conv1d(1, dim, 127, stride 64, no bias), tanh, GroupNorm, Conv1d(dim, 2 dim, 7, stride 3), GELU,
Conv1d(2 dim, dim, 3, stride 2), GELU (384 samples a frame). Attention layers, the decoders' interface and the
export wrappers are scripts/model/export_tiny_moonshine.py's at this size (additive sinusoidal positions instead
of rotary ones: the same matmuls). As the published folder: preprocess.onnx in float32, encode / uncached_decode /
cached_decode as *.int8.onnx (dynamic int8 as onnxruntime's quantize_dynamic writes it).

Random weights would end the text at once or never: the decoders are rewritten so that </s> wins exactly when
the sequence has --tokens-per-sec tokens per second of audio (default 3; the audio's length is read from the
encoder output's frames of 384 samples).
"""
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "model"))
import export_tiny_moonshine as tm  # noqa: E402
from synthetic_onnx import (at_least, autoregressive_args, axis_size, const, force_end_token, quantize_dynamic_int8, save, set_metadata,  # noqa: E402
                            write_summary)

SIZES = {"tiny": dict(dim=288, layers=6), "base": dict(dim=416, layers=8)}
HEADS, VOCAB, SAMPLES_PER_FRAME = 8, 32768, 384


class SwiGlu(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.fc1 = nn.Linear(dim, 2 * 4 * dim)
        self.fc2 = nn.Linear(4 * dim, dim)

    def forward(self, x):
        a, gate = self.fc1(x).chunk(2, dim=-1)
        return self.fc2(a * F.silu(gate))


class SyntheticMoonshine(tm.TinyMoonshine):
    """The tiny module's decoding with the real preprocessor, encoder depth and decoder feed-forward."""

    def __init__(self, dim, layers):
        nn.Module.__init__(self)
        self.conv1 = nn.Conv1d(1, dim, 127, stride=64, bias=False)
        self.groupnorm = nn.GroupNorm(1, dim)
        self.conv2 = nn.Conv1d(dim, 2 * dim, 7, stride=3)
        self.conv3 = nn.Conv1d(2 * dim, dim, 3, stride=2)
        self.encoder_layers = nn.ModuleList([tm.EncoderLayer() for _ in range(layers)])
        self.enc_norm = nn.LayerNorm(dim)
        self.embed = nn.Embedding(VOCAB, dim)
        nn.init.normal_(self.embed.weight, std=0.02)  # else the tied output repeats the input token (<s>) forever
        self.summary = nn.Linear(dim, dim)
        self.layers = nn.ModuleList([tm.DecoderLayer() for _ in range(layers)])
        for layer in self.layers:
            layer.ff = SwiGlu(dim)
        self.out_norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, VOCAB, bias=False)
        self.head.weight = self.embed.weight  # tied, as Moonshine's

    def preprocess(self, audio):
        x = self.groupnorm(torch.tanh(self.conv1(audio.unsqueeze(1))))
        x = F.gelu(self.conv3(F.gelu(self.conv2(x))))
        return x.transpose(1, 2)

    def encode(self, features, features_len=None):
        t = features.shape[1]
        x = features + tm.sinusoid(torch.arange(t, dtype=torch.float32), tm.DIM)
        bias = None
        if features_len is not None:
            pad = torch.arange(t).unsqueeze(0) >= features_len.to(torch.int64).unsqueeze(1)
            bias = (pad.to(torch.float32) * -1e4)[:, None, None, :]
        for layer in self.encoder_layers:
            x = layer(x, bias)
        return self.enc_norm(x)


def end_allowed(tokens_per_sec):
    """seq_len >= 1 + tokens_per_sec * seconds, the seconds from encoder_out's frames (384 samples each)."""
    def build(graph):
        c = lambda name, v, t: const(graph, "fe_" + name, v, t)  # noqa: E731
        frames = axis_size(graph, "encoder_out", 1, "fe_frames")
        graph.node.extend([
            helper.make_node("Cast", [frames], ["fe_frames_f"], to=TensorProto.FLOAT),
            helper.make_node("Mul", ["fe_frames_f", c("rate", SAMPLES_PER_FRAME / 16000 * tokens_per_sec, np.float32)], ["fe_n"]),
            helper.make_node("Add", ["fe_n", c("sos", 1.0, np.float32)], ["fe_limit"]),
            helper.make_node("Cast", ["seq_len"], ["fe_len"], to=TensorProto.FLOAT),
        ])
        return at_least(graph, "fe_len", "fe_limit", "fe_allowed")
    return build


def main():
    a = autoregressive_args(SIZES)
    dim, layers = SIZES[a.size]["dim"], SIZES[a.size]["layers"]
    tm.DIM, tm.HEADS, tm.HEAD_DIM, tm.DEC_LAYERS = dim, HEADS, dim // HEADS, layers
    torch.manual_seed(0)
    torch.set_num_threads(1)
    os.makedirs(a.out, exist_ok=True)
    model = SyntheticMoonshine(dim, layers).eval()
    total = sum(p.numel() for p in model.parameters())
    audio = torch.randn(1, 16000) * 0.1
    with torch.no_grad():
        feats = model.preprocess(audio)
        flen = torch.tensor([feats.shape[1]], dtype=torch.int32)
        enc = model.encode(feats, flen)
        sos = torch.tensor([[tm.SOS]], dtype=torch.int32)
        one = torch.tensor([1], dtype=torch.int32)
        _, *states = tm.UncachedDecode(model)(sos, enc, one)
    names = [f"{kind}_{i}" for i in range(layers) for kind in ("self_key", "self_value", "cross_key", "cross_value")]
    axes_of = lambda name: {0: "batch", 1: "num_tokens" if name.startswith("self") else "num_frames"}  # noqa: E731
    enc_axes = {0: "batch", 1: "num_frames"}
    graphs = {
        "preprocess": (tm.Preprocess(model), (audio,), ["audio"], ["features"],
                       {"audio": {0: "batch", 1: "num_samples"}, "features": {0: "batch", 1: "num_frames"}}),
        "encode": (tm.Encode(model), (feats, flen), ["features", "features_len"], ["encoder_out"],
                   {"features": {0: "batch", 1: "num_frames"}, "features_len": {0: "batch"}, "encoder_out": enc_axes}),
        "uncached_decode": (tm.UncachedDecode(model), (sos, enc, one), ["tokens", "encoder_out", "seq_len"],
                            ["logits"] + [f"out_{n}" for n in names],
                            {"tokens": {0: "batch", 1: "num_tokens"}, "encoder_out": enc_axes, "seq_len": {0: "batch"},
                             "logits": {0: "batch", 1: "num_tokens"}, **{f"out_{n}": axes_of(n) for n in names}}),
        "cached_decode": (tm.CachedDecode(model), (torch.tensor([[3]], dtype=torch.int32), enc, torch.tensor([2], dtype=torch.int32), *states),
                          ["token", "encoder_out", "seq_len"] + [f"in_{n}" for n in names], ["logits"] + [f"out_{n}" for n in names],
                          {"token": {0: "batch"}, "encoder_out": enc_axes, "seq_len": {0: "batch"}, "logits": {0: "batch"},
                           **{f"in_{n}": axes_of(n) for n in names}, **{f"out_{n}": axes_of(n) for n in names}}),
    }
    meta = {"model_type": "moonshine", "version": "1", "vocab_size": VOCAB, "num_decoder_layers": layers, "num_heads": HEADS,
            "head_dim": dim // HEADS, "comment": f"random weights at the size of moonshine {a.size}; for timing only"}
    for name, (module, args, inputs, outputs, axes) in graphs.items():
        path = os.path.join(a.out, f"{name}.onnx")
        with torch.no_grad():
            torch.onnx.export(module, args, path, opset_version=tm.OPSET, do_constant_folding=True,
                              input_names=inputs, output_names=outputs, dynamic_axes=axes)
        graph = onnx.load(path)
        set_metadata(graph, meta)
        if name.endswith("decode"):
            force_end_token(graph, "logits", tm.EOS, VOCAB, end_allowed(a.tokens_per_sec))
        if name != "preprocess":
            quantize_dynamic_int8(graph)
            os.remove(path)
            path = os.path.join(a.out, f"{name}.int8.onnx")
        onnx.checker.check_model(graph)
        save(graph, path)
    with open(os.path.join(a.out, "tokens.txt"), "w", encoding="utf-8") as fh:
        symbols = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
        symbols += [f"\u2581w{i}" for i in range(VOCAB - len(symbols))]
        for i, s in enumerate(symbols):
            fh.write(f"{s}\t{i}\n")
    write_summary(a.out, f"moonshine-{a.size}", total, tokens_per_sec=a.tokens_per_sec)


if __name__ == "__main__":
    main()
