#!/usr/bin/env python3
"""Average the weights of several checkpoints of one run (icefall-style model averaging) and report the
dev-set error of each input and of the average, so the better one can be exported.

    python3 scripts/model/average.py --kind ctc --ckpts $W/snap/ctc/*.pt --out $W/ckpt/ctc/avg.pt

Floating-point tensors (weights and BatchNorm statistics) are averaged; integer ones (BatchNorm's batch
counters) come from the last checkpoint. The output has the layout export.py reads ("model", "args")."""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402
import train as T  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", choices=["ctc", "rnnt"], required=True)
    ap.add_argument("--ckpts", nargs="+", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--eval-n", type=int, default=400, help="dev utterances scored per model (0: skip)")
    a = ap.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    cks = [torch.load(p, map_location="cpu") for p in a.ckpts]
    last = cks[-1]
    avg = {}
    for k, v in last["model"].items():
        if v.is_floating_point():
            avg[k] = sum(ck["model"][k] for ck in cks) / len(cks)
        else:
            avg[k] = v.clone()
    out = {"model": avg, "state": last.get("state", {}), "args": last["args"], "averaged_from": a.ckpts}
    torch.save(out, a.out)
    print(f"averaged {len(cks)} checkpoints -> {a.out}")
    if a.eval_n:
        args = argparse.Namespace(**last["args"])
        dev = D.load_set("dev-*.npz")
        for name, state in [("last", last["model"]), ("average", avg)]:
            model, tokens = T.build(a.kind, args)
            model.load_state_dict(state)
            (cer, wer), _ = T.evaluate(a.kind, model, dev, tokens, a.eval_n)
            print(f"dev {name:8s} CER {100 * cer:.2f}  WER {100 * wer:.2f}")


if __name__ == "__main__":
    main()
