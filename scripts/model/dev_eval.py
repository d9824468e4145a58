#!/usr/bin/env python3
"""Greedy dev-set scores (PyTorch reference decoding, as train_real.py logs them) of a checkpoint or of an exported
model folder: the TTS dev set, every real set's dev split, FSDD held-out.

    python3 scripts/model/dev_eval.py --kind ctc --model models/nemo-ctc-en-conv-small
    python3 scripts/model/dev_eval.py --kind ctc --ckpt $W/ckpt/stage7-ctc/last.pt
    python3 scripts/model/dev_eval.py --kind ctc --model models/nemo-ctc-en-conv-small --lead-ms 20

--lead-ms puts that much silence before every clip: shifts shorter than the encoder's frame (40 ms) show how much
the transcripts depend on where the audio meets the frames."""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export import load  # noqa: E402
import modeldefs as M  # noqa: E402
from onnx_init import exported_blocks, exported_expand, exported_tokens, freeze_batchnorm, load_from_onnx  # noqa: E402
from train import evaluate  # noqa: E402
from train_real import dev_sets  # noqa: E402


def lead_in(items, samples):
    """The same clips, each after `samples` of silence."""
    def clip(it):
        a, t = it[0].get(it[1])
        return np.concatenate([np.zeros(samples, np.float32), a]), t
    return [lambda it=it: clip(it) for it in items]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", choices=["ctc", "rnnt"], required=True)
    ap.add_argument("--model", default="", help="exported model folder")
    ap.add_argument("--ckpt", default="")
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--lead-ms", type=float, default=0.0, help="silence before every clip")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    tokens = M.CTC_TOKENS if a.kind == "ctc" else M.RNNT_TOKENS
    if a.ckpt:
        model, ck = load(a.kind, a.ckpt)
        tokens = ck.get("tokens") or tokens  # a word-piece model's own
    else:
        shape = {"nblocks": exported_blocks(a.kind, a.model), "expand": exported_expand(a.kind, a.model)}
        tokens = exported_tokens(a.model)  # characters or word pieces (decoding needs only the symbols)
        model = (M.CtcModel if a.kind == "ctc" else M.TransducerModel)(vocab=len(tokens), **shape)
        load_from_onnx(a.kind, model, a.model)
    freeze_batchnorm(model)
    res = {}
    lead = int(round(a.lead_ms * 16))
    for name, its in dev_sets(a.n).items():
        if lead:
            its = lead_in(its, lead)
        (cer, wer), _ = evaluate(a.kind, model, its, tokens, len(its))
        res[name] = (round(cer * 100, 2), round(wer * 100, 2))
    print(json.dumps(res), "mean dev WER", round(float(np.mean([v[1] for v in res.values()])), 2))


if __name__ == "__main__":
    main()
