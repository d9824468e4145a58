#!/usr/bin/env python3
"""Tune a model's LM weights (scale, length bonus; for a word LM also the unknown-word penalty) for beam search
on the dev set; writes models/<id>/lm.json.

    npm run build && python3 scripts/model/tune_lm.py models/<id> [--n 200] [--penalties 5,10,15]
The dev set is training voices reading sentences held out of training (and of the LM's text), with --real-dev
also the dev speakers of the real sets; the test sets are never looked at here."""
import argparse
import itertools
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data as D  # noqa: E402
import mix as MX  # noqa: E402
from eval import EVAL, cached_clip, run_service  # noqa: E402
from metrics import cer_wer  # noqa: E402
from textnorm import normalize_for_scoring as norm  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir")
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--scales", default="0.4,0.6,0.8,1.0")
    ap.add_argument("--bonuses", default="0.0,0.5,1.0,1.5,2.0,2.5,3.0")
    ap.add_argument("--real-dev", type=int, default=0, help="add up to N clips of each real set's dev split")
    ap.add_argument("--beam", default="8", help="beam size (the service's default: 8)")
    ap.add_argument("--penalties", default="10", help="unknown-word penalties to try (word LMs; ignored by character LMs)")
    a = ap.parse_args()
    d = os.path.join(EVAL, "dev")
    os.makedirs(d, exist_ok=True)
    items = [cached_clip(os.path.join(d, f"{k:04d}.wav"), s, i) for k, (s, i) in enumerate(D.load_set("dev-*.npz")[:a.n])]
    if a.real_dev:  # plus the dev split of every real set (real_data.py: speakers held out of training)
        for name, its in MX.load_real("dev").items():
            rd = os.path.join(EVAL, "dev_real", name)
            os.makedirs(rd, exist_ok=True)
            items += [cached_clip(os.path.join(rd, f"{k:04d}.wav"), s, i) for k, (s, i) in enumerate(its[:a.real_dev])]
    print(len(items), "dev clips", flush=True)
    refs = [norm(t) for _, t in items]
    results = []
    grid = itertools.product(*(map(float, v.split(",")) for v in (a.scales, a.bonuses, a.penalties)))
    for scale, bonus, penalty in grid:
        out = run_service(a.model_dir, [w for w, _ in items], "--lm-scale", str(scale), "--length-bonus", str(bonus),
                          "--unknown-word-penalty", str(penalty), "--beam", a.beam)
        cer, wer = cer_wer(refs, [norm(o["text"]) for o in out])
        results.append((wer, cer, scale, bonus, penalty))
        print(f"scale {scale:.2f} bonus {bonus:.2f} penalty {penalty:.1f}: dev WER {100 * wer:.2f} CER {100 * cer:.2f}",
              flush=True)
    wer, cer, scale, bonus, penalty = min(results)
    weights = {"scale": scale, "lengthBonus": bonus, "unknownWordPenalty": penalty}
    with open(os.path.join(a.model_dir, "lm.json"), "w") as fh:
        json.dump(weights, fh)
        fh.write("\n")
    print(f"best: {weights} (dev WER {100 * wer:.2f} CER {100 * cer:.2f}) -> lm.json")


if __name__ == "__main__":
    main()
