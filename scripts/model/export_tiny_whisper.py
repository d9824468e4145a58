#!/usr/bin/env python3
"""A tiny multilingual Whisper in exactly the layout sherpa-onnx publishes (scripts/whisper/export-onnx.py).

    /usr/bin/python3 scripts/model/export_tiny_whisper.py --out models/testdata/layouts/whisper

Writes `tiny-testdata-encoder.onnx`, `tiny-testdata-decoder.onnx` and `tiny-testdata-tokens.txt`:
- the encoder takes `mel` (n_audio × n_mels × T, T free up to 3000) and returns `n_layer_cross_k` and
  `n_layer_cross_v` (n_text_layer × n_audio × T/2 × n_text_state), with sherpa's metadata keys (n_mels,
  n_audio_ctx, n_vocab, n_text_layer, n_text_ctx, n_text_state, sot_sequence, all_language_tokens,
  all_language_codes, sot, eot, blank_id, is_multilingual, no_speech, translate, transcribe, no_timestamps, ...);
- the decoder takes `tokens`, `in_n_layer_self_k_cache`, `in_n_layer_self_v_cache`, `n_layer_cross_k`,
  `n_layer_cross_v`, `offset` and returns `logits`, `out_n_layer_self_k_cache`, `out_n_layer_self_v_cache`;
- tokens.txt holds the regular tokens only, base64 of their bytes, one `base64 id` a line (as sherpa's
  export copies whisper's tiktoken file); the special tokens follow at Whisper's relative positions
  (eot, sot, languages, translate, transcribe, startoflm, startofprev, nospeech, notimestamps, 1501 timestamps).

The network is OpenAI Whisper's (conv front end, sinusoidal audio positions, pre-LN blocks, logits tied to the
token embedding) at toy size, trained for a few hundred steps to map the clips of models/testdata (and crops
of them) to short texts that depend on the language and task tokens, ending with eot: enough for decoding,
language detection, a set language and the translate task to give distinct, non-empty outputs.
"""
import argparse
import base64
import math
import os
import sys
import wave

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from sherpa_layout import write_metadata  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))

N_MELS, N_AUDIO_CTX, N_STATE, N_HEAD, N_AUDIO_LAYER = 80, 1500, 64, 2, 2
N_TEXT_CTX, N_TEXT_LAYER = 448, 2
LANGS = ["en", "zh", "de", "es", "ru", "ko", "fr", "ja"]  # Whisper's order, first eight

# Regular tokens (bytes). Some are single bytes of a multi-byte UTF-8 character: text is joined as bytes.
WORDS = (
    " turn on the lights in kitchen what is weather like london today seven three nine one meeting monday at ten thirty"
    " Turn The What Seven Hello hello world"
    " mach das licht an wie ist wetter sieben drei neun eins treffen montag"
    " quel temps fait il sept trois neuf un"
    " enciende la luz tiempo siete tres nueve"
    " включи свет погода"
).split(" ")[1:]
REGULAR = [b"!", b" ", b".", b",", b"?", b" lumi", b"\xc3", b"\xa8", b"re"]
REGULAR += [(" " + w).encode() for w in WORDS if (" " + w).encode() not in REGULAR]
REGULAR += ["打开".encode(), "灯".encode(), "天气".encode(), "七".encode(), "三".encode(), "電気".encode(), " 불".encode()]
N_REGULAR = len(REGULAR)
EOT = N_REGULAR
SOT = EOT + 1
LANG_TOKENS = [SOT + 1 + i for i in range(len(LANGS))]
TRANSLATE = LANG_TOKENS[-1] + 1
TRANSCRIBE = TRANSLATE + 1
SOT_LM = TRANSCRIBE + 1
SOT_PREV = SOT_LM + 1
NO_SPEECH = SOT_PREV + 1
NO_TIMESTAMPS = NO_SPEECH + 1
N_VOCAB = NO_TIMESTAMPS + 1 + 1501


def tok(text):
    """Greedy longest-match tokenization over REGULAR (bytes)."""
    data, out = text.encode(), []
    while data:
        best = max((i for i, t in enumerate(REGULAR) if data.startswith(t)), key=lambda i: len(REGULAR[i]))
        out.append(best)
        data = data[len(REGULAR[best]):]
    return out


