#!/usr/bin/env python3
"""Compare sherpa-onnx-node (exported ONNX) with the PyTorch reference (checkpoint) on the eval clips.

    python3 scripts/model/parity_check.py --kind ctc --ckpt $W/ckpt/ctc/last.pt --model models/nemo-ctc-en-conv-small
Prints how many transcripts are identical."""
import argparse
import glob
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402
from eval import run_sherpa  # noqa: E402
from export import load  # noqa: E402
from ref_decode import decode_wave, read_wav  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", required=True)
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--limit", type=int, default=100)
    a = ap.parse_args()
    torch.set_num_threads(1)
    wavs = []
    for sub in ("tts_heldout", "fsdd_heldout"):
        wavs += sorted(glob.glob(os.path.join(D.WORK, "eval", sub, "*.wav")))[:a.limit]
    wavs += sorted(glob.glob("/usr/share/pocketsphinx/test/data/librivox/*.wav"))
    wavs += sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../models/testdata/*.wav")))
    model, ck = load(a.kind, a.ckpt)
    sh = run_sherpa(os.path.abspath(a.model), [os.path.abspath(w) for w in wavs])
    same = 0
    for w, o in zip(wavs, sh):
        ref = decode_wave(a.kind, model, read_wav(w)[0], ck["tokens"])
        if ref == o["text"]:
            same += 1
        else:
            print("DIFF", w, "| torch:", ref, "| sherpa:", o["text"])
    print(f"{a.kind}: {same}/{len(wavs)} identical transcripts (PyTorch reference vs sherpa-onnx-node)")


if __name__ == "__main__":
    main()
