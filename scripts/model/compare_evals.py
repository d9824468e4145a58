#!/usr/bin/env python3
"""Two eval.py tables side by side (e.g. a candidate stage against the committed model), per decoding.

    python3 scripts/model/compare_evals.py $W/eval/eval-stage12.json $W/eval/eval-stage15.json

Each row is a test set: word accuracy (%) where eval.py gives one (FSDD, Speech Commands; higher is better),
else WER (lower is better), then the RTF; the rows of a model name's greedy, int8 and "+ LM beam" decodings are
matched by that suffix, so two tables of differently named models still line up. `better` marks the second
table's wins."""
import json
import sys


def decoding(model_name):
    return "LM beam" if model_name.endswith("+ LM beam") else ("int8" if model_name.endswith(" int8") else "greedy")


def scores(path):
    """{(decoding, test set): (value, higher_is_better)} of one eval.py --json table."""
    out = {}
    for model, sets in json.load(open(path)).items():
        for name, row in sets.items():
            if isinstance(row, dict) and "wer" in row:
                out[(decoding(model), name)] = (row["acc"], True) if "acc" in row else (row["wer"], False)
            elif isinstance(row, (int, float)):
                out[(decoding(model), name)] = (row, False)
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    a, b = scores(sys.argv[1]), scores(sys.argv[2])
    print(f"{'decoding':8s} {'test set':28s} {'first':>8s} {'second':>8s}")
    order = {"greedy": 0, "int8": 1, "LM beam": 2}
    for key in sorted(set(a) | set(b), key=lambda k: (order[k[0]], k[1])):
        va, vb = a.get(key, (None, False)), b.get(key, (None, False))
        mark = ""
        if va[0] is not None and vb[0] is not None and va[0] != vb[0]:
            mark = "better" if (vb[0] > va[0]) == (vb[1] or va[1]) else ""
        print(f"{key[0]:8s} {key[1]:28s} {str(va[0]):>8s} {str(vb[0]):>8s} {mark}")


if __name__ == "__main__":
    main()
