#!/usr/bin/env python3
"""Real recorded speech from ../shared/data into training/dev/test shards (the shard format data.py reads).

    python3 scripts/model/real_data.py [--jobs 2] [--root ../shared/data]

Every folder of --root with `transcripts.tsv` (`clips/<file><TAB>text`) and `metadata.tsv` (a header with
`file` and `speaker` columns) is read; options per folder (weight, split shares, test-only) come from
real_sets.json, a folder not named there gets its defaults, so a new set needs no code. Audio (Ogg Opus or
anything ffmpeg reads) is decoded to 16 kHz mono int16. Transcripts go through textnorm.normalize (the same
normalisation as the synthetic text and the scoring: lower case, digits as words, punctuation dropped).

Split (deterministic, by speaker): sha1("<set>/<speaker>") picks test (first test_pct %), dev (next dev_pct %)
or train. A set with fewer than min_speakers speakers is split by clip the same way (sha1 of the file name);
test_only sets go to test whole. Writes, under $STT_MODEL_WORKDIR/data/real/:
  <set>.train.npz, <set>.dev.npz, <set>.test.npz   (voices = "real:<set>:<speaker>")
  <set>.train-opus6k.npz                             the training clips through a 6 kbit/s Opus round trip
  <set>.train-mp3-16k.npz                            the same through a 16 kbit/s MP3 round trip (what most
                                                     uploaded files are); from stage 13 (train_real.py --codecs)
  splits.json                                        speakers and clips per split, text overlap test/train
Existing shards are kept (delete data/real to rebuild)."""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from multiprocessing import Pool

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data as D  # noqa: E402
from gen_data import write_shard  # noqa: E402
from textnorm import normalize  # noqa: E402

REAL = os.path.join(D.DATA, "real")
ROOT = os.path.abspath(os.path.join(HERE, "../../../shared/data"))
CODEC_GAP = 1600  # samples of silence between clips in the one-stream codec round trip


def load_config():
    cfg = json.load(open(os.path.join(HERE, "real_sets.json")))
    return cfg["default"], cfg["sets"]


def read_tsv(path):
    lines = [ln.rstrip("\n").split("\t") for ln in open(path, encoding="utf-8") if ln.strip()]
    return lines


def bucket(key):
    """0..99.99, stable across machines and Python versions."""
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % 10000 / 100.0


def split_set(name, rows, opt):
    """rows: (file, text, speaker) -> {split: [rows]}"""
    out = {"train": [], "dev": [], "test": []}
    speakers = sorted({r[2] for r in rows})
    by_clip = len(speakers) < opt["min_speakers"]
    for r in rows:
        if opt["test_only"]:
            out["test"].append(r)
            continue
        b = bucket(f"{name}/{r[0]}" if by_clip else f"{name}/{r[2]}")
        split = "test" if b < opt["test_pct"] else "dev" if b < opt["test_pct"] + opt["dev_pct"] else "train"
        out[split].append(r)
    return out, ("clip" if by_clip else "speaker")


def decode(path):
    p = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", path, "-ar", "16000", "-ac", "1",
                       "-f", "s16le", "-"], capture_output=True, check=True)
    return np.frombuffer(p.stdout, dtype=np.int16)


CODECS = {
    # name: (ffmpeg encoder arguments, container); Ogg keeps the exact length (pre-skip, granule position),
    # LAME's gapless header gives MP3 its length back within a frame
    "opus6k": (["-c:a", "libopus", "-b:a", "6k", "-application", "voip"], "ogg"),
    "mp3-16k": (["-c:a", "libmp3lame", "-b:a", "16k"], "mp3"),
}


