#!/usr/bin/env python3
"""PyTorch reference decoding of WAV files (same features + greedy search as sherpa-onnx).
usage: python3 scripts/model/ref_decode.py --kind ctc|rnnt --ckpt PATH wav..."""
import argparse
import os
import sys
import wave as wavmod

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import features as FE  # noqa: E402
import modeldefs as M  # noqa: E402
import train as T  # noqa: E402
from export import load  # noqa: E402


def read_wav(path):
    with wavmod.open(path) as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1
        sr = w.getframerate()
        a = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float32) / 32768.0
    return a, sr


def decode_wave(kind, model, a, tokens=None):
    """`tokens`: the checkpoint's table (word pieces), else the kind's characters."""
    tokens = tokens or (M.CTC_TOKENS if kind == "ctc" else M.RNNT_TOKENS)
    with torch.no_grad():
        if kind == "ctc":
            f = torch.from_numpy(FE.nemo_features(a))[None]
            logp, ol = model(f.transpose(1, 2), torch.tensor([f.shape[1]]))
            ol = torch.tensor([f.shape[1] // 4])  # sherpa: num_frames / subsampling_factor
            ids = T.greedy_ctc(logp, ol, len(tokens) - 1)[0]
            return M.ids_to_text(ids, tokens)
        f = torch.from_numpy(FE.kaldi_fbank(a))[None]
        enc, ol, _ = model.encode(f, torch.tensor([f.shape[1]]))
        ids = T.greedy_rnnt(model, enc, torch.tensor([enc.shape[1]]))[0]
        return M.ids_to_text(ids, tokens)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", required=True)
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("wavs", nargs="+")
    a = ap.parse_args()
    model, ck = load(a.kind, a.ckpt)
    for w in a.wavs:
        x, sr = read_wav(w)
        assert sr == 16000
        print(w, "|", decode_wave(a.kind, model, x, ck["tokens"]))


if __name__ == "__main__":
    main()
