#!/usr/bin/env python3
"""Tiny NeMo transducers (RNN-T and TDT) in exactly the folder layout sherpa-onnx loads for NVIDIA's NeMo /
Parakeet exports: test data for the `nemo-transducer` layout, not models to transcribe with.

    /usr/bin/python3 scripts/model/export_tiny_nemo_transducer.py              # both, into models/testdata/layouts/
    /usr/bin/python3 scripts/model/export_tiny_nemo_transducer.py --kind rnnt   # one (RNN-T: 300 steps, TDT: 80)
    /usr/bin/python3 scripts/model/export_tiny_nemo_transducer.py --kind tdt --steps 0 --out /tmp/x

What sherpa-onnx (offline-transducer-nemo-model.cc, offline-recognizer-impl.cc) reads, and this writes:
  encoder.onnx  audio_signal (N, feat_dim, T) float, length (N,) int64
                -> outputs (N, D, T') float, encoded_lengths (N,) int64
                metadata (encoder only, as scripts/nemo/*/export_onnx.py writes it): model_type
                (EncDecRNNTBPEModel or EncDecHybridRNNTCTCBPEModel: "a NeMo transducer"), vocab_size (without the
                blank), normalize_type, pred_rnn_layers, pred_hidden, subsampling_factor, url (TDT when it contains
                "tdt"), feat_dim (optional; 80 when absent)
  decoder.onnx  targets (N, 1) int32, target_length (N,) int32, LSTM states h and c (pred_rnn_layers, N, pred_hidden)
                -> outputs (N, pred_hidden, 1), prednet_lengths, next h, next c
  joiner.onnx   encoder_outputs (N, D, 1), decoder_outputs (N, pred_hidden, 1) -> outputs (N, 1, 1, K), K static:
                vocab_size + 1 for RNN-T, vocab_size + 1 + number of durations for TDT
  tokens.txt    `symbol id`, the blank `<blk>` last
  *.int8.onnx   weight-only int8 variants (scripts/model/quantize.py)

The weights are trained for a few dozen to a few hundred steps on FSDD spoken digits (/work/shared/data/fsdd, 8 kHz, resampled)
with the RNN-T loss (torchaudio) or a small TDT loss written here, so outputs are peaked and varied; --steps 0
leaves them random (with the joiner's blank bias lowered so decoding is not empty). Features as sherpa-onnx computes
them for NeMo transducers: povey window, no DC removal, pre-emphasis 0.97, librosa (Slaney) mel filters from 0 Hz
to Nyquist - 400 Hz, natural log, per_feature normalization.
"""
import argparse
import glob
import math
import os
import random
import sys
import wave

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import features as feats  # noqa: E402
import quantize  # noqa: E402
from sherpa_layout import write_metadata, write_tokens  # noqa: E402

OPSET = 13
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
FSDD = "/work/shared/data/fsdd/recordings"
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
# A SentencePiece-like vocabulary: <unk> first (as NeMo's), word-initial pieces with U+2581, letters.
TOKENS = ["<unk>", "\u2581", "\u2581o", "\u2581t", "\u2581f", "\u2581s", "\u2581e", "\u2581n", "\u2581z",
          "e", "o", "n", "r", "t", "i", "h", "w", "f", "v", "s", "u", "x", "g", "z"]
DURATIONS = [0, 1, 2, 3, 4]

KINDS = {
    # RNN-T as the fast-conformer hybrid exports name it; no feat_dim key (sherpa-onnx then uses 80).
    "rnnt": dict(steps=300, model_type="EncDecHybridRNNTCTCBPEModel", feat_dim=80, write_feat_dim=False, subsampling=4,
                 d=96, pred_hidden=64, pred_layers=1, joint=64, url="tiny-nemo-transducer-rnnt (onnx-stt-server testdata)",
                 out="models/testdata/layouts/nemo-transducer-rnnt"),
    # TDT as parakeet-tdt-0.6b-v2 is exported: 128 mel bins, two LSTM layers, 8x subsampling, "tdt" in its url.
    "tdt": dict(steps=80, model_type="EncDecRNNTBPEModel", feat_dim=128, write_feat_dim=True, subsampling=8,
                d=96, pred_hidden=64, pred_layers=2, joint=64, url="tiny-nemo-transducer-tdt (onnx-stt-server testdata)",
                out="models/testdata/layouts/nemo-transducer-tdt"),
}

