#!/usr/bin/env python3
"""A tiny Moonshine (v1) in exactly the folder layout sherpa-onnx loads, for tests.

    /usr/bin/python3 scripts/model/export_tiny_moonshine.py \
        --fsdd /work/shared/data/fsdd/recordings --out models/testdata/layouts/moonshine

Writes what the published `sherpa-onnx-moonshine-tiny-en-int8` folder holds (scripts/moonshine/run.sh in
sherpa-onnx): `preprocess.onnx` (float32), `encode.int8.onnx`, `uncached_decode.int8.onnx`,
`cached_decode.int8.onnx` (weight-only int8 by scripts/model/quantize.py) and `tokens.txt`; with --out-v2 also
the v2 folder (scripts/moonshine/v2/run.sh): `encoder_model.ort`, `decoder_model_merged.ort` (converted by
onnxruntime-node) and a base64 `tokens.txt`, from the same weights.

The graphs have the interface sherpa-onnx's offline-moonshine-model.cc binds *by position*:
- preprocess: audio float32 (1, num_samples) -> features float32 (1, T, dim); T = num_samples / 384 (as the real
  model: three strided convolutions, 64 x 3 x 2 = 384 samples per frame)
- encode: features (1, T, dim), features_len int32 (1) -> encoder_out float32 (1, T, dim)
- uncached_decode: tokens int32 (1, L), encoder_out (1, T, dim), seq_len int32 (1) -> logits (1, L, vocab),
  then 4 states per decoder layer: self-attention key, value (1, L, heads, head_dim), cross-attention key,
  value (1, T, heads, head_dim)
- cached_decode: token int32 (1, 1), encoder_out, seq_len int32 (1) = tokens so far including this one, the
  states in the same order -> logits (1, 1, vocab) and the next states (self-attention ones one longer).
The greedy search (offline-moonshine-greedy-search-decoder.cc) starts from <s> = 1 and stops at </s> = 2.

The weights are briefly trained on the Free Spoken Digit Dataset (each clip -> "<s> ▁digit-pieces </s>"), so
decoding is varied (different words for different audio), multi-token words occur, and it ends with </s>.
tokens.txt lists <unk> 0, <s> 1, </s> 2, the byte-fallback tokens <0x00>..<0xFF> as ids 3..258 (as Moonshine's
Llama-style tokenizer), then the digit word pieces; `symbol<TAB>id` per line as the published file.
"""
import argparse
import base64
import math
import os
import subprocess
import sys
import wave

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sherpa_layout import write_metadata  # noqa: E402

OPSET = 14
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DIM = 64
HEADS = 4
HEAD_DIM = DIM // HEADS
BANDS = 32
DEC_LAYERS = 2
SOS, EOS = 1, 2
PIECES = {
    0: ["\u2581ze", "ro"], 1: ["\u2581one"], 2: ["\u2581two"], 3: ["\u2581th", "ree"], 4: ["\u2581fo", "ur"],
    5: ["\u2581fi", "ve"], 6: ["\u2581six"], 7: ["\u2581se", "ven"], 8: ["\u2581ei", "ght"], 9: ["\u2581ni", "ne"],
}


def vocabulary():
    symbols = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    for d in range(10):
        for p in PIECES[d]:
            if p not in symbols:
                symbols.append(p)
    return symbols


def sinusoid_bank():
    """(2 × BANDS, 1, 127): Hann-windowed cosines then sines at mel-spaced frequencies from 100 Hz to 7 kHz."""
    mel = np.linspace(2595 * np.log10(1 + 100 / 700), 2595 * np.log10(1 + 7000 / 700), BANDS)
    hz = 700 * (10 ** (mel / 2595) - 1)
    t = np.arange(127) / 16000.0
    window = np.hanning(127)
    cos = [window * np.cos(2 * np.pi * f * t) for f in hz]
    sin = [window * np.sin(2 * np.pi * f * t) for f in hz]
    return torch.tensor(np.array(cos + sin), dtype=torch.float32).unsqueeze(1)


def sinusoid(positions, dim):
    """(…,) float positions -> (…, dim) sin/cos embedding."""
    inv = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))
    angles = positions.unsqueeze(-1) * inv
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=-1)


