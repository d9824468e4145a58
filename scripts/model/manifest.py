#!/usr/bin/env python3
"""Write (or check) models/MANIFEST.sha256: the sha256 of every committed file under models/ (model folders and
testdata/), in `sha256sum` format with paths relative to models/, so `cd models && sha256sum -c MANIFEST.sha256`
verifies a checkout.

    python3 scripts/model/manifest.py           # rewrite
    python3 scripts/model/manifest.py --check   # exit 1 when a file differs"""
import argparse
import hashlib
import os
import sys

MODELS = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../models"))
NAME = "MANIFEST.sha256"


def files():
    out = []
    for root, _, names in os.walk(MODELS):
        for n in names:
            p = os.path.relpath(os.path.join(root, n), MODELS)
            if p != NAME and n != "README.md":
                out.append(p)
    return sorted(out)


def digest(rel):
    h = hashlib.sha256()
    with open(os.path.join(MODELS, rel), "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    lines = [f"{digest(p)}  {p}\n" for p in files()]
    path = os.path.join(MODELS, NAME)
    if a.check:
        ok = os.path.exists(path) and open(path).read() == "".join(lines)
        print("manifest ok" if ok else "manifest differs")
        sys.exit(0 if ok else 1)
    with open(path, "w") as fh:
        fh.writelines(lines)
    print(f"wrote {path}: {len(lines)} files")


if __name__ == "__main__":
    main()
