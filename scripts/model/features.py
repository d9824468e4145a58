"""Reference feature extraction for both model layouts (what sherpa-onnx / kaldi-native-fbank compute).

Public API (numpy in, numpy out):
    kaldi_fbank(wave)           -> (T, 80) float32   # offline transducer (icefall/Zipformer) layout
    nemo_logmel(wave)           -> (T, 80) float32   # NeMo CTC layout, before normalisation
    nemo_features(wave)         -> (T, 80) float32   # NeMo CTC layout, after per_feature normalisation
`wave` is float32 mono 16 kHz in [-1, 1]. The same code (torch, batched) is used for training.
See models/README.md for the written spec."""
import math

import numpy as np
import torch

SR = 16000
WIN = 400          # 25 ms
HOP = 160          # 10 ms
NFFT = 512         # window padded to the next power of two
NBINS = 80
FLT_EPS = float(np.finfo(np.float32).eps)  # 1.1920929e-07
NEMO_PAD_VALUE = -23.025850929940457       # log(1e-10): sherpa pads NeMo batches with this


def num_frames(n):
    """snip_edges=false: round(n / hop)."""
    return (n + HOP // 2) // HOP


def _frames(wave):
    """wave: (B, N) -> (B, T, WIN) frames, kaldi snip_edges=false framing with edge reflection.
    Frame t covers samples [t*HOP + HOP//2 - WIN//2, ... + WIN); index -1 -> 0, -2 -> 1, N -> N-1, N+1 -> N-2."""
    B, N = wave.shape
    T = num_frames(N)
    pad_left = WIN // 2 - HOP // 2  # 120
    total = (T - 1) * HOP + WIN
    pad_right = max(0, total - pad_left - N)
    left = torch.flip(wave[:, :pad_left], dims=[1])
    # reflect right edge (repeat if the signal is shorter than the padding)
    right_parts = []
    need = pad_right
    rev = torch.flip(wave, dims=[1])
    while need > 0:
        right_parts.append(rev[:, :need])
        need -= right_parts[-1].shape[1]
        rev = torch.flip(rev, dims=[1])
    x = torch.cat([left, wave] + right_parts, dim=1)
    return x.unfold(1, WIN, HOP)[:, :T]


def _window(kind, dtype):
    n = torch.arange(WIN, dtype=torch.float64)
    if kind == "povey":
        w = (0.5 - 0.5 * torch.cos(2 * math.pi * n / (WIN - 1))) ** 0.85
    elif kind == "hann":  # periodic
        w = 0.5 - 0.5 * torch.cos(2 * math.pi * n / WIN)
    else:
        raise ValueError(kind)
    return w.to(dtype)


def _mel_kaldi(m):
    return 1127.0 * np.log(1.0 + m / 700.0)


def kaldi_mel_banks(low_freq=20.0, high_freq=-400.0):
    """(NBINS, NFFT//2 + 1) Kaldi triangular filters on the mel (1127 ln(1+f/700)) scale; Nyquist column is 0."""
    nyq = SR / 2
    hi = high_freq if high_freq > 0 else nyq + high_freq
    ml, mh = _mel_kaldi(low_freq), _mel_kaldi(hi)
    delta = (mh - ml) / (NBINS + 1)
    fb = np.zeros((NBINS, NFFT // 2 + 1), dtype=np.float64)
    mel = _mel_kaldi(np.arange(NFFT // 2) * SR / NFFT)
    for b in range(NBINS):
        l, c, r = ml + b * delta, ml + (b + 1) * delta, ml + (b + 2) * delta
        up = (mel - l) / (c - l)
        down = (r - mel) / (r - c)
        w = np.where(mel <= c, up, down)
        w[(mel <= l) | (mel >= r)] = 0.0
        fb[b, :NFFT // 2] = w
    return fb


def _mel_slaney(f):
    f = np.asarray(f, dtype=np.float64)
    f_sp = 200.0 / 3
    min_log_hz, min_log_mel, logstep = 1000.0, 1000.0 / (200.0 / 3), math.log(6.4) / 27.0
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, f / f_sp)


def _imel_slaney(m):
    m = np.asarray(m, dtype=np.float64)
    f_sp = 200.0 / 3
    min_log_hz, min_log_mel, logstep = 1000.0, 1000.0 / (200.0 / 3), math.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), m * f_sp)


def librosa_mel_banks(low_freq=0.0, high_freq=0.0):
    """(NBINS, NFFT//2 + 1) librosa-style filters: Slaney mel scale, triangles in Hz, Slaney area norm."""
    nyq = SR / 2
    hi = high_freq if high_freq > 0 else nyq + high_freq
    ml, mh = _mel_slaney(low_freq), _mel_slaney(hi)
    delta = (mh - ml) / (NBINS + 1)
    hz = np.arange(NFFT // 2 + 1) * SR / NFFT
    fb = np.zeros((NBINS, NFFT // 2 + 1), dtype=np.float64)
    for b in range(NBINS):
        l, c, r = (_imel_slaney(ml + k * delta) for k in (b, b + 1, b + 2))
        w = np.where(hz <= c, (hz - l) / (c - l), (r - hz) / (r - c))
        w[(hz <= l) | (hz >= r)] = 0.0
        fb[b] = w * (2.0 / (r - l))
    return fb


_CACHE = {}


def _const(name, dtype):
    key = (name, dtype)
    if key not in _CACHE:
        if name == "kaldi_fb":
            _CACHE[key] = torch.from_numpy(kaldi_mel_banks()).to(dtype)
        elif name == "librosa_fb":
            _CACHE[key] = torch.from_numpy(librosa_mel_banks()).to(dtype)
        else:
            _CACHE[key] = _window(name, dtype)
    return _CACHE[key]


def _logmel(wave, window, remove_dc, fb_name):
    """wave: (B, N) tensor in [-1, 1] -> (B, T, 80) log mel energies."""
    dtype = wave.dtype
    fr = _frames(wave)
    if remove_dc:
        fr = fr - fr.mean(dim=-1, keepdim=True)
    prev = torch.cat([fr[..., :1], fr[..., :-1]], dim=-1)
    fr = fr - 0.97 * prev
    fr = fr * _const(window, dtype)
    spec = torch.fft.rfft(fr, n=NFFT)
    power = spec.real ** 2 + spec.imag ** 2
    mel = power @ _const(fb_name, dtype).T
    return torch.log(torch.clamp(mel, min=FLT_EPS))


def kaldi_fbank_torch(wave):
    return _logmel(wave, "povey", True, "kaldi_fb")


def nemo_logmel_torch(wave):
    return _logmel(wave, "hann", False, "librosa_fb")


def per_feature_normalize_torch(feats, lengths=None):
    """feats (B, T, 80): per utterance and mel bin, (x - mean) / (sqrt(population var) + 1e-5) over valid frames."""
    if lengths is None:
        mean = feats.mean(dim=1, keepdim=True)
        var = ((feats - mean) ** 2).mean(dim=1, keepdim=True)
        return (feats - mean) / (torch.sqrt(var) + 1e-5)
    B, T, _ = feats.shape
    mask = (torch.arange(T)[None, :] < lengths[:, None]).to(feats.dtype).unsqueeze(-1)
    n = lengths.to(feats.dtype).view(B, 1, 1)
    mean = (feats * mask).sum(1, keepdim=True) / n
    var = (((feats - mean) ** 2) * mask).sum(1, keepdim=True) / n
    out = (feats - mean) / (torch.sqrt(var) + 1e-5)
    return out * mask + NEMO_PAD_VALUE * (1 - mask)


def _np(fn, wave, dtype=torch.float64):
    w = torch.from_numpy(np.asarray(wave, dtype=np.float32)).to(dtype)[None]
    return fn(w)[0].float().numpy()


def kaldi_fbank(wave):
    return _np(kaldi_fbank_torch, wave)


def nemo_logmel(wave):
    return _np(nemo_logmel_torch, wave)


def nemo_features(wave):
    return _np(lambda w: per_feature_normalize_torch(nemo_logmel_torch(w)), wave)
