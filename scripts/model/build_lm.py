#!/usr/bin/env python3
"""Build the n-gram language model the service uses for beam search (shallow fusion): characters or words.

    python3 scripts/model/build_lm.py --out models/<id>/lm.arpa.gz [--order 8] [--min-count 2]
    python3 scripts/model/build_lm.py --unit word --order 3 --min-count 1 --out models/<id>/lm.arpa.gz

Text: the training sentences only (never the dev or test ones: gen_data.py's training pool, sentences.build()),
plus with --fsdd the transcripts of the FSDD training clips, and with --real the transcripts of every real set's
training speakers (real_data.py's training split: never a dev or test speaker's, nor a test-only set's).
Model: interpolated modified Kneser-Ney over characters (a-z, the apostrophe and '▁' for the word boundary) or
over words, written in the standard ARPA format (`<s>` / `</s>` around each sentence), gzipped. The service
tells the two apart by their unigrams. Any ARPA file of either kind (e.g. KenLM's `lmplz`, on words or on
space-separated characters) works the same way."""
import argparse
import collections
import contextlib
import gzip
import io
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402

SPACE = "\u2581"


def tokenize(sentence, unit="char"):
    if unit == "word":
        return ["<s>"] + sentence.split() + ["</s>"]
    return ["<s>"] + [SPACE if c == " " else c for c in sentence.strip()] + ["</s>"]


def discounts(counts):
    """Modified Kneser-Ney discounts D1, D2, D3+ from the count-of-counts (Chen & Goodman)."""
    n = collections.Counter(min(c, 4) for c in counts.values())
    n1, n2, n3, n4 = (max(n[i], 1) for i in (1, 2, 3, 4))
    y = n1 / (n1 + 2 * n2)
    return (0.0, max(0.1, 1 - 2 * y * n2 / n1), max(0.1, 2 - 3 * y * n3 / n2), max(0.1, 3 - 4 * y * n4 / n3))


def build(sentences, order, min_count, unit="char"):
    raw = [collections.Counter() for _ in range(order + 1)]
    for s in sentences:
        toks = tokenize(s, unit)
        for i in range(1, len(toks)):
            for k in range(1, order + 1):
                if i - k + 1 < 0:
                    break
                raw[k][tuple(toks[i - k + 1:i + 1])] += 1
    # Kneser-Ney: below the top order, an n-gram counts the distinct words seen before it (except after <s>).
    counts = [collections.Counter() for _ in range(order + 1)]
    counts[order] = raw[order]
    for k in range(1, order):
        for g, c in raw[k].items():
            if g[0] == "<s>":
                counts[k][g] = c
        for g in raw[k + 1]:
            counts[k][g[1:]] += 1
    # Count cutoff on orders >= 3 (smaller file, little loss); keep every context of a kept n-gram.
    for k in range(3, order + 1):
        counts[k] = collections.Counter({g: c for g, c in counts[k].items() if c >= min_count})
    for k in range(order, 1, -1):
        for g in list(counts[k]):
            for j in range(1, k):
                if g[:j] not in counts[j]:
                    counts[j][g[:j]] = 1
    probs = [dict() for _ in range(order + 1)]
    bows = [dict() for _ in range(order + 1)]
    vocab = sorted({g[0] for g in counts[1]} | {"<s>"})
    for k in range(1, order + 1):
        d = discounts(counts[k])
        tot, kinds = collections.Counter(), collections.defaultdict(lambda: [0, 0, 0])
        for g, c in counts[k].items():
            tot[g[:-1]] += c
            kinds[g[:-1]][min(c, 3) - 1] += 1
        gamma = {h: (d[1] * n[0] + d[2] * n[1] + d[3] * n[2]) / tot[h] for h, n in kinds.items()}
        for g, c in counts[k].items():
            h = g[:-1]
            lower = probs[k - 1][g[1:]] if k > 1 else 1.0 / len(vocab)
            probs[k][g] = max(c - d[min(c, 3)], 0) / tot[h] + gamma[h] * lower
        if k > 1:
            for h, gm in gamma.items():
                bows[k - 1][h] = gm
        # Lower-order probabilities of unseen continuations must exist for the next order's interpolation.
        if k < order:
            for g in list(counts[k + 1]):
                if g[1:] not in probs[k]:
                    probs[k][g[1:]] = backoff_prob(probs, bows, g[1:], len(vocab))
    probs[1][("<s>",)] = probs[1].get(("<s>",), 0.0)
    return probs, bows


def backoff_prob(probs, bows, g, v):
    if len(g) == 1:
        return probs[1].get(g, 1.0 / v)
    if g in probs[len(g)]:
        return probs[len(g)][g]
    return bows[len(g) - 1].get(g[:-1], 1.0) * backoff_prob(probs, bows, g[1:], v)


@contextlib.contextmanager
def open_text_out(path):
    """A text file to write; `.gz` gzipped with no name or time in its header, so the same text gives the same bytes
    (the manifest's sha256 changes only when the LM does)."""
    if not path.endswith(".gz"):
        with open(path, "w", encoding="utf-8") as fh:
            yield fh
        return
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz, \
            io.TextIOWrapper(gz, encoding="utf-8") as fh:
        yield fh


def write_arpa(path, probs, bows):
    order = len(probs) - 1
    with open_text_out(path) as fh:
        fh.write("\\data\\\n")
        for k in range(1, order + 1):
            fh.write(f"ngram {k}={len(probs[k])}\n")
        for k in range(1, order + 1):
            fh.write(f"\n\\{k}-grams:\n")
            for g in sorted(probs[k]):
                p = probs[k][g]
                lp = -99.0 if g == ("<s>",) or p <= 0 else math.log10(p)
                line = f"{lp:.5f}\t{' '.join(g)}"
                if k < order and g in bows[k]:
                    line += f"\t{math.log10(bows[k][g]):.5f}"
                fh.write(line + "\n")
        fh.write("\n\\end\\\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--unit", choices=["char", "word"], default="char")
    ap.add_argument("--order", type=int, default=8)
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--fsdd", action="store_true", help="add the FSDD training transcripts to the text")
    ap.add_argument("--real", action="store_true", help="add the real sets' training transcripts to the text")
    a = ap.parse_args()
    # The whole training pool (gen_data.py's split of sentences.build(): sentences.json holds only the rendered
    # part when gen_data.py ran with --max-train)
    import sentences as S
    sentences = S.build()[0][850:]
    if a.fsdd:
        # The transcripts of the FSDD training clips (isolated digit words), as the acoustic models saw them.
        sentences += [t for s, i in D.load_set("fsdd_train.npz") for t in [s.texts[i]]]
    if a.real:
        import mix as MX  # the real sets' splits (only needed here)
        for name, items in MX.load_real("train").items():
            texts = [s.texts[i] for s, i in items]
            sentences += texts
            print(f"{name}: {len(texts)} training transcripts")
    probs, bows = build(sentences, a.order, a.min_count, a.unit)
    write_arpa(a.out, probs, bows)
    print(a.out, {k: len(p) for k, p in enumerate(probs) if k}, f"{os.path.getsize(a.out) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
