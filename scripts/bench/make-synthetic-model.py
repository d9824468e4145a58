#!/usr/bin/env python3
"""A NeMo-CTC-layout model of realistic size with random weights, for measuring the server's overhead when
inference dominates (the embedded models are so small that feature extraction costs as much as the model).
Random weights transcribe nothing useful; the benchmark only times it.

  /usr/bin/python3 scripts/bench/make-synthetic-model.py /tmp/bench-models/synthetic-ctc-25m [--width 512 --blocks 16]
"""
import argparse
import os

import onnx
import torch
from torch import nn

TOKENS = ["\u2581"] + list("abcdefghijklmnopqrstuvwxyz'")


class Block(nn.Module):
    def __init__(self, d, k):
        super().__init__()
        self.dw = nn.Conv1d(d, d, k, padding=k // 2, groups=d)
        self.pw1 = nn.Conv1d(d, 4 * d, 1)
        self.pw2 = nn.Conv1d(4 * d, d, 1)
        self.norm = nn.BatchNorm1d(d)

    def forward(self, x):
        return x + self.pw2(torch.relu(self.pw1(self.norm(self.dw(x)))))


class Model(nn.Module):
    def __init__(self, width, blocks):
        super().__init__()
        self.sub = nn.Sequential(nn.Conv1d(80, width, 3, stride=2, padding=1), nn.ReLU(), nn.Conv1d(width, width, 3, stride=2, padding=1), nn.ReLU())
        self.blocks = nn.Sequential(*[Block(width, 15) for _ in range(blocks)])
        self.head = nn.Conv1d(width, len(TOKENS) + 1, 1)

    def forward(self, audio_signal, length):
        h = self.blocks(self.sub(audio_signal))
        # keep `length` in the graph, as NeMo exports do
        return torch.log_softmax(self.head(h), dim=1).transpose(1, 2) + 0.0 * length.float().reshape(-1, 1, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--width", type=int, default=512)
    ap.add_argument("--blocks", type=int, default=16)
    a = ap.parse_args()
    torch.manual_seed(0)
    m = Model(a.width, a.blocks).eval()
    params = sum(p.numel() for p in m.parameters())
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, "model.onnx")
    torch.onnx.export(m, (torch.randn(1, 80, 200), torch.tensor([200])), path, input_names=["audio_signal", "length"],
                      output_names=["logprobs"], dynamic_axes={"audio_signal": {0: "N", 2: "T"}, "length": {0: "N"}, "logprobs": {0: "N", 1: "T"}},
                      opset_version=17)
    model = onnx.load(path)
    for k, v in {"model_type": "EncDecCTCModelBPE", "vocab_size": str(len(TOKENS) + 1), "subsampling_factor": "4", "normalize_type": "per_feature"}.items():
        p = model.metadata_props.add()
        p.key, p.value = k, v
    onnx.save(model, path)
    with open(os.path.join(a.out, "tokens.txt"), "w") as f:
        for i, t in enumerate(TOKENS):
            f.write(f"{t} {i}\n")
        f.write(f"<blk> {len(TOKENS)}\n")
    print(f"wrote {path}: {params / 1e6:.1f}M parameters")


if __name__ == "__main__":
    main()
