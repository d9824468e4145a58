#!/usr/bin/env python3
"""Synthesize the training/dev/test audio with espeak-ng, flite and festival, augment with sox,
and store 16 kHz int16 shards under $STT_MODEL_WORKDIR/data. Also prepares the FSDD split.

Usage: python3 scripts/model/gen_data.py [--jobs 2] [--max-train N]

The natural voices (natural_voices.py: SVOX Pico, RHVoice, MBROLA; installed by setup-natural-voices.sh) only
with --natural-renders N (N training sentences, shards natural-train-*) and --natural-test N (test sentences
read by the held-out natural voices, natural-test-*); --natural-only skips everything else (sentences.json
included), so an existing data folder is left as it is. The default passes never change: their shard names,
sentences, voices and seeds are the same with or without these options.
"""
import argparse
import glob
import json
import os
import random
import shlex
import subprocess
import sys
import tempfile
from multiprocessing import Pool

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import natural_voices  # noqa: E402
import sentences  # noqa: E402

WORK = os.environ.get("STT_MODEL_WORKDIR", "/work/model-work")
DATA = os.path.join(WORK, "data")
FSDD = os.environ.get("FSDD_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/data/fsdd"))
if not os.path.isdir(FSDD):
    FSDD = "/work/shared/data/fsdd"

ESPEAK_TRAIN_BASES = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-gbclan", "en-029", "en-gb-x-gbcwmd"]
ESPEAK_TRAIN_VARIANTS = ["", "m1", "m2", "m3", "m4", "m5", "m7", "m8", "f1", "f2", "f3", "f4", "klatt", "klatt2",
                         "klatt3", "klatt4", "croak", "adam", "Alex", "Alicia", "Andrea", "Annie", "aunty",
                         "benjamin", "boris", "caleb", "david", "ed", "edward", "Gene", "iven", "john", "Lee",
                         "linda", "max", "Michael", "Mike", "paul", "quincy", "rob", "robert", "steph", "travis",
                         "victor", "zac", "norbert", "shelby", "grandma", "grandpa", "anika", "sandro", "Tweaky"]
FLITE_TRAIN = ["kal", "kal16", "awb", "slt"]
# Festival's voices (Debian: festvox-kallpc16k, festvox-kdlpc16k, festvox-us-slt-hts), for the extra render pass.
FESTIVAL_TRAIN = ["kal_diphone", "ked_diphone", "cmu_us_slt_arctic_hts"]
# Held-out voices: never used for training or dev.
TEST_VOICES = ["espeak:en-us-nyc+f5", "espeak:en-gb-x-rp+m6", "flite:rms"]


def train_voice(r):
    k = r.random()
    if k < 0.70:
        v = r.choice(ESPEAK_TRAIN_BASES)
        var = r.choice(ESPEAK_TRAIN_VARIANTS)
        return "espeak:" + v + ("+" + var if var else "")
    if k < 0.95:
        return "flite:" + r.choice(FLITE_TRAIN)
    return "festival:kal_diphone"


