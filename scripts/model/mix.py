"""The training mix of real and synthetic speech: every batch holds `round(batch_size * real_frac)` real clips
and synthetic ones for the rest, each half of similar length (little padding).

An epoch is one weighted pass over the real training clips (real_sets.json weights: a weight of 3 draws a
clip three times, 0.7 draws it with probability 0.7), FSDD digits and digit strings included; the synthetic
clips are sampled to fill the batches. The plan of epoch e is a function of (seed, e) only, so a resumed or
slower run reads exactly the same batches."""
import glob
import json
import os
import random

import data as D

HERE = os.path.dirname(os.path.abspath(__file__))
REAL_DIR = os.path.join(D.DATA, "real")


def real_options():
    cfg = json.load(open(os.path.join(HERE, "real_sets.json")))
    return cfg["default"], cfg["sets"]


def real_set_names(split):
    names = []
    for p in sorted(glob.glob(os.path.join(REAL_DIR, f"*.{split}.npz"))):
        names.append(os.path.basename(p)[:-len(f".{split}.npz")])
    return names


def load_real(split):
    """{set name: [(shard, index)]} for split train/dev/test."""
    return {n: D.load_set(os.path.join("real", f"{n}.{split}.npz")) for n in real_set_names(split)}


def codec_twins(codecs=("opus6k",)):
    """{id(train shard): [its twins, one per codec, in the order given]}: `<set>.train-<codec>.npz` holding the
    same clips (same lengths) through a lossy codec (real_data.py writes them)."""
    out = {}
    for n in real_set_names("train"):
        a = D.load_set(os.path.join("real", f"{n}.train.npz"))
        for codec in codecs:
            p = os.path.join("real", f"{n}.train-{codec}.npz")
            if a and os.path.exists(os.path.join(D.DATA, p)):
                b = D.load_set(p)
                if b and list(a[0][0].lens) == list(b[0][0].lens):
                    out.setdefault(id(a[0][0]), []).append(b[0][0])
    return out


class Mix:
    def __init__(self, synth, real, fsdd_train, fsdd_weight, fsdd_strings, batch_size, real_frac, seed):
        """synth: [(shard, i)]; real: {set: [(shard, i)]} (training split); fsdd_train: [(shard, i)]."""
        self.synth = [(s, i, int(s.lens[i])) for s, i in synth]
        default, opts = real_options()
        self.real = []  # (shard, index, samples, weight)
        for name, items in real.items():
            w = float(dict(default, **opts.get(name, {}))["weight"])
            self.real += [(s, i, int(s.lens[i]), w) for s, i in items]
        self.real += [(s, i, int(s.lens[i]), fsdd_weight) for s, i in fsdd_train]
        self.fsdd_train = fsdd_train
        self.fsdd_strings = fsdd_strings
        self.bs = batch_size
        self.kr = max(1, min(batch_size, round(batch_size * real_frac)))
        self.seed = seed

    def epoch(self, e):
        """List of batches; a batch is a list of (item, is_real), item = (shard, index) or a callable -> (wave, text)."""
        r = random.Random(self.seed * 1000003 + e)
        reals = []
        for s, i, n, w in self.real:
            k = int(w) + (1 if r.random() < w - int(w) else 0)
            reals += [((s, i), n)] * k
        for _ in range(self.fsdd_strings):
            seed = r.randrange(1 << 30)
            reals.append((lambda seed=seed: D.fsdd_string(self.fsdd_train, random.Random(seed)), 16000 * 3))
        r.shuffle(reals)
        halves = []
        for c in range(0, len(reals), 1024):
            chunk = sorted(reals[c:c + 1024], key=lambda x: x[1])
            halves += [chunk[k:k + self.kr] for k in range(0, len(chunk) - self.kr + 1, self.kr)]
        ks = self.bs - self.kr
        batches = []
        if ks:
            need = len(halves) * ks
            pool = []
            while len(pool) < need:
                idx = list(range(len(self.synth)))
                r.shuffle(idx)
                pool += idx
            syn = sorted(pool[:need], key=lambda j: self.synth[j][2])
            groups = [syn[k:k + ks] for k in range(0, need, ks)]
            halves.sort(key=lambda h: sum(x[1] for x in h))
            for h, g in zip(halves, groups):
                batches.append([(x[0], True) for x in h] + [((self.synth[j][0], self.synth[j][1]), False) for j in g])
        else:
            batches = [[(x[0], True) for x in h] for h in halves]
        r.shuffle(batches)
        return batches
