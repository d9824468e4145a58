#!/usr/bin/env python3
"""Write models/testdata/*.wav (short 16 kHz mono PCM16 TTS clips of HELD-OUT voices) and
models/testdata/transcripts.json with the reference text and the text every model under models/
produces through sherpa-onnx-node (greedy search) -- golden outputs for the parity test.

    python3 scripts/model/make-testdata.py            # (re)generate clips + transcripts
    python3 scripts/model/make-testdata.py --no-audio # only refresh the model outputs"""
import argparse
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "../.."))
OUT = os.path.join(REPO, "models", "testdata")

CLIPS = [
    ("tts-nyc-f5-lights.wav", "espeak:en-us-nyc+f5", "turn on the lights in the kitchen"),
    ("tts-rp-m6-weather.wav", "espeak:en-gb-x-rp+m6", "what is the weather like in london today"),
    ("tts-rms-digits.wav", "flite:rms", "seven three nine one"),
    ("tts-nyc-f5-meeting.wav", "espeak:en-us-nyc+f5", "the meeting is on monday at ten thirty"),
]


def synth(path, voice, text):
    eng, v = voice.split(":", 1)
    tmp = path + ".src.wav"
    if eng == "espeak":
        subprocess.run(["espeak-ng", "-v", v, "-s", "165", "-p", "50", "-w", tmp, text], check=True)
    else:
        subprocess.run(["flite", "-voice", v, "-t", text, "-o", tmp], check=True)
    subprocess.run(["sox", "-V1", tmp, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", path,
                    "pad", "0.1", "0.1"], check=True)
    os.remove(tmp)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-audio", action="store_true")
    a = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    if not a.no_audio:
        for name, voice, text in CLIPS:
            synth(os.path.join(OUT, name), voice, text)
    models = sorted(d for d in glob.glob(os.path.join(REPO, "models", "*"))
                    if os.path.exists(os.path.join(d, "tokens.txt")))
    res = {"note": "16 kHz mono PCM16 clips synthesized with voices held out of training. 'outputs' holds the text "
                   "sherpa-onnx-node 1.13.x (greedy_search, 1 thread) produces for each committed model; "
                   "regenerate with scripts/model/make-testdata.py after re-exporting a model.",
           "clips": []}
    wavs = [os.path.join(OUT, c[0]) for c in CLIPS]
    outs = {}
    for m in models:
        p = subprocess.run(["node", os.path.join(HERE, "sherpa_decode.mjs"), m] + wavs, capture_output=True,
                           text=True, cwd=REPO, check=True)
        lines = [json.loads(x) for x in p.stdout.splitlines() if x.startswith("{")]
        outs[os.path.basename(m)] = [x["text"] for x in lines]
    for i, (name, voice, text) in enumerate(CLIPS):
        res["clips"].append({"file": name, "voice": voice, "reference": text,
                             "outputs": {m: o[i] for m, o in outs.items()}})
    with open(os.path.join(OUT, "transcripts.json"), "w") as fh:
        json.dump(res, fh, indent=1)
    print(json.dumps(res["clips"], indent=1))


if __name__ == "__main__":
    main()