def attend(q, k, v, bias=None):
    """q (B, Lq, H, Dh), k/v (B, Lk, H, Dh) -> (B, Lq, H*Dh)."""
    q, k, v = (t.transpose(1, 2) for t in (q, k, v))
    scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(HEAD_DIM)
    if bias is not None:
        scores = scores + bias
    out = torch.matmul(torch.softmax(scores, dim=-1), v)
    return out.transpose(1, 2).reshape(out.shape[0], out.shape[2], DIM)


def heads(x):
    return x.reshape(x.shape[0], x.shape[1], HEADS, HEAD_DIM)


class DecoderLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.n1, self.n2, self.n3 = nn.LayerNorm(DIM), nn.LayerNorm(DIM), nn.LayerNorm(DIM)
        self.qkv = nn.Linear(DIM, 3 * DIM)
        self.o1 = nn.Linear(DIM, DIM)
        self.q2 = nn.Linear(DIM, DIM)
        self.kv2 = nn.Linear(DIM, 2 * DIM)
        self.o2 = nn.Linear(DIM, DIM)
        self.ff = nn.Sequential(nn.Linear(DIM, 4 * DIM), nn.GELU(), nn.Linear(4 * DIM, DIM))

    def cross_kv(self, enc):
        k, v = self.kv2(enc).chunk(2, dim=-1)
        return heads(k), heads(v)

    def forward(self, x, past_k, past_v, cross_k, cross_v, self_bias=None, cross_bias=None):
        q, k, v = self.qkv(self.n1(x)).chunk(3, dim=-1)
        k = heads(k) if past_k is None else torch.cat([past_k, heads(k)], dim=1)
        v = heads(v) if past_v is None else torch.cat([past_v, heads(v)], dim=1)
        x = x + self.o1(attend(heads(q), k, v, self_bias))
        x = x + self.o2(attend(heads(self.q2(self.n2(x))), cross_k, cross_v, cross_bias))
        x = x + self.ff(self.n3(x))
        return x, k, v


class EncoderLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.n1, self.n2 = nn.LayerNorm(DIM), nn.LayerNorm(DIM)
        self.qkv = nn.Linear(DIM, 3 * DIM)
        self.o = nn.Linear(DIM, DIM)
        self.ff = nn.Sequential(nn.Linear(DIM, 4 * DIM), nn.GELU(), nn.Linear(4 * DIM, DIM))

    def forward(self, x, bias):
        q, k, v = (heads(t) for t in self.qkv(self.n1(x)).chunk(3, dim=-1))
        x = x + self.o(attend(q, k, v, bias))
        return x + self.ff(self.n2(x))


