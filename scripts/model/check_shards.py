#!/usr/bin/env python3
"""Check that synthetic shards load the way train_real.py loads them, without training: the --synth glob through
data.load_set and the --max-utt-sec filter, then batches of features through train_real.make_batch (the same
augmentation, features and SpecAugment as a training step). Prints what a stage would get and exits non-zero
when a shard is empty, a clip is silent or a text has characters outside the model's alphabet.

    STT_MODEL_WORKDIR=/work/model-work python3 scripts/model/check_shards.py 'natural-train-*.npz' --kind ctc
"""
import argparse
import collections
import os
import random
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402
import modeldefs as M  # noqa: E402
from train_real import make_batch  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("synth", help="glob under $STT_MODEL_WORKDIR/data, as train_real.py --synth")
    ap.add_argument("--kind", choices=["ctc", "rnnt"], default="ctc")
    ap.add_argument("--max-utt-sec", type=float, default=12.0)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--batches", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(1)
    items = D.load_set(a.synth)
    kept = [(s, i) for s, i in items if s.lens[i] <= a.max_utt_sec * 16000]
    if not kept:
        sys.exit(f"no utterances match {a.synth} under {D.DATA}")
    tokens = M.CTC_TOKENS if a.kind == "ctc" else M.RNNT_TOKENS
    alphabet = set("abcdefghijklmnopqrstuvwxyz' ")
    bad_text = [s.texts[i] for s, i in kept if not set(s.texts[i]) <= alphabet]
    silent = [s.voices[i] for s, i in kept if float(np.abs(s.get(i)[0]).max()) < 1e-3]
    secs = np.array([s.lens[i] / 16000 for s, i in kept])
    voices = collections.Counter(s.voices[i] for s, i in kept)
    print(f"{a.synth}: {len(items)} utterances, {len(kept)} within {a.max_utt_sec} s, {secs.sum() / 3600:.3f} h, "
          f"{secs.min():.2f}-{secs.max():.2f} s (median {np.median(secs):.2f})")
    engines = collections.Counter()
    for v, n in voices.items():
        engines[v.split(":", 1)[0]] += n
    print("engines:", dict(sorted(engines.items())))
    print("voices:", dict(sorted(voices.items())) if len(voices) <= 20 else f"{len(voices)} voices")
    r = random.Random(0)
    for b in range(a.batches):
        batch = [(it, False) for it in r.sample(kept, min(a.batch_size, len(kept)))]
        f, fl, ys = make_batch(a.kind, batch, tokens, r, {}, 0.0, None)
        ok = bool(torch.isfinite(f).all()) and all(len(y) > 0 for y in ys)
        print(f"batch {b}: features {tuple(f.shape)}, frames {int(fl.min())}-{int(fl.max())}, "
              f"tokens {min(len(y) for y in ys)}-{max(len(y) for y in ys)}, finite {ok}")
        if not ok:
            sys.exit("a batch has non-finite features or an empty transcript")
    if bad_text or silent:
        sys.exit(f"texts outside the alphabet: {bad_text[:3]}; silent clips: {silent[:3]}")


if __name__ == "__main__":
    main()