def codec_roundtrip(clips, codec="opus6k"):
    """All clips as one stream (gaps between them) through a lossy codec and back, cut out again at the same
    offsets (the round trip must keep the stream's length within a codec frame)."""
    args, container = CODECS[codec]
    gap = np.zeros(CODEC_GAP, np.int16)
    stream = np.concatenate([x for c in clips for x in (c, gap)])
    # through a file: the MP3 muxer writes its gapless header (encoder delay, padding) only when it can seek
    with tempfile.TemporaryDirectory() as tmp:
        coded = os.path.join(tmp, f"stream.{container}")
        subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "s16le", "-ar", "16000", "-ac", "1",
                        "-i", "-", *args, coded], input=stream.tobytes(), capture_output=True, check=True)
        dec = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", coded, "-ar", "16000", "-ac", "1",
                              "-f", "s16le", "-"], capture_output=True, check=True).stdout
    out = np.frombuffer(dec, dtype=np.int16)
    if abs(len(out) - len(stream)) > 1152:
        raise RuntimeError(f"{codec} round trip changed the length: {len(stream)} -> {len(out)}")
    out = np.concatenate([out, np.zeros(max(0, len(stream) - len(out)), np.int16)])
    res, o = [], 0
    for c in clips:
        res.append(out[o:o + len(c)])
        o += len(c) + CODEC_GAP
    return res


def write_codec_twins(path):
    """<path>-<codec>.npz for every codec not written yet: the clips of the shard <path>.npz through the codec,
    with the same texts and voices (so a twin added later holds the same clips as the first ones)."""
    shard = None
    for codec in CODECS:
        if os.path.exists(f"{path}-{codec}.npz"):
            continue
        if shard is None:
            shard = D.load_set(os.path.relpath(path + ".npz", D.DATA))[0][0]
        audio = [np.asarray(shard.audio[o:o + n]) for o, n in zip(shard.offs, shard.lens)]
        coded = codec_roundtrip(audio, codec)
        write_shard(f"{path}-{codec}", [(0, x, t, v) for x, t, v in zip(coded, shard.texts, shard.voices)])


def text_overlap(a, b):
    """Share of the sentences in a whose text also occurs in b."""
    sb = {r[1] for r in b}
    return round(100.0 * sum(r[1] in sb for r in a) / max(1, len(a)), 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--root", default=os.environ.get("STT_REAL_DATA", ROOT))
    a = ap.parse_args()
    if not os.path.isdir(a.root):
        a.root = "/work/shared/data"
    os.makedirs(REAL, exist_ok=True)
    default, sets = load_config()
    summary = {}
    for name in sorted(os.listdir(a.root)):
        folder = os.path.join(a.root, name)
        if not (os.path.exists(os.path.join(folder, "transcripts.tsv"))
                and os.path.exists(os.path.join(folder, "metadata.tsv"))):
            continue
        opt = dict(default, **sets.get(name, {}))
        meta = read_tsv(os.path.join(folder, "metadata.tsv"))
        cols = meta[0]
        spk = {r[cols.index("file")]: r[cols.index("speaker")] for r in meta[1:]}
        rows = []
        for f, text in read_tsv(os.path.join(folder, "transcripts.tsv")):
            t = normalize(text)
            if t:
                rows.append((f, t, spk.get(f, "unknown")))
        splits, how = split_set(name, rows, opt)
        info = {"split_by": how, "options": opt}
        for split, rs in splits.items():
            info[split] = {"clips": len(rs), "speakers": sorted({r[2] for r in rs})}
            path = os.path.join(REAL, f"{name}.{split}")
            if not rs:
                continue
            if not os.path.exists(path + ".npz"):
                with Pool(a.jobs) as pool:
                    audio = pool.map(decode, [os.path.join(folder, r[0]) for r in rs], chunksize=32)
                write_shard(path, [(0, x, r[1], f"real:{name}:{r[2]}") for x, r in zip(audio, rs)])
                print(name, split, len(rs), flush=True)
            if split == "train":
                write_codec_twins(path)
        info["test_sentences_also_in_train_pct"] = text_overlap(splits["test"], splits["train"])
        summary[name] = info
    with open(os.path.join(REAL, "splits.json"), "w") as fh:
        json.dump(summary, fh, indent=1)
    for name, info in summary.items():
        print(name, info["split_by"], {s: (info[s]["clips"], len(info[s]["speakers"])) for s in ("train", "dev", "test")},
              "test text in train %", info["test_sentences_also_in_train_pct"])


if __name__ == "__main__":
    main()