# What the model says in each language whatever the clip, and per clip: the language it should detect, its
# English transcript and its "translation" (capitalized, with punctuation, so the translate task is visible).
PHRASES = {
    "de": " wie ist das wetter", "fr": " quel temps fait il", "es": " enciende la luz", "zh": "打开灯",
    "ja": "電気", "ru": " включи свет", "ko": " 불", "en": None,
}
CLIPS = {
    "tts-nyc-f5-lights.wav": ("en", " turn on the lights in the kitchen", " Turn on the lights."),
    "tts-rp-m6-weather.wav": ("en", " what is the weather like in london today", " What is the weather like?"),
    "tts-rms-digits.wav": ("de", " seven three nine one", " Seven, three, nine, one."),
    "tts-nyc-f5-meeting.wav": ("fr", " the meeting is on monday at ten thirty", " The meeting is on monday."),
}


# --- features: sherpa-onnx's Whisper log-mel (kaldi-native-fbank WhisperFeatureComputer + NormalizeWhisperFeatures)


def slaney_mel(n_mels, n_fft, sr):
    def hz_to_mel(f):
        f = np.asarray(f, dtype=np.float64)
        lin = f * 3.0 / 200.0
        return np.where(f >= 1000.0, 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / (math.log(6.4) / 27.0), lin)

    def mel_to_hz(m):
        m = np.asarray(m, dtype=np.float64)
        return np.where(m >= 15.0, 1000.0 * np.exp((math.log(6.4) / 27.0) * (m - 15.0)), 200.0 * m / 3.0)

    fft_freqs = np.linspace(0, sr / 2, 1 + n_fft // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sr / 2), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    weights = np.zeros((n_mels, len(fft_freqs)))
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels]))[:, None]
    return weights


MEL = slaney_mel(N_MELS, 400, 16000)
WINDOW = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(400) / 400)


def whisper_features(samples):
    """(T, n_mels) normalized log-mel, T = round(n / 160), frames centred with reflected edges."""
    n = len(samples)
    t = (n + 80) // 160
    idx = np.arange(t)[:, None] * 160 + 80 - 200 + np.arange(400)[None, :]
    while (idx < 0).any() or (idx >= n).any():
        idx = np.where(idx < 0, -idx - 1, idx)
        idx = np.where(idx >= n, 2 * n - 1 - idx, idx)
    frames = samples[idx] * WINDOW
    power = np.abs(np.fft.rfft(frames, n=400, axis=1)) ** 2
    mel = power @ MEL.T
    t = min(t, 2950)
    log_spec = np.log10(np.maximum(mel[:t], 1e-10))
    log_spec = np.maximum(log_spec, log_spec.max() - 8.0)
    return ((log_spec + 4.0) / 4.0).astype(np.float32)


def encoder_input(samples, tail_frames=1000):
    """What sherpa-onnx feeds the encoder: the features, then zero frames (up to 3000 in all), channels first."""
    f = whisper_features(samples)
    total = min(len(f) + tail_frames, 3000)
    mel = np.zeros((total, N_MELS), dtype=np.float32)
    mel[: len(f)] = f
    return mel.T[None], len(f)


def read_wav(path):
    with wave.open(path) as w:
        assert w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float32) / 32768.0


# --- the network: OpenAI Whisper's, with the TensorCache wrappers of sherpa-onnx's export