# The graphs' interface as NeMo exports it and sherpa-onnx reads it (names and dynamic axes; shapes in the
# docstring above); scripts/bench/make-synthetic-nemo.py exports its transducers with the same.
ENCODER_IO = dict(input_names=["audio_signal", "length"], output_names=["outputs", "encoded_lengths"],
                  dynamic_axes={"audio_signal": {0: "N", 2: "T"}, "length": {0: "N"},
                                "outputs": {0: "N", 2: "T_out"}, "encoded_lengths": {0: "N"}})
DECODER_IO = dict(input_names=["targets", "target_length", "input_states_1", "input_states_2"],
                  output_names=["outputs", "prednet_lengths", "output_states_1", "output_states_2"],
                  dynamic_axes={"targets": {0: "N", 1: "U"}, "target_length": {0: "N"},
                                "input_states_1": {1: "N"}, "input_states_2": {1: "N"},
                                "outputs": {0: "N", 2: "U"}, "prednet_lengths": {0: "N"},
                                "output_states_1": {1: "N"}, "output_states_2": {1: "N"}})
JOINER_IO = dict(input_names=["encoder_outputs", "decoder_outputs"], output_names=["outputs"],
                 dynamic_axes={"encoder_outputs": {0: "N", 2: "T"}, "decoder_outputs": {0: "N", 2: "U"},
                               "outputs": {0: "N", 1: "T", 2: "U"}})


# ---------------------------------------------------------------- features (as sherpa-onnx for NeMo transducers)

