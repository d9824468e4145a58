"""The "natural" TTS voices from Debian's contrib/non-free sections that a model we ship may be trained on:
SVOX Pico, RHVoice (CMU ARCTIC voices) and MBROLA (through espeak-ng). gen_data.py renders them with
--natural-renders / --natural-test into shards natural-train-*.npz / natural-test-*.npz.

Only the voices whose copyright files were reviewed and allow it are here (decision and deciding clauses:
models/README.md, "TTS voices, license decision"). RHVoice's evgeniy-eng and lyubov (in the same package
rhvoice-english) are CC BY-NC-ND 4.0 and are refused, never rendered.

Voice names are "<engine>:<voice>" as in gen_data.py. Speed and pitch are varied per utterance like the
espeak-ng / flite voices; the sox augmentation of gen_data.py applies on top.
"""
import os
import shutil
import subprocess

# Training voices. RHVoice's bdl, slt and clb carry the names of CMU ARCTIC speakers; flite's and Festival's slt
# voices are already in train0, so rhvoice:slt may well be a speaker the model has heard.
NATURAL_TRAIN = ["pico:en-US", "rhvoice:alan", "rhvoice:bdl", "rhvoice:slt", "mbrola:us1", "mbrola:us2",
                 "mbrola:en1"]
# Held-out voices: one per engine, never trained on (a speaker no training voice has).
NATURAL_TEST = ["pico:en-GB", "rhvoice:clb", "mbrola:us3"]
# Installed with the allowed ones but not allowed: CC BY-NC-ND 4.0 (non-commercial, no derivatives).
REFUSED = {"rhvoice:evgeniy-eng": "CC-BY-NC-ND-4.0", "rhvoice:lyubov": "CC-BY-NC-ND-4.0"}

# The Debian packages (bookworm) and versions whose copyright files were reviewed.
PACKAGES = {
    "pico": {"libttspico-utils": "1.0+git20130326-13", "libttspico-data": "1.0+git20130326-13"},
    "rhvoice": {"rhvoice": "1.8.0+dfsg-3", "rhvoice-english": "1.8.0+dfsg-3"},
    "mbrola": {"mbrola": "3.3+dfsg-9", "mbrola-us1": "0.3+repack2-5", "mbrola-us2": "0.1+repack2-5",
               "mbrola-us3": "0.1+repack2-4", "mbrola-en1": "19980910+repack2-5"},
}
ENGINES = tuple(PACKAGES)
PICO_LANG_DIR = "/usr/share/pico/lang"
RHVOICE_VOICE_DIR = "/usr/share/RHVoice/voices"
MBROLA_DIR = "/usr/share/mbrola"


def is_natural(voice):
    return voice.split(":", 1)[0] in ENGINES


def _check_allowed(voice):
    if voice in REFUSED:
        raise ValueError(f"{voice} is {REFUSED[voice]}: not allowed for training data (models/README.md)")
    if voice not in NATURAL_TRAIN and voice not in NATURAL_TEST:
        raise ValueError(f"{voice}: not a reviewed natural voice (allowed: {NATURAL_TRAIN + NATURAL_TEST})")


def missing(voices):
    """What is not installed for these voices: a list of 'engine:voice (package)' strings, empty when all are."""
    out = []
    for voice in voices:
        _check_allowed(voice)
        eng, v = voice.split(":", 1)
        if eng == "pico":
            ok = shutil.which("pico2wave") and os.path.exists(os.path.join(PICO_LANG_DIR, f"{v}_ta.bin"))
            pkg = "libttspico-utils"
        elif eng == "rhvoice":
            ok = shutil.which("RHVoice-test") and os.path.isdir(os.path.join(RHVOICE_VOICE_DIR, v))
            pkg = "rhvoice rhvoice-english"
        else:
            ok = shutil.which("espeak-ng") and shutil.which("mbrola") and os.path.exists(os.path.join(MBROLA_DIR, v, v))
            pkg = f"mbrola mbrola-{v}"
        if not ok:
            out.append(f"{voice} ({pkg})")
    return out


def version_notes(voices):
    """Packages whose installed version differs from the reviewed one (reported, not fatal)."""
    notes = []
    for eng in sorted({v.split(":", 1)[0] for v in voices}):
        for pkg, ver in PACKAGES[eng].items():
            p = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)
            have = p.stdout.strip() if p.returncode == 0 else "missing"
            if have != ver:
                notes.append(f"{pkg} {have} (reviewed: {ver})")
    return notes


def _xml_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def synth(text, voice, r, tmpdir):
    """Render `text` with a natural voice into a wav file in tmpdir; returns its path. Draws from `r` in a
    fixed order (speed, then pitch), so a job's seed fixes its audio."""
    _check_allowed(voice)
    eng, v = voice.split(":", 1)
    wav = os.path.join(tmpdir, "n.wav")
    quiet = {"check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    if eng == "pico":
        # pico2wave's markup: <speed level> and <pitch level> in percent (100 = the voice's own)
        speed = r.randint(75, 130)
        pitch = r.randint(80, 125)
        markup = f"<speed level='{speed}'><pitch level='{pitch}'>{_xml_escape(text)}</pitch></speed>"
        subprocess.run(["pico2wave", "-l", v, "-w", wav, markup], **quiet)
    elif eng == "rhvoice":
        # RHVoice-test: -r rate and -t pitch in percent (100 = the voice's own); text on stdin; 24 kHz output
        rate = r.randint(80, 130)
        pitch = r.randint(80, 125)
        subprocess.run(["RHVoice-test", "-p", v, "-r", str(rate), "-t", str(pitch), "-o", wav],
                       input=(text + "\n").encode(), check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    else:
        # MBROLA diphones driven by espeak-ng's mb-* voices: words per minute and pitch as the espeak voices
        speed = r.randint(120, 210)
        pitch = r.randint(25, 75)
        subprocess.run(["espeak-ng", "-v", f"mb-{v}", "-s", str(speed), "-p", str(pitch), "-w", wav, text], **quiet)
    return wav


def train_voice(r):
    """A training voice: the engine first (each equally likely), then one of its voices."""
    eng = r.choice(ENGINES)
    return r.choice([v for v in NATURAL_TRAIN if v.split(":", 1)[0] == eng])
