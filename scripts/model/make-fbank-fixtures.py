#!/usr/bin/env python3
"""Write models/testdata/fbank-reference.json: reference features for a deterministic synthetic signal.

Signal recipe (reproduce it exactly in any language):
    n = 8000 samples at 16 kHz (0.5 s); for i in 0..n-1, t = i / 16000
    LCG: state_0 = 12345; state_{k+1} = (1664525 * state_k + 1013904223) mod 2^32
         u_i = state_{i+1} / 2^32 - 0.5        (first draw uses state_1)
    x_i = float32( 0.3*sin(2*pi*440*t) + 0.2*sin(2*pi*1000*t) + 0.02*u_i )   (computed in float64, then cast)
Features are computed by scripts/model/features.py (float64 internally, returned as float32):
    kaldi  = kaldi_fbank(x)     transducer (icefall) layout
    nemo_raw = nemo_logmel(x)   NeMo layout before normalisation
    nemo   = nemo_features(x)   NeMo layout after per_feature normalisation (what the CTC model gets)
Also cross-checked against torchaudio.compliance.kaldi.fbank(..., high_freq=-400) for the kaldi layout."""
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import features as FE  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))


def signal(n=8000):
    state = 12345
    x = np.zeros(n, dtype=np.float64)
    for i in range(n):
        state = (1664525 * state + 1013904223) % (1 << 32)
        u = state / float(1 << 32) - 0.5
        t = i / 16000.0
        x[i] = 0.3 * math.sin(2 * math.pi * 440 * t) + 0.2 * math.sin(2 * math.pi * 1000 * t) + 0.02 * u
    return x.astype(np.float32)


def summarize(f, rows):
    return {
        "shape": list(f.shape),
        "rows": {str(r): [round(float(v), 6) for v in f[r]] for r in rows},
        "row_sums": [round(float(v), 5) for v in f.sum(1)],
        "row_means": [round(float(v), 6) for v in f.mean(1)],
        "col_means": [round(float(v), 6) for v in f.mean(0)],
    }


def main():
    x = signal()
    k = FE.kaldi_fbank(x)
    nr = FE.nemo_logmel(x)
    nn = FE.nemo_features(x)
    rows = [0, 1, 2, 25, k.shape[0] - 2, k.shape[0] - 1]
    out = {
        "description": __doc__,
        "signal": {"n": len(x), "sample_rate": 16000, "first_samples": [float(v) for v in x[:8]],
                   "sum": float(x.astype(np.float64).sum()), "sum_abs": float(np.abs(x.astype(np.float64)).sum())},
        "tolerance_note": "float32 implementations should match within ~1e-3 absolute (log domain); "
                          "bins whose energy is near the FLT_EPSILON floor may differ more",
        "kaldi_fbank": summarize(k, rows),
        "nemo_logmel_before_normalization": summarize(nr, rows),
        "nemo_per_feature_normalized": summarize(nn, rows),
    }
    try:
        import torch
        import torchaudio.compliance.kaldi as K
        ta = K.fbank(torch.from_numpy(x)[None], num_mel_bins=80, dither=0.0, snip_edges=False, energy_floor=0.0,
                     sample_frequency=16000, high_freq=-400).numpy()
        out["kaldi_fbank_vs_torchaudio_max_abs_diff"] = float(np.abs(ta - k).max())
    except Exception as e:  # noqa: BLE001
        out["kaldi_fbank_vs_torchaudio_max_abs_diff"] = str(e)
    d = os.path.join(REPO, "models", "testdata")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "fbank-reference.json"), "w") as fh:
        json.dump(out, fh, indent=1)
    print("frames", k.shape, "torchaudio diff", out["kaldi_fbank_vs_torchaudio_max_abs_diff"])


if __name__ == "__main__":
    main()