def synth(text, voice, r, tmpdir):
    """Return a sox input spec (command producing wav on stdout, or a file)."""
    eng, v = voice.split(":", 1)
    if natural_voices.is_natural(voice):
        return natural_voices.synth(text, voice, r, tmpdir)
    if eng == "espeak":
        speed = r.randint(120, 210)
        pitch = r.randint(25, 75)
        wav = os.path.join(tmpdir, "e.wav")
        subprocess.run(["espeak-ng", "-v", v, "-s", str(speed), "-p", str(pitch), "-w", wav, text],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return wav
    if eng == "flite":
        wav = os.path.join(tmpdir, "f.wav")
        stretch = r.uniform(0.8, 1.25)
        f0 = r.uniform(0.85, 1.2)
        args = ["flite", "-voice", v, "--setf", f"duration_stretch={stretch:.3f}"]
        mean = {"kal": 105, "kal16": 105, "awb": 110, "rms": 100, "slt": 170}.get(v, 110)
        args += ["--setf", f"int_f0_target_mean={mean * f0:.1f}"]
        subprocess.run(args + ["-t", text, "-o", wav], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        return wav
    if eng == "festival":
        wav = os.path.join(tmpdir, "v.wav")
        txt = os.path.join(tmpdir, "t.txt")
        with open(txt, "w") as fh:
            fh.write(text + "\n")
        stretch = r.uniform(0.8, 1.25)
        subprocess.run(["text2wave", "-eval", f"(voice_{v})", "-eval", f"(Parameter.set 'Duration_Stretch {stretch:.3f})",
                        "-o", wav, txt], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return wav
    raise ValueError(voice)


def sox_effects(r, augment):
    eff = []
    if not augment:
        return eff
    if r.random() < 0.5:
        eff += ["tempo", f"{r.uniform(0.85, 1.2):.3f}"]
    if r.random() < 0.3:
        eff += ["pitch", str(r.randint(-250, 250))]
    if r.random() < 0.2:
        eff += ["bass", str(r.randint(-8, 8)), "treble", str(r.randint(-8, 8))]
    if r.random() < 0.25:
        eff += ["reverb", str(r.randint(10, 70)), "50", str(r.randint(20, 100))]
    if r.random() < 0.12:
        eff += ["sinc", f"{r.randint(200, 400)}-{r.randint(3000, 3600)}", "rate", "8000"]
    eff += ["pad", f"{r.uniform(0.05, 0.4):.2f}", f"{r.uniform(0.05, 0.4):.2f}"]
    return eff


def render(job):
    idx, text, voice, augment, seed = job
    r = random.Random(seed)
    with tempfile.TemporaryDirectory(dir="/dev/shm" if os.path.isdir("/dev/shm") else None) as td:
        try:
            src = synth(text, voice, r, td)
            out = os.path.join(td, "o.raw")
            cmd = ["sox", "-V1", src, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw",
                   out] + sox_effects(r, augment) + ["rate", "16000"]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            a = np.fromfile(out, dtype=np.int16)
        except Exception as e:  # noqa: BLE001
            return idx, None, text, voice
    # normalise peak to a random level; reverb/gain can clip
    a = a.astype(np.float32)
    peak = np.abs(a).max() + 1e-3
    a = a / peak * 32767 * (r.uniform(0.1, 0.95) if augment else 0.7)
    return idx, a.astype(np.int16), text, voice


def write_shard(path, results):
    results = [x for x in results if x[1] is not None and len(x[1]) > 1600]
    lens = np.array([len(x[1]) for x in results], dtype=np.int64)
    audio = np.concatenate([x[1] for x in results]) if results else np.zeros(0, np.int16)
    np.savez(path + ".tmp.npz", audio=audio, lens=lens, texts=np.array([x[2] for x in results]),
             voices=np.array([x[3] for x in results]))
    os.replace(path + ".tmp.npz", path + ".npz")


def run_jobs(name, jobs, nproc, shard_size=1000):
    os.makedirs(DATA, exist_ok=True)
    chunks = [jobs[i:i + shard_size] for i in range(0, len(jobs), shard_size)]
    with Pool(nproc) as pool:
        for ci, ch in enumerate(chunks):
            path = os.path.join(DATA, f"{name}-{ci:03d}")
            if os.path.exists(path + ".npz"):
                continue
            res = pool.map(render, ch, chunksize=16)
            write_shard(path, res)
            print(name, ci, len(chunks), flush=True)


def prepare_fsdd():
    """FSDD: indices 0-4 of every digit/speaker are the test split; the rest is training data."""
    names = "zero one two three four five six seven eight nine".split()
    out = {"train": [], "test": []}
    for f in sorted(glob.glob(os.path.join(FSDD, "recordings", "*.wav"))):
        d, spk, i = os.path.basename(f)[:-4].split("_")
        split = "test" if int(i) < 5 else "train"
        p = subprocess.run(["sox", "-V1", f, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw",
                            "-"], check=True, capture_output=True)
        a = np.frombuffer(p.stdout, dtype=np.int16)
        out[split].append((0, a, names[int(d)], "fsdd:" + spk))
    for split, res in out.items():
        write_shard(os.path.join(DATA, f"fsdd_{split}"), res)
    print("fsdd", {k: len(v) for k, v in out.items()})


def default_passes(args, pool, nf, ng):
    """Today's data: sentences.json, FSDD, the held-out TTS test set, dev, train<p>-*, trainfest-*."""
    test_s, dev_s, train_s = pool[:450], pool[450:850], pool[850:]
    if args.max_train:
        train_s = train_s[:args.max_train]
    with open(os.path.join(DATA, "sentences.json"), "w") as fh:
        json.dump({"test": test_s, "dev": dev_s, "train": train_s, "n_fortune": nf, "n_generated": ng}, fh)
    if not os.path.exists(os.path.join(DATA, "fsdd_test.npz")):
        prepare_fsdd()
    r = random.Random(7)
    test_jobs = [(i, s, TEST_VOICES[i % len(TEST_VOICES)], False, 10_000_000 + i) for i, s in enumerate(test_s)]
    run_jobs("test", test_jobs, args.jobs, shard_size=450)
    dev_jobs = [(i, s, train_voice(r), False, 20_000_000 + i) for i, s in enumerate(dev_s)]
    run_jobs("dev", dev_jobs, args.jobs, shard_size=400)
    for p in range(1 + args.extra_renders):
        rp = random.Random(100 + p)
        jobs = [(i, s, train_voice(rp), rp.random() < 0.8, 30_000_000 + p * 1_000_000 + i)
                for i, s in enumerate(train_s)]
        run_jobs(f"train{p}", jobs, args.jobs)
    if args.festival_renders:
        rf = random.Random(300)
        picked = train_s[::6][:args.festival_renders]
        jobs = [(i, s, "festival:" + rf.choice(FESTIVAL_TRAIN), rf.random() < 0.8, 40_000_000 + i)
                for i, s in enumerate(picked)]
        run_jobs("trainfest", jobs, args.jobs)


def natural_jobs(pool, n_train, n_test):
    """The natural-voice passes as (name, jobs, shard_size). Training: n_train sentences drawn (seeded shuffle)
    from the whole training pool, so mostly sentences a --max-train 8000 train0 never rendered, with a
    training voice each (engine first, then voice), 80% augmented. Test: the first n_test held-out test
    sentences read in turn by the held-out natural voices, not augmented (as test-*)."""
    train_all, test_s = pool[850:], pool[:450]
    rn = random.Random(500)
    order = list(range(len(train_all)))
    rn.shuffle(order)
    train = [(k, train_all[j], natural_voices.train_voice(rn), rn.random() < 0.8, 50_000_000 + k)
             for k, j in enumerate(order[:n_train])]
    held = natural_voices.NATURAL_TEST
    test = [(i, s, held[i % len(held)], False, 60_000_000 + i) for i, s in enumerate(test_s[:n_test])]
    return [("natural-train", train, 1000), ("natural-test", test, 450)]


def natural_passes(args, pool):
    passes = [(name, jobs, size) for name, jobs, size in natural_jobs(pool, args.natural_renders, args.natural_test)
              if jobs]
    voices = sorted({job[2] for _, jobs, _ in passes for job in jobs})
    absent = natural_voices.missing(voices)
    if absent:
        sys.exit("natural voices not installed: " + ", ".join(absent)
                 + " (run scripts/model/setup-natural-voices.sh as root)")
    for note in natural_voices.version_notes(voices):
        print("note:", note, file=sys.stderr)
    for name, jobs, size in passes:
        # a pass's size is fixed per data folder: existing shards are kept, so a new N would mix two job lists
        stamp = os.path.join(DATA, f"{name}.json")
        if os.path.exists(stamp) and json.load(open(stamp))["n"] != len(jobs):
            sys.exit(f"{stamp} says {json.load(open(stamp))['n']} utterances, asked for {len(jobs)}: "
                     f"delete {name}-*.npz and {stamp} first")
        with open(stamp, "w") as fh:
            json.dump({"n": len(jobs), "voices": sorted({j[2] for j in jobs})}, fh)
        run_jobs(name, jobs, args.jobs, shard_size=size)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--max-train", type=int, default=0)
    ap.add_argument("--extra-renders", type=int, default=0,
                    help="additional passes over the training sentences with fresh voices/augmentation")
    ap.add_argument("--festival-renders", type=int, default=0,
                    help="this many more training utterances by Festival's voices (every 6th training sentence, "
                         "shards trainfest-*)")
    ap.add_argument("--natural-renders", type=int, default=0,
                    help="this many training utterances by the natural voices (natural_voices.NATURAL_TRAIN), "
                         "shards natural-train-*")
    ap.add_argument("--natural-test", type=int, default=0,
                    help="this many held-out test sentences (at most 450) read by the held-out natural voices "
                         "(natural_voices.NATURAL_TEST), shard natural-test-000")
    ap.add_argument("--natural-only", action="store_true",
                    help="only the natural-voice passes: no sentences.json, FSDD, test, dev or train shards")
    args = ap.parse_args()
    os.makedirs(DATA, exist_ok=True)
    pool, nf, ng = sentences.build()
    if not args.natural_only:
        default_passes(args, pool, nf, ng)
    if args.natural_renders or args.natural_test:
        natural_passes(args, pool)


if __name__ == "__main__":
    main()
