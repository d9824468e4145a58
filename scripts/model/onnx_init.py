"""Initialise a training model from an exported model folder (the committed ONNX files), so training can
continue from the embedded models when the checkpoints are gone (they live outside git).

The exporter folds every BatchNorm that follows a convolution into that convolution, so those convolutions
get the folded weights and their BatchNorm becomes the identity (mean 0, variance 1 - eps, scale 1, shift 0).
The model then computes exactly what the ONNX files compute, provided the BatchNorms stay in eval mode while
training goes on (`freeze_batchnorm`): a frozen BatchNorm is a plain per-channel affine map that still learns.

    python3 scripts/model/onnx_init.py --kind ctc --model models/nemo-ctc-en-conv-small --out /tmp/ctc-init.pt
"""
import argparse
import os
import re
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import modeldefs as M  # noqa: E402


def _convs(path):
    """(weight, bias or None) of every Conv node in graph order, plus all initializers by name."""
    m = onnx.load(path)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    # the exporter keeps one copy of identical weights (e.g. grown blocks' zeroed pw2 before they train) and names
    # the others through Identity nodes
    for n in m.graph.node:
        if n.op_type == "Identity" and n.input[0] in inits:
            inits[n.output[0]] = inits[n.input[0]]
    convs = []
    for n in m.graph.node:
        if n.op_type == "Conv":
            w = inits[n.input[1]]
            b = inits[n.input[2]] if len(n.input) > 2 and n.input[2] in inits else None
            convs.append((w, b))
    meta = {p.key: p.value for p in m.metadata_props}
    return convs, inits, meta


def _set(param, array):
    t = torch.from_numpy(np.array(array, copy=True)).to(param.dtype)
    if tuple(t.shape) != tuple(param.shape):
        raise ValueError(f"shape {tuple(t.shape)} != {tuple(param.shape)}")
    with torch.no_grad():
        param.copy_(t)


def _set_widened(pw1, pw2, w1, b1, w2, b2):
    """Loads a block's two pointwise convolutions (d -> h -> d) into wider ones (d -> h' -> d, h' >= h): the
    trained h units first; the new units keep their random input weights and get zero output weights, so they add
    nothing (the block computes what it did) while their gradient is not zero, so they learn from there."""
    h = w1.shape[0]
    if pw1.weight.shape[0] < h:
        raise ValueError(f"cannot narrow a feed-forward layer from {h} to {pw1.weight.shape[0]} units")
    with torch.no_grad():
        pw1.weight[:h].copy_(torch.from_numpy(np.array(w1)))
        pw1.bias[:h].copy_(torch.from_numpy(np.array(b1)))
        pw2.weight.zero_()
        pw2.weight[:, :h].copy_(torch.from_numpy(np.array(w2)))
        pw2.bias.copy_(torch.from_numpy(np.array(b2)))


def _identity_bn(bn):
    with torch.no_grad():
        bn.running_mean.zero_()
        bn.running_var.fill_(1.0 - bn.eps)
        bn.weight.fill_(1.0)
        bn.bias.zero_()


def grown_block_positions(n_old, n_new):
    """Where the n_old trained blocks go in an encoder of n_new >= n_old blocks: spread evenly, order kept
    (10 -> 16: 0 2 3 5 7 8 10 12 13 15); the other positions get new identity blocks (`_grow`)."""
    if n_new < n_old or n_old < 1:
        raise ValueError(f"cannot grow {n_old} blocks into {n_new}")
    if n_old == 1:
        return [0]
    return [int(i * (n_new - 1) / (n_old - 1) + 0.5) for i in range(n_old)]


def _grow(enc, n_old):
    """Positions of the n_old trained blocks in `enc`; every other block becomes an identity: a residual block
    whose last projection is zero computes (x + 0) * mask, so inserting it leaves the model's output unchanged,
    and its gradient is not zero, so it learns from there."""
    pos = grown_block_positions(n_old, len(enc.blocks))
    with torch.no_grad():
        for i, blk in enumerate(enc.blocks):
            if i not in pos:
                blk.pw2.weight.zero_()
                blk.pw2.bias.zero_()
    return pos


def load_grown(model, state_dict):
    """Loads a checkpoint's weights into `model`, which may have more encoder blocks than the checkpoint
    (the model grows: trained blocks spread out, identity blocks between them); returns the new positions."""
    pat = re.compile(r"^encoder\.blocks\.(\d+)\.(.*)$")
    n_old = 1 + max(int(m.group(1)) for m in map(pat.match, state_dict) if m)
    pos = _grow(model.encoder, n_old)
    mapped = {}
    for k, v in state_dict.items():
        m = pat.match(k)
        mapped[f"encoder.blocks.{pos[int(m.group(1))]}.{m.group(2)}" if m else k] = v
    missing, unexpected = model.load_state_dict(mapped, strict=False)
    if unexpected or any(not pat.match(k) or int(pat.match(k).group(1)) in pos for k in missing):
        raise ValueError(f"checkpoint does not fit the model: missing {missing}, unexpected {unexpected}")
    return pos


