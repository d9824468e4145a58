#!/usr/bin/env python3
"""Evaluate the committed ONNX models and the pocketsphinx baseline.

Every model is run twice: greedy search through sherpa-onnx-node (the independent implementation), and, when
its folder has an LM (lm.arpa.gz), beam search with that LM through the service's own pipeline
(scripts/model/service_decode.mjs; needs `npm run build`, which `npm run eval` does). A folder with int8
files (scripts/model/quantize.py) gets a third run: greedy search with those.

    python3 scripts/model/eval.py                   # all models under models/, all test sets
    python3 scripts/model/eval.py --no-baseline     # skip pocketsphinx
    python3 scripts/model/eval.py --models DIR --beam 16   # other model folders (e.g. with a word LM), beam 16
Prints WER / CER per model per test set (plus digit accuracy on FSDD) and the real-time factor on one thread.
Test sets are written (once) under $STT_MODEL_WORKDIR/eval: held-out TTS voices (50 utterances per voice),
held-out FSDD clips (indices 0-4 of every digit and speaker, resampled to 16 kHz), the LibriVox clips shipped
by Debian's pocketsphinx-testdata, and the test split of every real set that real_data.py prepared (held-out
speakers; `real_read_pooled` pools the read-sentence sets, real_sets.json `read`), and the held-out natural
voices when gen_data.py --natural-test made them (`natural_heldout`, 50 utterances per voice). `acc` = the whole clip
transcribed exactly: digit accuracy on FSDD, word accuracy on single-word sets (Speech Commands). Needs: node + sherpa-onnx-node (repo node_modules or $SHERPA_NODE_DIR),
pocketsphinx + pocketsphinx-en-us for the baseline."""
import argparse
import glob
import json
import os
import subprocess
import sys
import wave

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data as D  # noqa: E402
import mix as MX  # noqa: E402
from metrics import cer_wer  # noqa: E402
from textnorm import normalize_for_scoring as norm  # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, "../.."))
EVAL = os.path.join(D.WORK, "eval")
LIBRIVOX = "/usr/share/pocketsphinx/test/data/librivox"
PS_MODEL = "/usr/share/pocketsphinx/model/en-us"


def cached_clip(path, shard, index):
    """Writes clip `index` of `shard` to `path` once; returns (path, transcript)."""
    a, t = shard.get(index)
    if not os.path.exists(path):
        write_wav(path, a)
    return path, t


def write_wav(path, a):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(np.clip(a * 32768, -32768, 32767).astype(np.int16).tobytes())


TTS_VOICES = []  # the voice of each held-out TTS clip, in order (for the per-voice breakdown)
NATURAL_VOICES = []  # the same for the held-out natural voices (natural-test-*.npz)


def clips_per_voice(clips, name, per_voice, voices):
    """The first `per_voice` of `clips` ((shard, index) pairs) of every voice, cached as EVAL/name/0000.wav ...;
    appends each kept clip's voice to `voices` (the same order). Returns [(path, transcript)]."""
    d = os.path.join(EVAL, name)
    os.makedirs(d, exist_ok=True)
    items, per = [], {}
    for s, i in clips:
        v = s.voices[i]
        if per.get(v, 0) >= per_voice:
            continue
        per[v] = per.get(v, 0) + 1
        items.append(cached_clip(os.path.join(d, f"{len(items):04d}.wav"), s, i))
        voices.append(v)
    return items


def build_sets(tts_per_voice, real_max=0):
    sets = {}
    # held-out TTS voices
    sets["tts_heldout"] = clips_per_voice(D.load_set("test-*.npz"), "tts_heldout", tts_per_voice, TTS_VOICES)
    # held-out natural voices (Pico, RHVoice, MBROLA; natural_voices.NATURAL_TEST), only when generated
    natural = D.load_set("natural-test-*.npz")
    if natural:
        sets["natural_heldout"] = clips_per_voice(natural, "natural_heldout", tts_per_voice, NATURAL_VOICES)
    # FSDD held-out
    d = os.path.join(EVAL, "fsdd_heldout")
    os.makedirs(d, exist_ok=True)
    items = []
    for s, i in D.load_set("fsdd_test.npz"):
        items.append(cached_clip(os.path.join(d, f"{len(items):04d}_{s.voices[i].split(':')[1]}.wav"), s, i))
    sets["fsdd_heldout"] = items
    # LibriVox (pocketsphinx-testdata)
    items = []
    if os.path.isdir(LIBRIVOX):
        for line in open(os.path.join(LIBRIVOX, "transcription")):
            txt, fid = line.rsplit("(", 1)
            fid = fid.strip().rstrip(")")
            txt = txt.replace("<s>", "").replace("</s>", "").strip()
            items.append((os.path.join(LIBRIVOX, fid + ".wav"), txt))
    sets["librivox"] = items
    # the test split of every real set (scripts/model/real_data.py: held-out speakers, or held-out clips of a
    # set with too few speakers; pocketsphinx-testdata whole)
    for name, its in MX.load_real("test").items():
        d = os.path.join(EVAL, "real", name)
        os.makedirs(d, exist_ok=True)
        keep = range(len(its))
        if real_max and len(its) > real_max:  # every k-th clip: spread over the speakers (and words)
            keep = [int(j * len(its) / real_max) for j in range(real_max)]
        sets[name] = [cached_clip(os.path.join(d, f"{k:04d}.wav"), *its[k]) for k in keep]
    return sets


