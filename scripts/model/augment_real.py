"""On-the-fly augmentation for real recorded speech (numpy only, ~ms per clip): speed perturbation, synthetic
reverberation, telephone band-limiting, 8 kHz mu-law, plus data.augment's noise and gain. The low-bitrate codec
variant is pre-rendered by real_data.py (`<set>.train-opus6k.npz`) and swapped in by the training mix.

All randomness comes from the `random.Random` passed in, so a training step's augmentation is a function of
its seed (train.py seeds one per step)."""
import numpy as np

import data as D

SR = 16000


def speed(wave, factor):
    """Kaldi-style speed perturbation: resample by `factor` (tempo and pitch change together)."""
    n = int(len(wave) / factor)
    if n < 2:
        return wave
    x = np.linspace(0, len(wave) - 1, n, dtype=np.float64)
    return np.interp(x, np.arange(len(wave)), wave).astype(np.float32)


def _fft_filter(wave, lo_hz, hi_hz, width_hz=100.0):
    """Band-pass by a smooth (raised-cosine edged) mask in the frequency domain."""
    n = len(wave)
    f = np.fft.rfft(wave)
    hz = np.fft.rfftfreq(n, 1.0 / SR)
    m = np.clip((hz - (lo_hz - width_hz)) / width_hz, 0, 1) * np.clip(((hi_hz + width_hz) - hz) / width_hz, 0, 1)
    m = 0.5 - 0.5 * np.cos(np.pi * m)
    return np.fft.irfft(f * m, n).astype(np.float32)


def synthetic_rir(r, rt60):
    """Exponentially decaying noise tail (decays 60 dB in rt60 s) after a direct path and a few early reflections."""
    n = int(SR * rt60)
    t = np.arange(n) / SR
    rng = np.random.default_rng(r.randrange(1 << 30))
    h = rng.standard_normal(n).astype(np.float32) * np.exp(-6.9 * t / rt60).astype(np.float32)
    pre = int(SR * r.uniform(0.002, 0.02))
    h[:pre] = 0.0
    h *= r.uniform(0.1, 0.5) / (np.sqrt(np.sum(h ** 2)) + 1e-9)
    h[0] = 1.0
    for _ in range(r.randint(0, 3)):
        h[r.randint(pre // 2 + 1, max(pre, 2))] += r.uniform(0.2, 0.6) * r.choice([-1, 1])
    return h


def reverb(wave, r):
    h = synthetic_rir(r, r.uniform(0.15, 0.7))
    n = len(wave) + len(h) - 1
    size = 1 << (n - 1).bit_length()
    y = np.fft.irfft(np.fft.rfft(wave, size) * np.fft.rfft(h, size), size)[:len(wave)]
    return (y * np.sqrt(np.sum(wave ** 2) / (np.sum(y ** 2) + 1e-9))).astype(np.float32)


def telephone(wave, r):
    """Narrow-band phone channel: 200-400 Hz .. 3-3.6 kHz, optionally 8 kHz G.711 mu-law quantisation."""
    y = _fft_filter(wave, r.uniform(200, 400), r.uniform(3000, 3600))
    if r.random() < 0.6:
        peak = np.abs(y).max() + 1e-9
        x = y / peak
        mu = 255.0
        q = np.round((np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)) * 127) / 127
        y = (np.sign(q) * ((1 + mu) ** np.abs(q) - 1) / mu * peak).astype(np.float32)
        y = _fft_filter(y, 50, 3800)  # the 8 kHz resampling filter after quantisation
    return y.astype(np.float32)


def pad_silence(wave, r, max_lead_sec=0.3, max_tail_sec=0.6):
    """Quiet lead-in and tail (dither level, before the noise): clips cut tight around the word (Speech Commands)
    then look like what the service's files and VAD segments give the model, a word followed by a pause."""
    lead = np.full(int(SR * r.uniform(0, max_lead_sec)), 0.0, np.float32)
    tail = np.full(int(SR * r.uniform(0.1, max_tail_sec)), 0.0, np.float32)
    y = np.concatenate([lead, wave, tail])
    rng = np.random.default_rng(r.randrange(1 << 30))
    return (y + rng.standard_normal(len(y)).astype(np.float32) * 1e-4).astype(np.float32)


def augment_real(wave, r, noise_pool=None, p_speed=0.5, p_reverb=0.25, p_phone=0.12, p_pad=0.0):
    # p_pad > 0 only from stage 11: earlier stages draw exactly the random numbers they drew when they were trained
    if p_pad > 0 and r.random() < p_pad:
        wave = pad_silence(wave, r)
    if r.random() < p_speed:
        wave = speed(wave, r.choice([0.9, 0.95, 1.05, 1.1]))
    if r.random() < p_reverb:
        wave = reverb(wave, r)
    if r.random() < p_phone:
        wave = telephone(wave, r)
    return D.augment(wave, r, noise_pool)
