"""Training data access: int16 shards (memory-mapped), on-the-fly noise and FSDD digit strings."""
import glob
import os
import random

import numpy as np

WORK = os.environ.get("STT_MODEL_WORKDIR", "/work/model-work")
DATA = os.path.join(WORK, "data")
DIGITS = "zero one two three four five six seven eight nine".split()


class Shard:
    def __init__(self, path):
        npy = path[:-4] + ".audio.npy"
        meta = path[:-4] + ".meta.npz"
        if (not os.path.exists(npy) or not os.path.exists(meta)
                or os.path.getmtime(npy) < os.path.getmtime(path)):
            d = np.load(path)
            tmp = f"{npy}.{os.getpid()}.tmp.npy"
            np.save(tmp, d["audio"])
            os.replace(tmp, npy)
            tmp_meta = f"{meta[:-4]}.{os.getpid()}.tmp.npz"
            np.savez(tmp_meta, lens=d["lens"], texts=d["texts"], voices=d["voices"])
            os.replace(tmp_meta, meta)
        m = np.load(meta)
        self.audio = np.load(npy, mmap_mode="r")
        self.lens = m["lens"]
        self.offs = np.concatenate([[0], np.cumsum(self.lens)[:-1]])
        self.texts = [str(t) for t in m["texts"]]
        self.voices = [str(v) for v in m["voices"]]

    def __len__(self):
        return len(self.lens)

    def get(self, i):
        o = self.offs[i]
        return np.asarray(self.audio[o:o + self.lens[i]], dtype=np.float32) / 32768.0, self.texts[i]


def load_set(pattern):
    shards = [Shard(p) for p in sorted(glob.glob(os.path.join(DATA, pattern)))
              if ".meta." not in p and ".tmp." not in p]
    items = []
    for s in shards:
        items += [(s, i) for i in range(len(s))]
    return items


def colored_noise(n, r, kind):
    w = np.random.default_rng(r.randrange(1 << 30)).standard_normal(n).astype(np.float32)
    if kind == "white":
        return w
    f = np.fft.rfft(w)
    k = np.arange(len(f)) + 1.0
    f = f / (np.sqrt(k) if kind == "pink" else k)
    x = np.fft.irfft(f, n).astype(np.float32)
    return x / (x.std() + 1e-8)


def augment(wave, r, noise_pool=None):
    """Additive noise (white/pink/brown or another utterance) at 0-35 dB SNR, random gain."""
    if r.random() < 0.5:
        p = np.mean(wave ** 2) + 1e-9
        snr = r.uniform(0, 35)
        if noise_pool is not None and r.random() < 0.2:
            nz = noise_pool()
            if len(nz) < len(wave):
                nz = np.tile(nz, len(wave) // max(1, len(nz)) + 1)
            nz = nz[:len(wave)]
            snr = r.uniform(8, 25)
        else:
            nz = colored_noise(len(wave), r, r.choice(["white", "pink", "brown"]))
        nz = nz / (np.sqrt(np.mean(nz ** 2)) + 1e-9) * np.sqrt(p / 10 ** (snr / 10))
        wave = wave + nz
    g = 10 ** (r.uniform(-20, 6) / 20)
    wave = wave * g
    m = np.abs(wave).max()
    if m > 1.0:
        wave = wave / m
    return wave.astype(np.float32)


def fsdd_string(fsdd_items, r):
    """Concatenate 2-6 FSDD digit clips (same speaker) with short gaps -> a digit-string utterance."""
    n = r.randint(2, 6)
    spk = r.choice(fsdd_items)[0].voices[r.choice(fsdd_items)[1]]
    pool = [it for it in r.sample(fsdd_items, 200) if it[0].voices[it[1]] == spk] or r.sample(fsdd_items, n)
    parts, words = [np.zeros(int(16000 * r.uniform(0.05, 0.3)), np.float32)], []
    for _ in range(n):
        s, i = r.choice(pool)
        a, t = s.get(i)
        parts += [a, np.zeros(int(16000 * r.uniform(0.03, 0.25)), np.float32)]
        words.append(t)
    return np.concatenate(parts), " ".join(words)