def read_sets():
    """Real sets whose test clips are pooled into the 'real_read_pooled' row (real_sets.json: read)."""
    default, opts = MX.real_options()
    return [n for n in MX.real_set_names("test") if dict(default, **opts.get(n, {}))["read"]]


def run_sherpa(model_dir, wavs, *extra):
    lst = os.path.join(EVAL, "list.txt")
    with open(lst, "w") as fh:
        fh.write("\n".join(wavs) + "\n")
    p = subprocess.run(["node", os.path.join(HERE, "sherpa_decode.mjs"), model_dir, "--list", lst, *extra],
                       capture_output=True, text=True, cwd=REPO)
    if p.returncode != 0:
        raise RuntimeError(p.stderr[-2000:])
    out = [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]
    return out


def run_service(model_dir, wavs, *extra):
    """Decodes with the service's pipeline (beam search + the folder's LM unless `extra` says otherwise)."""
    lst = os.path.join(EVAL, "list-service.txt")
    with open(lst, "w") as fh:
        fh.write("\n".join(wavs) + "\n")
    p = subprocess.run(["node", os.path.join(HERE, "service_decode.mjs"), model_dir, "--list", lst, *extra],
                       capture_output=True, text=True, cwd=REPO)
    if p.returncode != 0:
        raise RuntimeError(p.stderr[-2000:])
    return [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]


def has_lm(model_dir):
    return any(os.path.exists(os.path.join(model_dir, f)) for f in ("lm.arpa.gz", "lm.arpa"))


def run_pocketsphinx(wavs):
    cache_p = os.path.join(EVAL, "pocketsphinx_cache.json")
    cache = json.load(open(cache_p)) if os.path.exists(cache_p) else {}
    out = []
    for w in wavs:
        if w not in cache:
            p = subprocess.run(["pocketsphinx_continuous", "-infile", w, "-hmm", os.path.join(PS_MODEL, "en-us"),
                                "-lm", os.path.join(PS_MODEL, "en-us.lm.bin"),
                                "-dict", os.path.join(PS_MODEL, "cmudict-en-us.dict"), "-logfn", "/dev/null"],
                               capture_output=True, text=True)
            cache[w] = " ".join(p.stdout.split())
            json.dump(cache, open(cache_p, "w"))
        out.append(cache[w])
    return out


def score(name, items, hyps):
    refs = [norm(t) for _, t in items]
    hy = [norm(h) for h in hyps]
    cer, wer = cer_wer(refs, hy)
    res = {"wer": round(100 * wer, 2), "cer": round(100 * cer, 2), "n": len(items), "refs": refs, "hyps": hy}
    if name == "fsdd_heldout" or all(len(t.split()) == 1 for t in refs):
        # digit accuracy (FSDD) / word accuracy (single-word sets): the whole clip transcribed exactly
        res["acc"] = round(100 * float(np.mean([r == h for r, h in zip(refs, hy)])), 2)
    voices = {"tts_heldout": TTS_VOICES, "natural_heldout": NATURAL_VOICES}.get(name)
    if voices:
        res["wer_by_voice"] = {}
        for v in sorted(set(voices)):
            idx = [k for k, voice in enumerate(voices) if voice == v]
            res["wer_by_voice"][v] = round(100 * cer_wer([refs[k] for k in idx], [hy[k] for k in idx])[1], 2)
    return res


def add_pooled(res):
    """The pooled WER/CER of the real read-sentence sets (one edit-distance sum over all their clips)."""
    names = [n for n in read_sets() if n in res]
    if names:
        refs = [t for n in names for t in res[n]["refs"]]
        hy = [t for n in names for t in res[n]["hyps"]]
        cer, wer = cer_wer(refs, hy)
        res["real_read_pooled"] = {"wer": round(100 * wer, 2), "cer": round(100 * cer, 2), "n": len(refs)}


