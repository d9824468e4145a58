#!/usr/bin/env python3
"""Export trained checkpoints to the ONNX layouts sherpa-onnx loads.

    python3 scripts/model/export.py --kind ctc  --ckpt $W/ckpt/ctc/best.pt  --out models/nemo-ctc-en-conv-small
    python3 scripts/model/export.py --kind rnnt --ckpt $W/ckpt/rnnt/best.pt --out models/icefall-transducer-en-conv-small
"""
import argparse
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import modeldefs as M  # noqa: E402
from sherpa_layout import write_metadata, write_tokens  # noqa: E402

OPSET = 13


def load(kind, ckpt):
    ck = torch.load(ckpt, map_location="cpu")
    a = ck["args"]
    # characters, or the run's word pieces (train_real.py --word-pieces saves its table in the checkpoint)
    if kind == "ctc":
        ck["tokens"] = ck.get("tokens") or M.CTC_TOKENS
        model = M.CtcModel(d=a["dim"], nblocks=a["blocks"], k=a["kernel"], vocab=len(ck["tokens"]),
                           expand=a.get("expand", 2))
    else:
        ck["tokens"] = ck.get("tokens") or M.RNNT_TOKENS
        model = M.TransducerModel(d=a["dim"], nblocks=a["blocks"], k=a["kernel"], vocab=len(ck["tokens"]),
                                  expand=a.get("expand", 2))
    model.load_state_dict(ck["model"])
    model.eval()
    return model, ck


def token_unit(tokens, characters):
    """How the metadata comment names the model's output units: characters or word pieces (<blk> not counted)."""
    return "character" if list(tokens) == characters else f"{len(tokens) - 1} BPE word-piece"


def rnnt_comment(tokens):
    """The transducer's metadata comment (as the character models were exported; word pieces named)."""
    pieces = "" if list(tokens) == M.RNNT_TOKENS else f", {token_unit(tokens, M.RNNT_TOKENS)} tokens"
    return (f"depthwise-separable conv encoder + stateless decoder{pieces}; icefall offline transducer layout "
            "(model_type names the layout sherpa-onnx expects)")


class CtcWrap(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, audio_signal, length):
        return self.m(audio_signal, length)[0]


class EncWrap(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x, x_lens):
        enc, lens, _ = self.m.encode(x, x_lens)
        return enc, lens


class DecWrap(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, y):
        # sherpa-onnx (and icefall) start greedy search with context [-1, ..., -1, blank]; -1 means "before the
        # start". This model was trained with blanks there, so map -1 to blank (never index the embedding with -1).
        return self.m.decoder(y.clamp(min=0))[:, -1, :]


class JoinWrap(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, encoder_out, decoder_out):
        return self.m.joiner(encoder_out, decoder_out)


COMMON = {
    "model_author": "stt-service model factory (scripts/model)",
    "url": "models/README.md",
    "language": "English",
}


def export_ctc(model, ck, out):
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "model.onnx")
    x = torch.randn(1, 80, 200)
    lens = torch.tensor([200], dtype=torch.int64)
    torch.onnx.export(CtcWrap(model), (x, lens), path, opset_version=OPSET,
                      input_names=["audio_signal", "length"], output_names=["logprobs"],
                      dynamic_axes={"audio_signal": {0: "N", 2: "T"}, "length": {0: "N"},
                                    "logprobs": {0: "N", 1: "T_out"}})
    meta = dict(COMMON)
    tokens = ck["tokens"]
    unit = token_unit(tokens, M.CTC_TOKENS)
    meta.update({"model_type": "EncDecCTCModelBPE", "vocab_size": len(tokens), "subsampling_factor": 4,
                 "normalize_type": "per_feature", "is_giga_am": 0, "feat_dim": 80,
                 "comment": f"depthwise-separable conv CTC, {unit} tokens, NeMo CTC layout",
                 "train_steps": ck["state"]["step"]})
    write_metadata(path, meta)
    write_tokens(os.path.join(out, "tokens.txt"), tokens)


def export_rnnt(model, ck, out):
    os.makedirs(out, exist_ok=True)
    cs = model.context_size
    V = model.vocab
    x = torch.randn(1, 200, 80)
    lens = torch.tensor([200], dtype=torch.int64)
    enc_path = os.path.join(out, "encoder.onnx")
    torch.onnx.export(EncWrap(model), (x, lens), enc_path, opset_version=OPSET,
                      input_names=["x", "x_lens"], output_names=["encoder_out", "encoder_out_lens"],
                      dynamic_axes={"x": {0: "N", 1: "T"}, "x_lens": {0: "N"},
                                    "encoder_out": {0: "N", 1: "T_out"}, "encoder_out_lens": {0: "N"}})
    dec_path = os.path.join(out, "decoder.onnx")
    torch.onnx.export(DecWrap(model), (torch.zeros(1, cs, dtype=torch.int64),), dec_path, opset_version=OPSET,
                      input_names=["y"], output_names=["decoder_out"],
                      dynamic_axes={"y": {0: "N"}, "decoder_out": {0: "N"}})
    jdim = model.joiner.out.in_features
    join_path = os.path.join(out, "joiner.onnx")
    torch.onnx.export(JoinWrap(model), (torch.randn(1, jdim), torch.randn(1, jdim)), join_path,
                      opset_version=OPSET, input_names=["encoder_out", "decoder_out"], output_names=["logit"],
                      dynamic_axes={"encoder_out": {0: "N"}, "decoder_out": {0: "N"}, "logit": {0: "N"}})
    meta = dict(COMMON)
    meta.update({"model_type": "zipformer2", "vocab_size": V, "context_size": cs, "subsampling_factor": 4,
                 "feat_dim": 80, "joiner_dim": jdim, "version": 1,
                 "comment": rnnt_comment(ck["tokens"]),
                 "train_steps": ck["state"]["step"]})
    write_metadata(enc_path, meta)
    write_metadata(dec_path, {"vocab_size": V, "context_size": cs})
    write_metadata(join_path, {"joiner_dim": jdim, "vocab_size": V})
    write_tokens(os.path.join(out, "tokens.txt"), ck["tokens"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", choices=["ctc", "rnnt"], required=True)
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    model, ck = load(a.kind, a.ckpt)
    with torch.no_grad():
        (export_ctc if a.kind == "ctc" else export_rnnt)(model, ck, a.out)
    for f in sorted(os.listdir(a.out)):
        print(f, os.path.getsize(os.path.join(a.out, f)))


if __name__ == "__main__":
    main()