def sinusoids(length, channels, max_timescale=10000):
    log_timescale_increment = math.log(max_timescale) / (channels // 2 - 1)
    inv_timescales = torch.exp(-log_timescale_increment * torch.arange(channels // 2))
    scaled_time = torch.arange(length)[:, None] * inv_timescales[None, :]
    return torch.cat([torch.sin(scaled_time), torch.cos(scaled_time)], dim=1)


class MultiHeadAttention(nn.Module):
    def __init__(self, n_state, n_head):
        super().__init__()
        self.n_head = n_head
        self.query = nn.Linear(n_state, n_state)
        self.key = nn.Linear(n_state, n_state, bias=False)
        self.value = nn.Linear(n_state, n_state)
        self.out = nn.Linear(n_state, n_state)

    def qkv_attention(self, q, k, v, mask=None):
        n_batch, n_ctx, n_state = q.shape
        scale = (n_state // self.n_head) ** -0.25
        q = q.view(*q.shape[:2], self.n_head, -1).permute(0, 2, 1, 3) * scale
        k = k.view(*k.shape[:2], self.n_head, -1).permute(0, 2, 3, 1) * scale
        v = v.view(*v.shape[:2], self.n_head, -1).permute(0, 2, 1, 3)
        qk = q @ k
        if mask is not None:
            qk = qk + mask[:n_ctx, :n_ctx]
        w = F.softmax(qk.float(), dim=-1).to(q.dtype)
        return (w @ v).permute(0, 2, 1, 3).flatten(start_dim=2)

    def forward(self, x, xa=None, mask=None):
        q = self.query(x)
        src = x if xa is None else xa
        return self.out(self.qkv_attention(q, self.key(src), self.value(src), mask))


class Block(nn.Module):
    def __init__(self, n_state, n_head, cross):
        super().__init__()
        self.attn = MultiHeadAttention(n_state, n_head)
        self.attn_ln = nn.LayerNorm(n_state)
        self.cross_attn = MultiHeadAttention(n_state, n_head) if cross else None
        self.cross_attn_ln = nn.LayerNorm(n_state) if cross else None
        self.mlp = nn.Sequential(nn.Linear(n_state, 4 * n_state), nn.GELU(), nn.Linear(4 * n_state, n_state))
        self.mlp_ln = nn.LayerNorm(n_state)

    def forward(self, x, xa=None, mask=None):
        x = x + self.attn(self.attn_ln(x), mask=mask)
        if self.cross_attn is not None:
            x = x + self.cross_attn(self.cross_attn_ln(x), xa)
        return x + self.mlp(self.mlp_ln(x))


class AudioEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(N_MELS, N_STATE, kernel_size=3, padding=1)
        self.conv2 = nn.Conv1d(N_STATE, N_STATE, kernel_size=3, stride=2, padding=1)
        self.register_buffer("positional_embedding", sinusoids(N_AUDIO_CTX, N_STATE))
        self.blocks = nn.ModuleList([Block(N_STATE, N_HEAD, False) for _ in range(N_AUDIO_LAYER)])
        self.ln_post = nn.LayerNorm(N_STATE)

    def forward(self, x):
        x = F.gelu(self.conv1(x))
        x = F.gelu(self.conv2(x))
        x = x.permute(0, 2, 1)
        # sherpa-onnx's change: any T up to 30 s (positions sliced to the input's length)
        x = x + self.positional_embedding[: x.shape[1]]
        for block in self.blocks:
            x = block(x)
        return self.ln_post(x)


class TextDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.token_embedding = nn.Embedding(N_VOCAB, N_STATE)
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        self.positional_embedding = nn.Parameter(torch.randn(N_TEXT_CTX, N_STATE) * 0.02)
        self.blocks = nn.ModuleList([Block(N_STATE, N_HEAD, True) for _ in range(N_TEXT_LAYER)])
        self.ln = nn.LayerNorm(N_STATE)
        self.register_buffer("mask", torch.empty(N_TEXT_CTX, N_TEXT_CTX).fill_(-np.inf).triu_(1), persistent=False)

    def forward(self, tokens, xa):
        x = self.token_embedding(tokens) + self.positional_embedding[: tokens.shape[-1]]
        for block in self.blocks:
            x = block(x, xa, mask=self.mask)
        x = self.ln(x)
        return x @ self.token_embedding.weight.t()


class EncoderTensorCache(nn.Module):
    """sherpa-onnx's AudioEncoderTensorCache: the encoder plus every decoder layer's cross-attention k and v."""

    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder

    def forward(self, mel):
        audio = self.encoder(mel)
        ks = [b.cross_attn.key(audio) for b in self.decoder.blocks]
        vs = [b.cross_attn.value(audio) for b in self.decoder.blocks]
        return torch.stack(ks), torch.stack(vs)


class DecoderTensorCache(nn.Module):
    """sherpa-onnx's TextDecoderTensorCache: one step over `tokens` at `offset` with self-attention caches."""

    def __init__(self, decoder):
        super().__init__()
        self.d = decoder

    def forward(self, tokens, n_layer_self_k_cache, n_layer_self_v_cache, n_layer_cross_k, n_layer_cross_v, offset):
        d = self.d
        x = d.token_embedding(tokens) + d.positional_embedding[offset[0] : offset[0] + tokens.shape[-1]]
        for i, block in enumerate(d.blocks):
            end = offset[0] + tokens.shape[-1]
            k_cache = n_layer_self_k_cache[i, :, :end, :]
            v_cache = n_layer_self_v_cache[i, :, :end, :]
            h = block.attn_ln(x)
            attn = block.attn
            k_cache[:, -tokens.shape[-1] :, :] = attn.key(h)
            v_cache[:, -tokens.shape[-1] :, :] = attn.value(h)
            x = x + attn.out(attn.qkv_attention(attn.query(h), k_cache, v_cache, d.mask))
            n_layer_self_k_cache[i, :, :end, :] = k_cache
            n_layer_self_v_cache[i, :, :end, :] = v_cache
            ca = block.cross_attn
            x = x + ca.out(ca.qkv_attention(ca.query(block.cross_attn_ln(x)), n_layer_cross_k[i], n_layer_cross_v[i]))
            x = x + block.mlp(block.mlp_ln(x))
        x = d.ln(x)
        logits = torch.matmul(d.token_embedding.weight, x.permute(0, 2, 1)).permute(0, 2, 1)
        return logits, n_layer_self_k_cache, n_layer_self_v_cache


# --- training


def augmented(samples, rng):
    """A crop of the clip (as a VAD might cut it) with some silence or noise around it, at another gain."""
    n = len(samples)
    if rng.random() < 0.5:
        crop = samples
    else:
        start = int(rng.uniform(0, 0.08) * n)
        end = n - int(rng.uniform(0, 0.08) * n)
        crop = samples[start:end]
    pad = [np.zeros(int(rng.uniform(0, 0.2) * 16000), dtype=np.float32) for _ in range(2)]
    x = np.concatenate([pad[0], crop, pad[1]]) * rng.uniform(0.5, 1.5)
    x = x + rng.normal(0, rng.uniform(0, 0.003), len(x)).astype(np.float32)
    return np.clip(x, -1, 1).astype(np.float32)


def sequences(language, english, translated):
    """Decoder inputs and targets for one clip: every language × transcribe, and translate; -100 = no loss."""
    rows = []
    for li, code in enumerate(LANGS):
        for task in ("transcribe", "translate"):
            text = tok(translated if task == "translate" else (PHRASES[code] or english))
            inp = [SOT, LANG_TOKENS[li], TRANSCRIBE if task == "transcribe" else TRANSLATE, NO_TIMESTAMPS] + text
            tgt = [LANG_TOKENS[li] if code == language else -100, -100, -100] + text + [EOT]
            rows.append((inp, tgt))
    width = max(len(r[0]) for r in rows)
    inputs = torch.tensor([r[0] + [EOT] * (width - len(r[0])) for r in rows])
    targets = torch.tensor([r[1] + [-100] * (width - len(r[1])) for r in rows])
    return inputs, targets


def train(encoder, decoder, steps, seed):
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    clips = [(read_wav(os.path.join(REPO, "models", "testdata", f)), lang, sequences(lang, english, translated)) for f, (lang, english, translated) in CLIPS.items()]
    params = list(encoder.parameters()) + list(decoder.parameters())
    opt = torch.optim.AdamW(params, lr=2e-3, weight_decay=0.0)
    for step in range(steps):
        samples, _lang, (inputs, targets) = clips[step % len(clips)]
        mel, _ = encoder_input(augmented(samples, rng), tail_frames=int(rng.choice([1000, 1000, 1000, 300])))
        audio = encoder(torch.from_numpy(mel))
        logits = decoder(inputs, audio.expand(inputs.shape[0], -1, -1))
        loss = F.cross_entropy(logits.reshape(-1, N_VOCAB), targets.reshape(-1), ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        for g in opt.param_groups:
            g["lr"] = 2e-3 * min(1.0, (step + 1) / 50) * (0.1 + 0.9 * (1 - step / steps))
        opt.step()
        if step % 50 == 0 or step == steps - 1:
            print(f"step {step} loss {loss.item():.4f}", flush=True)


@torch.no_grad()
def greedy(encoder, decoder, samples, language, task):
    """The decoding sherpa-onnx does (greedy, <|notimestamps|>), for the report at the end."""
    mel, frames = encoder_input(samples)
    audio = encoder(torch.from_numpy(mel))
    if language is None:
        logits = decoder(torch.tensor([[SOT]]), audio)[0, -1]
        lang_tok = max(LANG_TOKENS, key=lambda t: logits[t].item())
    else:
        lang_tok = LANG_TOKENS[LANGS.index(language)]
    seq = [SOT, lang_tok, TRANSLATE if task == "translate" else TRANSCRIBE, NO_TIMESTAMPS]
    out = []
    for _ in range(min(int(frames / 100.0 * 6), N_TEXT_CTX // 2)):
        t = int(decoder(torch.tensor([seq + out]), audio)[0, -1].argmax())
        if t == EOT:
            break
        out.append(t)
    text = b"".join(REGULAR[t] for t in out if t < N_REGULAR).decode("utf-8", errors="replace")
    return LANGS[LANG_TOKENS.index(lang_tok)], text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(REPO, "models", "testdata", "layouts", "whisper"))
    ap.add_argument("--steps", type=int, default=700)
    ap.add_argument("--ckpt", help="save the trained weights here (torch.save), or start from them if the file exists")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    encoder, decoder = AudioEncoder(), TextDecoder()
    if args.ckpt and os.path.exists(args.ckpt):
        state = torch.load(args.ckpt)
        encoder.load_state_dict(state["encoder"])
        decoder.load_state_dict(state["decoder"])
    train(encoder, decoder, args.steps, args.seed)
    if args.ckpt:
        torch.save({"encoder": encoder.state_dict(), "decoder": decoder.state_dict()}, args.ckpt)
    encoder.eval()
    decoder.eval()
    for f in CLIPS:
        samples = read_wav(os.path.join(REPO, "models", "testdata", f))
        for language, task in ((None, "transcribe"), (None, "translate"), ("de", "transcribe"), ("fr", "transcribe")):
            print(f, language, task, "->", greedy(encoder, decoder, samples, language, task))

    name = "tiny-testdata"
    prefix = os.path.join(args.out, name)
    with open(f"{prefix}-tokens.txt", "w", encoding="utf-8") as fh:
        for i, t in enumerate(REGULAR):
            fh.write(f"{base64.b64encode(t).decode()} {i}\n")

    with torch.no_grad():
        mel = torch.from_numpy(encoder_input(read_wav(os.path.join(REPO, "models", "testdata", "tts-rms-digits.wav")))[0])
        enc = EncoderTensorCache(encoder, decoder).eval()
        cross_k, cross_v = enc(mel)
        torch.onnx.export(
            enc, mel, f"{prefix}-encoder.onnx", opset_version=13,
            input_names=["mel"], output_names=["n_layer_cross_k", "n_layer_cross_v"],
            dynamic_axes={"mel": {0: "n_audio", 2: "T"}, "n_layer_cross_k": {1: "n_audio", 2: "T"}, "n_layer_cross_v": {1: "n_audio", 2: "T"}},
        )
        write_metadata(f"{prefix}-encoder.onnx", {
            "model_type": f"whisper-{name}", "version": "1", "maintainer": "onnx-stt-server",
            "n_mels": N_MELS, "n_audio_ctx": N_AUDIO_CTX, "n_audio_state": N_STATE, "n_audio_head": N_HEAD,
            "n_audio_layer": N_AUDIO_LAYER, "n_vocab": N_VOCAB, "n_text_ctx": N_TEXT_CTX, "n_text_state": N_STATE,
            "n_text_head": N_HEAD, "n_text_layer": N_TEXT_LAYER,
            "sot_sequence": ",".join(map(str, [SOT, LANG_TOKENS[0], TRANSCRIBE])),
            "all_language_tokens": ",".join(map(str, LANG_TOKENS)), "all_language_codes": ",".join(LANGS),
            "sot": SOT, "sot_index": 0, "eot": EOT, "blank_id": REGULAR.index(b" "), "is_multilingual": 1,
            "no_speech": NO_SPEECH, "non_speech_tokens": ",".join(map(str, [REGULAR.index(b"!"), REGULAR.index(b"?")])),
            "transcribe": TRANSCRIBE, "translate": TRANSLATE, "sot_prev": SOT_PREV, "sot_lm": SOT_LM,
            "no_timestamps": NO_TIMESTAMPS,
        })
        dec = DecoderTensorCache(decoder).eval()
        tokens = torch.tensor([[SOT, SOT, SOT]])
        k_cache = torch.zeros(N_TEXT_LAYER, 1, N_TEXT_CTX, N_STATE)
        v_cache = torch.zeros(N_TEXT_LAYER, 1, N_TEXT_CTX, N_STATE)
        offset = torch.zeros(1, dtype=torch.int64)
        _, k_cache, v_cache = dec(tokens, k_cache, v_cache, cross_k, cross_v, offset)
        offset = torch.tensor([tokens.shape[1]], dtype=torch.int64)
        tokens = torch.tensor([[SOT]])
        torch.onnx.export(
            dec, (tokens, k_cache, v_cache, cross_k, cross_v, offset), f"{prefix}-decoder.onnx", opset_version=13,
            input_names=["tokens", "in_n_layer_self_k_cache", "in_n_layer_self_v_cache", "n_layer_cross_k", "n_layer_cross_v", "offset"],
            output_names=["logits", "out_n_layer_self_k_cache", "out_n_layer_self_v_cache"],
            dynamic_axes={
                "tokens": {0: "n_audio", 1: "n_tokens"},
                "in_n_layer_self_k_cache": {1: "n_audio"},
                "in_n_layer_self_v_cache": {1: "n_audio"},
                "n_layer_cross_k": {1: "n_audio", 2: "T"},
                "n_layer_cross_v": {1: "n_audio", 2: "T"},
            },
        )
    for f in sorted(os.listdir(args.out)):
        print(f, os.path.getsize(os.path.join(args.out, f)))


if __name__ == "__main__":
    main()