class TinyMoonshine(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        # The first convolution is a fixed bank of windowed sinusoids (cosine and sine at BANDS frequencies, mel
        # spaced): its magnitudes are a short-time spectrum, so a brief training finds the words.
        self.conv1 = nn.Conv1d(1, 2 * BANDS, 127, stride=64, bias=False)
        self.conv1.weight.data.copy_(sinusoid_bank())
        self.conv1.weight.requires_grad_(False)
        self.conv2 = nn.Conv1d(BANDS, DIM, 7, stride=3)
        self.conv3 = nn.Conv1d(DIM, DIM, 3, stride=2)
        self.enc = EncoderLayer()
        self.enc_norm = nn.LayerNorm(DIM)
        self.embed = nn.Embedding(vocab, DIM)
        self.summary = nn.Linear(DIM, DIM)
        self.layers = nn.ModuleList([DecoderLayer() for _ in range(DEC_LAYERS)])
        self.out_norm = nn.LayerNorm(DIM)
        self.head = nn.Linear(DIM, vocab)

    def preprocess(self, audio):
        x = self.conv1(audio.unsqueeze(1))
        magnitude = torch.sqrt(x[:, :BANDS] ** 2 + x[:, BANDS:] ** 2 + 1e-10)
        x = torch.log(magnitude + 1e-4)
        x = x - x.mean(dim=1, keepdim=True)  # per frame: the same whatever the gain
        x = self.conv2(x)
        x = self.conv3(x + 0.1 * F.gelu(x))
        return x.transpose(1, 2)

    def encode(self, features, features_len=None):
        t = features.shape[1]
        x = features + 0.1 * sinusoid(torch.arange(t, dtype=torch.float32), DIM)
        bias = None
        if features_len is not None:
            pad = torch.arange(t).unsqueeze(0) >= features_len.to(torch.int64).unsqueeze(1)
            bias = (pad.to(torch.float32) * -1e4)[:, None, None, :]
        return self.enc_norm(self.enc(x, bias))

    def decode(self, tokens, positions, encoder_out, states=None, cross_bias=None):
        """tokens (B, L), positions (L,) float; states: per layer [k, v, cross_k, cross_v] or None."""
        # A summary of the whole clip beside each token (cross-attention alone learns too slowly for a brief
        # training): the mean encoder frame (over the valid frames when training on padded batches).
        if cross_bias is None:
            summary = encoder_out.mean(dim=1, keepdim=True)
        else:
            valid = (cross_bias[:, 0, 0, :] == 0).to(torch.float32).unsqueeze(-1)
            summary = (encoder_out * valid).sum(dim=1, keepdim=True) / valid.sum(dim=1, keepdim=True)
        x = self.embed(tokens) + sinusoid(positions, DIM) + self.summary(summary)
        length = tokens.shape[1]
        # Causal self-attention over the tokens of this call (the cached decoder's one token needs none).
        self_bias = torch.triu(torch.full((length, length), -1e4), diagonal=1) if states is None else None
        out_states = []
        for i, layer in enumerate(self.layers):
            if states is None:
                ck, cv = layer.cross_kv(encoder_out)
                pk = pv = None
            else:
                pk, pv, ck, cv = states[4 * i: 4 * i + 4]
            x, k, v = layer(x, pk, pv, ck, cv, self_bias, cross_bias)
            out_states += [k, v, ck, cv]
        return self.head(self.out_norm(x)), out_states


class Preprocess(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, audio):
        return self.m.preprocess(audio)


class Encode(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, features, features_len):
        return self.m.encode(features, features_len)


class UncachedDecode(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, tokens, encoder_out, seq_len):
        length = tokens.shape[1]
        # seq_len = L: the tokens are at positions 0..L-1.
        positions = torch.arange(length, dtype=torch.float32) + (seq_len.to(torch.float32) - length)
        logits, states = self.m.decode(tokens.to(torch.int64), positions, encoder_out)
        return (logits, *states)


class CachedDecode(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, token, encoder_out, seq_len, *states):
        positions = seq_len.to(torch.float32) - 1.0
        logits, out = self.m.decode(token.to(torch.int64), positions, encoder_out, list(states))
        # Cross-attention states pass through unchanged (copies, so every output is its own tensor).
        out = [s if i % 4 < 2 else s * 1.0 + 0.0 * encoder_out.sum() for i, s in enumerate(out)]
        return (logits, *out)


class V2Encoder(nn.Module):
    """v2 `encoder_model`: input_values (1, samples) -> last_hidden_state (1, T, dim)."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_values):
        return self.m.encode(self.m.preprocess(input_values))


class V2MergedDecoder(nn.Module):
    """v2 `decoder_model_merged`: input_ids int64 (1, 1), encoder_hidden_states, past_key_values.{i}.{decoder,encoder}
    .{key,value} (1, heads, length, head_dim), use_cache_branch bool (1) -> logits, present.* in the same order.
    The token's position is the decoder cache's length. The cross-attention keys and values are recomputed from
    encoder_hidden_states every step (the same values the first step cached), so both branches give the same."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, encoder_hidden_states, *rest):
        past, use_cache_branch = rest[:-1], rest[-1]
        positions = torch.ones(1) * past[0].shape[2]
        states = []
        for i, layer in enumerate(self.m.layers):
            ck, cv = layer.cross_kv(encoder_hidden_states)
            unused = 0.0 * (past[4 * i + 2].sum() + past[4 * i + 3].sum())
            states += [past[4 * i].transpose(1, 2), past[4 * i + 1].transpose(1, 2), ck + unused, cv + unused]
        logits, out = self.m.decode(input_ids, positions, encoder_hidden_states, states)
        logits = logits + 0.0 * use_cache_branch.to(torch.float32).sum()
        return (logits, *[s.transpose(1, 2) for s in out])


def read_fsdd(folder, symbols):
    """[(16 kHz samples, token ids)] for every clip `<digit>_<speaker>_<n>.wav` (8 kHz PCM16)."""
    clips = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".wav"):
            continue
        with wave.open(os.path.join(folder, name)) as w:
            rate, width, channels = w.getframerate(), w.getsampwidth(), w.getnchannels()
            raw = w.readframes(w.getnframes())
        x = np.frombuffer(raw, dtype=np.int16 if width == 2 else np.uint8).astype(np.float32)
        x = x / 32768.0 if width == 2 else (x - 128.0) / 128.0
        x = x.reshape(-1, channels)[:, 0]
        n16 = int(len(x) * 16000 / rate)
        x = np.interp(np.arange(n16) * rate / 16000.0, np.arange(len(x)), x).astype(np.float32)
        digit = int(name.split("_")[0])
        clips.append((x, [SOS] + [symbols.index(p) for p in PIECES[digit]] + [EOS]))
    return clips