def _load_encoder(enc, convs):
    """Conv order in the graph: c1 (+b1), c2 (+b2), then per block dw (+bn), pw1, pw2; returns the rest.
    An encoder with more blocks than the graph grows (`_grow`), one with wider feed-forward layers too
    (`_set_widened`)."""
    it = iter(convs)
    for conv, bn in [(enc.c1, enc.b1), (enc.c2, enc.b2)]:
        w, b = next(it)
        _set(conv.weight, w)
        _set(conv.bias, b)
        _identity_bn(bn)
    if (len(convs) - 3) % 3:
        raise ValueError(f"{len(convs)} convolutions: expected c1, c2, three per block and the output projection")
    pos = _grow(enc, (len(convs) - 3) // 3)
    for blk in (enc.blocks[i] for i in pos):
        w, b = next(it)
        _set(blk.dw.weight, w)
        _set(blk.dw.bias, b)
        _identity_bn(blk.bn)
        (w1, b1), (w2, b2) = next(it), next(it)
        _set_widened(blk.pw1, blk.pw2, w1, b1, w2, b2)
    return list(it)


def load_from_onnx(kind, model, folder):
    """Loads the folder's ONNX weights into `model`; returns the training steps its metadata records. A model with
    another token inventory than the folder's (word pieces for characters) takes all but the layers that see
    tokens: a CTC model the encoder, a transducer also enc_proj and the decoder's convolution and projection."""
    if kind == "ctc":
        convs, _, meta = _convs(os.path.join(folder, "model.onnx"))
        rest = _load_encoder(model.encoder, convs)
        (w, b), = rest
        if w.shape[0] == model.head.out_channels:
            _set(model.head.weight, w)
            _set(model.head.bias, b)
        # else: another token inventory (word pieces for characters): the encoder only, the head starts afresh
    else:
        convs, inits, meta = _convs(os.path.join(folder, "encoder.onnx"))
        bn = model.encoder.input_bn
        for name in ("weight", "bias", "running_mean", "running_var"):
            _set(getattr(bn, name), inits[f"m.encoder.input_bn.{name}"])
        rest = _load_encoder(model.encoder, convs)
        (w, b), = rest
        _set(model.enc_proj.weight, w)
        _set(model.enc_proj.bias, b)
        dconvs, dinits, _ = _convs(os.path.join(folder, "decoder.onnx"))
        # another token inventory (word pieces for characters): the embedding and the joiner's output start afresh
        same_tokens = dinits["m.decoder.embedding.weight"].shape[0] == model.vocab
        if same_tokens:
            _set(model.decoder.embedding.weight, dinits["m.decoder.embedding.weight"])
        (w, _b), = dconvs
        _set(model.decoder.conv.weight, w)
        matmul = [v for k, v in dinits.items() if k.startswith("onnx::MatMul")]
        if len(matmul) != 1:
            raise ValueError("decoder.onnx: expected one MatMul weight for proj")
        _set(model.decoder.proj.weight, matmul[0].T)
        _set(model.decoder.proj.bias, dinits["m.decoder.proj.bias"])
        if same_tokens:
            _, jinits, _ = _convs(os.path.join(folder, "joiner.onnx"))
            _set(model.joiner.out.weight, jinits["m.joiner.out.weight"])
            _set(model.joiner.out.bias, jinits["m.joiner.out.bias"])
    return int(meta.get("train_steps", "0"))


def exported_blocks(kind, folder):
    """How many encoder blocks the folder's ONNX encoder has."""
    convs, _, _ = _convs(os.path.join(folder, "model.onnx" if kind == "ctc" else "encoder.onnx"))
    return (len(convs) - 3) // 3


def exported_expand(kind, folder):
    """The folder's feed-forward width in multiples of the model width (its first block's pw1: h x d)."""
    convs, _, _ = _convs(os.path.join(folder, "model.onnx" if kind == "ctc" else "encoder.onnx"))
    h, d = convs[3][0].shape[:2]
    return h // d


def exported_tokens(folder):
    """The folder's tokens.txt as a list of symbols (ids in order)."""
    with open(os.path.join(folder, "tokens.txt"), encoding="utf-8") as fh:
        pairs = [line.rstrip("\n").rsplit(" ", 1) for line in fh if line.strip()]
    return [sym for sym, _ in sorted(pairs, key=lambda p: int(p[1]))]


def freeze_batchnorm(model):
    """Keeps every BatchNorm in eval mode (running statistics fixed) whatever `model.train()` says."""
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.eval()
            m.train = lambda mode=True, m=m: torch.nn.Module.train(m, False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", choices=["ctc", "rnnt"], required=True)
    ap.add_argument("--model", required=True, help="model folder with the ONNX files")
    ap.add_argument("--out", required=True, help="checkpoint to write (model weights and state)")
    a = ap.parse_args()
    blocks = exported_blocks(a.kind, a.model)
    model = (M.CtcModel if a.kind == "ctc" else M.TransducerModel)(nblocks=blocks)
    steps = load_from_onnx(a.kind, model, a.model)
    torch.save({"model": model.state_dict(), "state": {"step": steps, "best": 1e9, "samples": 0},
                "args": {"dim": 192, "blocks": blocks, "kernel": 15}}, a.out)
    print("wrote", a.out, "train_steps", steps)


if __name__ == "__main__":
    main()