def mel_banks(nbins, low=0.0, high=-400.0):
    nyq = feats.SR / 2
    hi = high if high > 0 else nyq + high
    ml, mh = feats._mel_slaney(low), feats._mel_slaney(hi)
    delta = (mh - ml) / (nbins + 1)
    hz = np.arange(feats.NFFT // 2 + 1) * feats.SR / feats.NFFT
    fb = np.zeros((nbins, feats.NFFT // 2 + 1))
    for b in range(nbins):
        l, c, r = (feats._imel_slaney(ml + k * delta) for k in (b, b + 1, b + 2))
        w = np.where(hz <= c, (hz - l) / (c - l), (r - hz) / (r - c))
        w[(hz <= l) | (hz >= r)] = 0.0
        fb[b] = w * (2.0 / (r - l))
    return torch.from_numpy(fb).float()


def logmel(wave16k, fb):
    """(B, N) in [-1, 1] -> (B, T, nbins): povey window, no DC removal, pre-emphasis 0.97."""
    fr = feats._frames(wave16k)
    prev = torch.cat([fr[..., :1], fr[..., :-1]], dim=-1)
    fr = (fr - 0.97 * prev) * feats._window("povey", fr.dtype)
    spec = torch.fft.rfft(fr, n=feats.NFFT)
    return torch.log(torch.clamp((spec.real ** 2 + spec.imag ** 2) @ fb.T, min=feats.FLT_EPS))


def read_fsdd():
    import torchaudio.functional as AF
    clips = []
    for path in sorted(glob.glob(os.path.join(FSDD, "*.wav"))):
        with wave.open(path) as w:
            assert w.getsampwidth() == 2 and w.getnchannels() == 1, path
            rate = w.getframerate()
            x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
        x = AF.resample(torch.from_numpy(x), rate, 16000)
        digit = int(os.path.basename(path).split("_")[0])
        clips.append((x, DIGITS[digit]))
    return clips


def text_ids(word):
    first = "\u2581" + word[0]
    ids = [TOKENS.index(first)] if first in TOKENS else [TOKENS.index("\u2581"), TOKENS.index(word[0])]
    return ids + [TOKENS.index(c) for c in word[1:]]


# ---------------------------------------------------------------- the model, module by module as NeMo exports it

def out_len(length, times):
    for _ in range(times):
        length = torch.div(length - 1, 2, rounding_mode="floor") + 1
    return length


class Encoder(nn.Module):
    """Conv1d stack, 2x subsampling per strided layer: (N, feat_dim, T) -> (N, d, T')."""

    def __init__(self, feat_dim, d, subsampling):
        super().__init__()
        self.times = int(round(math.log2(subsampling)))
        layers, c = [], feat_dim
        for _ in range(self.times):
            layers += [nn.Conv1d(c, d, 5, stride=2, padding=2), nn.ReLU()]
            c = d
        layers += [nn.Conv1d(d, d, 5, padding=2), nn.ReLU(), nn.Conv1d(d, d, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, audio_signal, length):
        return self.net(audio_signal), out_len(length, self.times)


class Decoder(nn.Module):
    """NeMo's RNNTDecoder: blank embeds as zeros (padding_idx), an LSTM; targets (N, U) int32 -> (N, H, U)."""

    def __init__(self, vocab, hidden, layers):
        super().__init__()
        self.blank = vocab - 1
        self.embed = nn.Embedding(vocab, hidden, padding_idx=self.blank)
        self.lstm = nn.LSTM(hidden, hidden, layers)

    def forward(self, targets, target_length, h, c):
        y = self.embed(targets.long()).transpose(0, 1)
        g, (h2, c2) = self.lstm(y, (h, c))
        return g.permute(1, 2, 0), target_length, h2, c2


class Joiner(nn.Module):
    """NeMo's RNNTJoint: (N, D, T), (N, H, U) -> (N, T, U, vocab [+ durations]) logits."""

    def __init__(self, d, hidden, joint, vocab, durations):
        super().__init__()
        self.enc = nn.Linear(d, joint)
        self.pred = nn.Linear(hidden, joint)
        self.out = nn.Linear(joint, vocab + durations)

    def forward(self, encoder_outputs, decoder_outputs):
        f = self.enc(encoder_outputs.transpose(1, 2)).unsqueeze(2)
        g = self.pred(decoder_outputs.transpose(1, 2)).unsqueeze(1)
        return self.out(torch.relu(f + g))


# ---------------------------------------------------------------- training

def tdt_loss(logits, targets, t_lens, u_lens, blank):
    """Token-and-duration transducer loss (durations DURATIONS; blanks advance at least one frame)."""
    V = blank + 1
    lp_tok = logits[..., :V].log_softmax(-1)
    lp_dur = logits[..., V:].log_softmax(-1)
    B, T, U1, _ = logits.shape
    neg = torch.full((B,), -1e4)
    alpha = [[None] * U1 for _ in range(T + 1)]
    emit = [torch.gather(lp_tok[:, :, u, :], 2, targets[:, u].long().view(B, 1, 1).expand(B, T, 1))[..., 0]
            for u in range(U1 - 1)]  # (B, T) log p(y_{u+1}) at (t, u)
    for t in range(T + 1):
        for u in range(U1):
            if t == 0 and u == 0:
                alpha[t][u] = torch.zeros(B)
                continue
            terms = []
            for k, d in enumerate(DURATIONS):
                s = t - d
                if s < 0 or s >= T:
                    continue
                if d >= 1 and alpha[s][u] is not None:
                    terms.append(alpha[s][u] + lp_tok[:, s, u, blank] + lp_dur[:, s, u, k])
                if u >= 1 and alpha[s][u - 1] is not None:
                    terms.append(alpha[s][u - 1] + emit[u - 1][:, s] + lp_dur[:, s, u - 1, k])
            alpha[t][u] = torch.logsumexp(torch.stack(terms), 0) if terms else neg
    total = torch.stack([alpha[int(t_lens[b])][int(u_lens[b])][b] for b in range(B)])
    return -(total / u_lens.clamp(min=1).float()).mean()


def train(kind, cfg, steps, seed):
    torch.manual_seed(seed)
    random.seed(seed)
    V = len(TOKENS) + 1
    blank = V - 1
    ndur = len(DURATIONS) if kind == "tdt" else 0
    enc = Encoder(cfg["feat_dim"], cfg["d"], cfg["subsampling"])
    dec = Decoder(V, cfg["pred_hidden"], cfg["pred_layers"])
    join = Joiner(cfg["d"], cfg["pred_hidden"], cfg["joint"], V, ndur)
    if steps == 0:
        with torch.no_grad():
            join.out.bias[blank] -= 1.0
        return enc, dec, join
    import torchaudio.functional as AF
    clips = read_fsdd()
    fb = mel_banks(cfg["feat_dim"])
    params = list(enc.parameters()) + list(dec.parameters()) + list(join.parameters())
    opt = torch.optim.Adam(params, lr=3e-3)
    for step in range(1, steps + 1):
        batch = random.sample(clips, 32)
        n = max(len(x) for x, _ in batch)
        # Random leading/trailing silence so the model sees words at different places in a clip.
        waves, lens = [], []
        for x, _ in batch:
            lead = random.randint(0, 1600)
            w = torch.zeros(n + 3200)
            w[lead:lead + len(x)] = x
            waves.append(w)
            lens.append(feats.num_frames(n + 3200))
        m = logmel(torch.stack(waves), fb)
        m = feats.per_feature_normalize_torch(m)
        x_lens = torch.tensor(lens, dtype=torch.int64)
        enc_out, enc_lens = enc(m.transpose(1, 2), x_lens)
        ys = [text_ids(w) for _, w in batch]
        U = max(len(y) for y in ys)
        targets = torch.tensor([y + [blank] * (U - len(y)) for y in ys], dtype=torch.int32)
        u_lens = torch.tensor([len(y) for y in ys], dtype=torch.int32)
        sos = torch.cat([torch.full((32, 1), blank, dtype=torch.int32), targets], dim=1)
        h0 = torch.zeros(cfg["pred_layers"], 32, cfg["pred_hidden"])
        g, _, _, _ = dec(sos, u_lens + 1, h0, h0)
        logits = join(enc_out, g)
        if kind == "tdt":
            loss = tdt_loss(logits, targets, enc_lens, u_lens, blank)
        else:
            loss = AF.rnnt_loss(logits, targets, enc_lens.int(), u_lens, blank=blank, reduction="mean")
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 5.0)
        opt.step()
        if step % 50 == 0 or step == 1:
            print(f"{kind} step {step} loss {loss.item():.3f}", flush=True)
    return enc.eval(), dec.eval(), join.eval()


# ---------------------------------------------------------------- export

def export(kind, cfg, enc, dec, join, out, steps):
    os.makedirs(out, exist_ok=True)
    L, H = cfg["pred_layers"], cfg["pred_hidden"]
    with torch.no_grad():
        x = torch.randn(1, cfg["feat_dim"], 120)
        torch.onnx.export(enc, (x, torch.tensor([120])), os.path.join(out, "encoder.onnx"), opset_version=OPSET,
                          **ENCODER_IO)
        h = torch.zeros(L, 1, H)
        torch.onnx.export(dec, (torch.zeros(1, 1, dtype=torch.int32), torch.ones(1, dtype=torch.int32), h, h),
                          os.path.join(out, "decoder.onnx"), opset_version=OPSET, **DECODER_IO)
        torch.onnx.export(join, (torch.randn(1, cfg["d"], 1), torch.randn(1, H, 1)), os.path.join(out, "joiner.onnx"),
                          opset_version=OPSET, **JOINER_IO)
    meta = {
        "vocab_size": len(TOKENS),
        "normalize_type": "per_feature",
        "pred_rnn_layers": L,
        "pred_hidden": H,
        "subsampling_factor": cfg["subsampling"],
        "model_type": cfg["model_type"],
        "version": "1",
        "model_author": "onnx-stt-server scripts/model/export_tiny_nemo_transducer.py",
        "url": cfg["url"],
        "comment": f"tiny {kind.upper()} test model, {steps} training steps on FSDD digits; not for transcription",
    }
    if cfg["write_feat_dim"]:
        meta["feat_dim"] = cfg["feat_dim"]
    write_metadata(os.path.join(out, "encoder.onnx"), meta)
    for name in ("encoder", "decoder", "joiner"):
        model = onnx.load(os.path.join(out, f"{name}.onnx"))
        quantize.quantize(model, 1024)
        onnx.checker.check_model(model)
        onnx.save(model, os.path.join(out, f"{name}.int8.onnx"))
    write_tokens(os.path.join(out, "tokens.txt"), [*TOKENS, "<blk>"])
    for f in sorted(os.listdir(out)):
        print(f"{os.path.join(out, f)}: {os.path.getsize(os.path.join(out, f))} bytes")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", choices=["rnnt", "tdt", "both"], default="both")
    ap.add_argument("--steps", type=int, default=None,
                    help="training steps on FSDD digits (0: random weights); default 300 for RNN-T, 80 for TDT")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--out", default="", help="output folder (one kind only); default models/testdata/layouts/...")
    a = ap.parse_args()
    torch.set_num_threads(2)
    for kind in (["rnnt", "tdt"] if a.kind == "both" else [a.kind]):
        cfg = KINDS[kind]
        steps = cfg["steps"] if a.steps is None else a.steps
        enc, dec, join = train(kind, cfg, steps, a.seed)
        export(kind, cfg, enc, dec, join, a.out or os.path.join(ROOT, cfg["out"]), steps)


if __name__ == "__main__":
    main()