def batch(clips, rng, size):
    picked = [clips[i] for i in rng.integers(0, len(clips), size)]
    pad_front = [int(rng.integers(0, 4000)) for _ in picked]
    lengths = [len(c[0]) + p + int(rng.integers(0, 4000)) for c, p in zip(picked, pad_front)]
    n = max(lengths)
    audio = np.zeros((size, n), dtype=np.float32)
    for i, ((x, _), p) in enumerate(zip(picked, pad_front)):
        g = 10 ** rng.uniform(-1.0, 0.3) / (np.abs(x).max() + 1e-6)
        audio[i, p: p + len(x)] = x * g
        audio[i, : lengths[i]] += rng.normal(0, 10 ** rng.uniform(-4, -2.3), lengths[i]).astype(np.float32)
    frames = [(ln - 127) // 64 + 1 for ln in lengths]
    frames = [((f - 7) // 3 + 1 - 3) // 2 + 1 for f in frames]
    width = max(len(c[1]) for c in picked)
    tokens = np.full((size, width), EOS, dtype=np.int64)
    for i, (_, t) in enumerate(picked):
        tokens[i, : len(t)] = t
    return torch.from_numpy(audio), torch.tensor(frames), torch.from_numpy(tokens)


def train(model, clips, steps, seed):
    rng = np.random.default_rng(seed)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=2e-3, weight_decay=0.01)
    for step in range(steps):
        audio, frames, tokens = batch(clips, rng, 24)
        enc = model.encode(model.preprocess(audio), frames)
        t = enc.shape[1]
        cross_bias = torch.where(torch.arange(t).unsqueeze(0) >= frames.unsqueeze(1), -1e4, 0.0)[:, None, None, :]
        positions = torch.arange(tokens.shape[1] - 1, dtype=torch.float32)
        logits, _ = model.decode(tokens[:, :-1], positions, enc, None, cross_bias)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tokens[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0 or step == steps - 1:
            print(f"step {step} loss {loss.item():.3f}", flush=True)


def export(model, out, vocab):
    os.makedirs(out, exist_ok=True)
    audio = torch.randn(1, 16000) * 0.1
    feats = model.preprocess(audio)
    flen = torch.tensor([feats.shape[1]], dtype=torch.int32)
    enc = model.encode(feats, flen)
    sos = torch.tensor([[SOS]], dtype=torch.int32)
    one = torch.tensor([1], dtype=torch.int32)
    _, *states = UncachedDecode(model)(sos, enc, one)
    state_names = [f"{kind}_{i}" for i in range(DEC_LAYERS) for kind in ("self_key", "self_value", "cross_key", "cross_value")]
    self_axes = {0: "batch", 1: "num_tokens"}
    cross_axes = {0: "batch", 1: "num_frames"}
    axes_of = lambda name: self_axes if name.startswith("self") else cross_axes  # noqa: E731
    meta = {"model_type": "moonshine", "version": "1", "comment": "tiny test model (scripts/model/export_tiny_moonshine.py)",
            "vocab_size": vocab, "num_decoder_layers": DEC_LAYERS, "num_heads": HEADS, "head_dim": HEAD_DIM}
    kw = dict(opset_version=OPSET, do_constant_folding=True)
    files = {}
    path = os.path.join(out, "preprocess.onnx")
    torch.onnx.export(Preprocess(model), (audio,), path, input_names=["audio"], output_names=["features"],
                      dynamic_axes={"audio": {0: "batch", 1: "num_samples"}, "features": {0: "batch", 1: "num_frames"}}, **kw)
    files["preprocess"] = path
    path = os.path.join(out, "encode.onnx")
    torch.onnx.export(Encode(model), (feats, flen), path, input_names=["features", "features_len"], output_names=["encoder_out"],
                      dynamic_axes={"features": {0: "batch", 1: "num_frames"}, "features_len": {0: "batch"},
                                    "encoder_out": {0: "batch", 1: "num_frames"}}, **kw)
    files["encode"] = path
    enc_axes = {0: "batch", 1: "num_frames"}
    path = os.path.join(out, "uncached_decode.onnx")
    torch.onnx.export(UncachedDecode(model), (sos, enc, one), path, input_names=["tokens", "encoder_out", "seq_len"],
                      output_names=["logits"] + [f"out_{n}" for n in state_names],
                      dynamic_axes={"tokens": {0: "batch", 1: "num_tokens"}, "encoder_out": enc_axes, "seq_len": {0: "batch"},
                                    "logits": {0: "batch", 1: "num_tokens"}, **{f"out_{n}": axes_of(n) for n in state_names}}, **kw)
    files["uncached_decode"] = path
    path = os.path.join(out, "cached_decode.onnx")
    two = torch.tensor([2], dtype=torch.int32)
    tok = torch.tensor([[3]], dtype=torch.int32)
    torch.onnx.export(CachedDecode(model), (tok, enc, two, *states), path,
                      input_names=["token", "encoder_out", "seq_len"] + [f"in_{n}" for n in state_names],
                      output_names=["logits"] + [f"out_{n}" for n in state_names],
                      dynamic_axes={"token": {0: "batch"}, "encoder_out": enc_axes, "seq_len": {0: "batch"}, "logits": {0: "batch"},
                                    **{f"in_{n}": axes_of(n) for n in state_names}, **{f"out_{n}": axes_of(n) for n in state_names}}, **kw)
    files["cached_decode"] = path
    for p in files.values():
        write_metadata(p, meta)
        onnx.checker.check_model(onnx.load(p))
    quantizer = os.path.join(os.path.dirname(os.path.abspath(__file__)), "quantize.py")
    for name in ("encode", "uncached_decode", "cached_decode"):
        subprocess.run([sys.executable, quantizer, files[name], "--min-elements", "1024"], check=True)
        os.remove(files[name])  # the published folder holds only the int8 files (and preprocess.onnx in float32)


def export_v2(model, out, symbols, ort_format):
    """The v2 folder (scripts/moonshine/v2/run.sh in sherpa-onnx): encoder_model, decoder_model_merged (here
    .onnx; the published ones are .ort) and tokens.txt with every symbol's bytes base64-encoded."""
    os.makedirs(out, exist_ok=True)
    audio = torch.randn(1, 16000) * 0.1
    enc = model.encode(model.preprocess(audio))
    kw = dict(opset_version=OPSET, do_constant_folding=True)
    torch.onnx.export(V2Encoder(model), (audio,), os.path.join(out, "encoder_model.onnx"), input_names=["input_values"],
                      output_names=["last_hidden_state"],
                      dynamic_axes={"input_values": {0: "batch", 1: "num_samples"}, "last_hidden_state": {0: "batch", 1: "num_frames"}}, **kw)
    names = [f"{i}.{part}.{kv}" for i in range(DEC_LAYERS) for part in ("decoder", "encoder") for kv in ("key", "value")]
    past = []
    for n in names:
        length = enc.shape[1] if ".encoder." in n else 2
        past.append(torch.randn(1, HEADS, length, HEAD_DIM))
    ids = torch.tensor([[3]], dtype=torch.int64)
    flag = torch.tensor([True])
    axes = lambda n: {0: "batch", 2: "encoder_length" if ".encoder." in n else "decoder_length"}  # noqa: E731
    torch.onnx.export(V2MergedDecoder(model), (ids, enc, *past, flag), os.path.join(out, "decoder_model_merged.onnx"),
                      input_names=["input_ids", "encoder_hidden_states"] + [f"past_key_values.{n}" for n in names] + ["use_cache_branch"],
                      output_names=["logits"] + [f"present.{n}" for n in names],
                      dynamic_axes={"input_ids": {0: "batch"}, "encoder_hidden_states": {0: "batch", 1: "num_frames"}, "logits": {0: "batch"},
                                    **{f"past_key_values.{n}": axes(n) for n in names}, **{f"present.{n}": axes(n) for n in names}}, **kw)
    for f in ("encoder_model.onnx", "decoder_model_merged.onnx"):
        write_metadata(os.path.join(out, f), {"model_type": "moonshine", "version": "2", "comment": "tiny test model (scripts/model/export_tiny_moonshine.py)"})
        onnx.checker.check_model(onnx.load(os.path.join(out, f)))
        if ort_format:
            # As published: ONNX Runtime's own format, written by onnxruntime-node (the repo's node_modules).
            src = os.path.join(out, f)
            script = ("require('onnxruntime-node').InferenceSession.create(process.argv[1], {graphOptimizationLevel: 'basic', "
                      "optimizedModelFilePath: process.argv[2], extra: {session: {save_model_format: 'ORT'}}})"
                      ".catch((e) => { console.error(e); process.exit(1); })")
            subprocess.run(["node", "-e", script, src, src[: -len(".onnx")] + ".ort"], check=True, cwd=REPO_ROOT)
            os.remove(src)
    with open(os.path.join(out, "tokens.txt"), "w", encoding="utf-8") as fh:
        for i, s in enumerate(symbols):
            fh.write(f"{base64.b64encode(s.encode('utf-8')).decode('ascii')} {i}\n")


def greedy(model, audio):
    """The reference search in PyTorch (as sherpa-onnx's greedy search), to print what the export should say."""
    feats = model.preprocess(audio[None])
    enc = model.encode(feats, torch.tensor([feats.shape[1]]))
    max_len = int(enc.shape[1] * 384 / 16000.0 * 6)
    logits, states = model.decode(torch.tensor([[SOS]]), torch.tensor([0.0]), enc)
    out = []
    for _ in range(max_len):
        t = int(logits[0, -1].argmax())
        if t == EOS:
            break
        out.append(t)
        logits, states = model.decode(torch.tensor([[t]]), torch.tensor([float(len(out))]), enc, states)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fsdd", default="/work/shared/data/fsdd/recordings")
    ap.add_argument("--out", default="models/testdata/layouts/moonshine")
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--out-v2", default="", help="also write the v2 layout (encoder_model + decoder_model_merged) here")
    ap.add_argument("--v2-format", choices=["ort", "onnx"], default="ort", help="v2 graphs as .ort (as published; needs node) or .onnx")
    ap.add_argument("--ckpt", default="", help="load the weights from this file if it exists, else save them there after training")
    ap.add_argument("--no-end-token", action="store_true", help="never predict </s> (to check the max-length rule)")
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(1)
    symbols = vocabulary()
    model = TinyMoonshine(len(symbols))
    clips = read_fsdd(a.fsdd, symbols)
    print(f"{len(clips)} clips, vocab {len(symbols)}, {sum(p.numel() for p in model.parameters())} parameters")
    if a.ckpt and os.path.exists(a.ckpt):
        model.load_state_dict(torch.load(a.ckpt))
    else:
        model.train()
        train(model, clips, a.steps, a.seed)
        if a.ckpt:
            torch.save(model.state_dict(), a.ckpt)
    model.eval()
    if a.no_end_token:
        with torch.no_grad():
            model.head.bias[EOS] = -1e4
    with torch.no_grad():
        for x, t in clips[:: len(clips) // 8]:
            got = greedy(model, torch.from_numpy(x))
            print("expected", [symbols[i] for i in t[1:-1]], "greedy", [symbols[i] for i in got])
        export(model, a.out, len(symbols))
        if a.out_v2:
            export_v2(model, a.out_v2, symbols, a.v2_format == "ort")
    with open(os.path.join(a.out, "tokens.txt"), "w", encoding="utf-8") as fh:
        for i, s in enumerate(symbols):
            fh.write(f"{s}\t{i}\n")
    print("wrote", sorted(os.listdir(a.out)))


if __name__ == "__main__":
    main()