def rtf(model_dir, *extra):
    """Warm real-time factor on one thread for a >= 10 s clip (the LibriVox clips concatenated)."""
    p = os.path.join(EVAL, "rtf_clip.wav")
    if not os.path.exists(p):
        parts = []
        for f in sorted(glob.glob(os.path.join(LIBRIVOX, "*.wav"))) or []:
            with wave.open(f) as w:
                parts.append(np.frombuffer(w.readframes(w.getnframes()), np.int16).astype(np.float32) / 32768)
        if not parts:
            parts = [np.random.default_rng(0).standard_normal(16000 * 12).astype(np.float32) * 0.05]
        write_wav(p, np.concatenate(parts))
    out = run_sherpa(model_dir, [p] * 4, *extra)
    best = min(o["decode_seconds"] for o in out[1:])
    return round(best / out[0]["seconds"], 4), round(out[0]["seconds"], 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", nargs="*", default=None)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--tts-per-voice", type=int, default=50)
    ap.add_argument("--json", default="", help="write the table (with every reference and hypothesis) here")
    ap.add_argument("--real-max", type=int, default=0, help="at most N clips per real test set (0 = all)")
    ap.add_argument("--baseline-only", action="store_true", help="only pocketsphinx")
    ap.add_argument("--baseline-sets", default="", help="comma-separated test sets for pocketsphinx (default: all)")
    ap.add_argument("--sets", default="", help="comma-separated test sets to run (default: all)")
    ap.add_argument("--beam", type=int, default=8, help="beam size of the LM rows (the service's default: 8)")
    a = ap.parse_args()
    sets = build_sets(a.tts_per_voice, a.real_max)
    if a.sets:
        sets = {k: v for k, v in sets.items() if k in a.sets.split(",")}
    models = [] if a.baseline_only else a.models or sorted(d for d in glob.glob(os.path.join(REPO, "models", "*"))
                                if os.path.exists(os.path.join(d, "tokens.txt")))
    table = {}
    for m in models:
        name = os.path.basename(m.rstrip("/"))
        table[name] = {}
        for sname, items in sets.items():
            if not items:
                continue
            out = run_sherpa(m, [w for w, _ in items])
            table[name][sname] = score(sname, items, [o["text"] for o in out])
        add_pooled(table[name])
        table[name]["rtf_1thread"], secs = rtf(m)
        if glob.glob(os.path.join(m, "*.int8.onnx")):
            qname = name + " int8"
            table[qname] = {}
            for sname, items in sets.items():
                if items:
                    out = run_sherpa(m, [w for w, _ in items], "--int8")
                    table[qname][sname] = score(sname, items, [o["text"] for o in out])
            add_pooled(table[qname])
            table[qname]["rtf_1thread"], _ = rtf(m, "--int8")
        if has_lm(m):
            lname = name + " + LM beam"
            table[lname] = {}
            for sname, items in sets.items():
                if items:
                    out = run_service(m, [w for w, _ in items], "--beam", str(a.beam))
                    table[lname][sname] = score(sname, items, [o["text"] for o in out])
            add_pooled(table[lname])
            out = run_service(m, [os.path.join(EVAL, "rtf_clip.wav")] * 4, "--beam", str(a.beam))
            table[lname]["rtf_1thread"] = round(min(o["decode_seconds"] for o in out[1:]) / out[0]["seconds"], 4)
        if a.json:  # partial results survive an interrupted run
            json.dump(table, open(a.json, "w"), indent=1)
    if not a.no_baseline:
        table["pocketsphinx-en-us (baseline)"] = {}
        for sname, items in sets.items():
            if items and (not a.baseline_sets or sname in a.baseline_sets.split(",")):
                hy = run_pocketsphinx([w for w, _ in items])
                table["pocketsphinx-en-us (baseline)"][sname] = score(sname, items, hy)
        add_pooled(table["pocketsphinx-en-us (baseline)"])
    print(f"{'model':40s} {'test set':26s} {'n':>4s} {'WER%':>7s} {'CER%':>7s} {'acc%':>7s}")
    for mname, res in table.items():
        for sname in list(sets) + ["real_read_pooled"]:
            if sname in res:
                r = res[sname]
                print(f"{mname:40s} {sname:26s} {r['n']:4d} {r['wer']:7.2f} {r['cer']:7.2f} "
                      f"{str(r.get('acc', '')):>7s}")
        if "rtf_1thread" in res and models:
            print(f"{mname:40s} RTF (1 thread, warm, {secs:.1f} s clip): {res['rtf_1thread']}")
    print("\nheld-out TTS WER% by voice")
    for mname, res in table.items():
        for sname in ("tts_heldout", "natural_heldout"):
            if sname in res:
                print(f"{mname:40s} " + "  ".join(f"{v} {w:.2f}" for v, w in res[sname]["wer_by_voice"].items()))
    if a.json:
        json.dump(table, open(a.json, "w"), indent=1)



if __name__ == "__main__":
    main()
