#!/usr/bin/env python3
"""Fine-tune a model on real and synthetic speech with a budget in steps (mix.py, augment_real.py).

    nice -n 19 python3 scripts/model/train_real.py --kind ctc --blocks 16 \
        --init-onnx models/nemo-ctc-en-conv-small --steps 8000 --threads 2

The run is a function of its arguments: the initial weights of layers --init-onnx does not fill (seeded by
--seed), the batches of every epoch, the augmentation of every step (seeded by the step number) and the learning
rate (warm-up over --warm-steps, constant --peak-lr, linear decay to 5% over the last --anneal-steps) depend on
the step only, never on the clock, so the same command gives the same model on
a slower machine and a resumed run continues exactly. Resumes from --ckpt-dir/last.pt
(written every --ckpt-every minutes and at the end); logs to --ckpt-dir/log.txt. --minutes is only a
safety cap (stop early, resumable).

With --anneal-steps shorter than --steps the learning rate is constant until the anneal, so the budget can be
changed while the run is in its constant phase: resuming with another --steps (same --anneal-steps) gives exactly
what a fresh run with that --steps gives."""
import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
import torchaudio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import augment_real as AR  # noqa: E402
import data as D  # noqa: E402
import mix as MX  # noqa: E402
import modeldefs as M  # noqa: E402
from metrics import cer_wer  # noqa: E402
from onnx_init import freeze_batchnorm, load_from_onnx  # noqa: E402
from train import build, compute_feats, evaluate, spec_augment  # noqa: E402
from word_pieces import train_word_pieces  # noqa: E402


def make_batch(kind, batch, tokens, r, twins, p_codec, noise_pool, p_pad=0.0):
    waves, texts = [], []
    for item, real in batch:
        if callable(item):
            a, t = item()
        else:
            s, i = item
            if real and id(s) in twins and r.random() < p_codec:
                # one twin: no draw (stages before 13 drew exactly these random numbers)
                coded = twins[id(s)]
                s = coded[0] if len(coded) == 1 else r.choice(coded)
            a, t = s.get(i)
        a = AR.augment_real(a, r, noise_pool, p_pad=p_pad) if real else D.augment(a, r, noise_pool)
        waves.append(a)
        texts.append(t)
    lens = [len(a) for a in waves]
    W = torch.zeros(len(waves), max(lens))
    for i, a in enumerate(waves):
        W[i, :len(a)] = torch.from_numpy(a)
    with torch.no_grad():
        f, fl = compute_feats(kind, W, lens)
        f = spec_augment(f, fl, r)
    return f, fl, [M.text_to_ids(t, tokens) for t in texts]


def loss_of(kind, model, f, fl, ys, ctc_loss, detach_aux=False):
    ylens = torch.tensor([len(y) for y in ys])
    yflat = torch.tensor([t for y in ys for t in y], dtype=torch.long)
    if kind == "ctc":
        logp, ol = model(f.transpose(1, 2), fl)
        return ctc_loss(logp.transpose(0, 1), yflat, ol, ylens)
    enc, ol, h = model.encode(f, fl)
    U = int(ylens.max())
    ypad = torch.zeros(len(ys), U, dtype=torch.long)
    for i, y in enumerate(ys):
        ypad[i, :len(y)] = torch.tensor(y)
    dec = model.decoder(torch.cat([torch.zeros(len(ys), model.context_size, dtype=torch.long), ypad], 1))
    logits = model.joiner(enc[:, :, None, :], dec[:, None, :, :])
    ol = torch.minimum(ol, torch.tensor(enc.shape[1]))
    loss = torchaudio.functional.rnnt_loss(logits, ypad.int(), ol.int(), ylens.int(), blank=0, reduction="mean",
                                           clamp=-1)
    loss = loss / max(1.0, float(ylens.float().mean())) * 10
    if detach_aux:  # the auxiliary CTC head is not exported: from ONNX it starts random, so it first learns alone
        h = h.detach()
    aux = ctc_loss(F.log_softmax(model.ctc_head(h), dim=1).permute(2, 0, 1), yflat, ol, ylens)
    return loss + 0.3 * aux


def lr_at(step, a, start):
    k = step - start
    lr = a.peak_lr * min(1.0, k / a.warm_steps)
    left = a.steps - k
    if left < a.anneal_steps:
        lr *= max(0.05, left / a.anneal_steps)
    return lr


def dev_sets(n):
    sets = {"tts_dev": D.load_set("dev-*.npz")[:n]}
    for name, items in MX.load_real("dev").items():
        sets[name] = items[:n]
    sets["fsdd_test"] = D.load_set("fsdd_test.npz")[:n]
    return sets


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", choices=["ctc", "rnnt"], required=True)
    ap.add_argument("--steps", type=int, required=True, help="steps in this run (after the initial model's)")
    ap.add_argument("--anneal-steps", type=int, default=0, help="linear decay to 5%% over the last N (0 = all)")
    ap.add_argument("--warm-steps", type=int, default=300)
    ap.add_argument("--peak-lr", type=float, default=5e-4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dim", type=int, default=192)
    ap.add_argument("--blocks", type=int, default=16)
    ap.add_argument("--kernel", type=int, default=15)
    ap.add_argument("--expand", type=int, default=2,
                    help="each block's feed-forward width, in multiples of --dim; a --init-onnx model with a narrower "
                         "one grows (onnx_init: the new units start silent, so training starts at its output)")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--real-frac", type=float, default=0.5, help="share of every batch that is real speech")
    ap.add_argument("--p-pad", type=float, default=0.0,
                    help="chance a real clip gets a quiet lead-in and tail (augment_real.pad_silence; stage 11 on)")
    ap.add_argument("--p-codec", type=float, default=0.15, help="chance a real clip is one of its codec versions")
    ap.add_argument("--codecs", default="opus6k",
                    help="codec versions of the real clips (real_data.CODECS: opus6k, mp3-16k), one picked per use")
    ap.add_argument("--fsdd-weight", type=float, default=0.5)
    ap.add_argument("--fsdd-strings", type=int, default=500)
    ap.add_argument("--synth", default="train*-*.npz", help="synthetic shards (glob under data/)")
    ap.add_argument("--max-utt-sec", type=float, default=12.0, help="skip longer synthetic utterances")
    ap.add_argument("--word-pieces", type=int, default=0,
                    help="BPE word pieces of this vocabulary size instead of characters, learnt from the training "
                         "transcripts (word_pieces.py; kept in --ckpt-dir); the layers that see tokens (CTC: the "
                         "output layer; transducer: the decoder's embedding, the joiner's output, the auxiliary CTC "
                         "head) start afresh and learn alone (encoder frozen) during the --warm-steps")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--init-onnx", default="", help="model folder to start from when there is no last.pt")
    ap.add_argument("--eval-every", type=int, default=1000, help="steps")
    ap.add_argument("--eval-n", type=int, default=150, help="clips per dev set")
    ap.add_argument("--ckpt-every", type=float, default=4.0, help="minutes (saving only; no effect on the result)")
    ap.add_argument("--ckpt-dir", default="", help="checkpoints and log (default $STT_MODEL_WORKDIR/ckpt/<kind>)")
    ap.add_argument("--minutes", type=float, default=0, help="safety cap: stop (resumably) after N minutes")
    a = ap.parse_args()
    a.anneal_steps = a.anneal_steps or a.steps
    torch.set_num_threads(a.threads)
    kind = a.kind
    cdir = a.ckpt_dir or os.path.join(D.WORK, "ckpt", kind)
    os.makedirs(cdir, exist_ok=True)
    logf = open(os.path.join(cdir, "log.txt"), "a")

    def log(*x):
        s = time.strftime("%H:%M:%S ") + " ".join(str(v) for v in x)
        print(s, flush=True)
        logf.write(s + "\n")
        logf.flush()

    pieces = None
    if a.word_pieces:
        texts = [s.texts[i] for s, i in D.load_set(a.synth) + D.load_set("fsdd_train.npz")]
        texts += [s.texts[i] for items in MX.load_real("train").values() for s, i in items]
        pieces = train_word_pieces(texts, a.word_pieces, os.path.join(cdir, f"word-pieces-{a.word_pieces}.model"),
                                   kind)
    # parameters the init does not load (a new output layer, grown blocks' inner weights, the transducer's
    # auxiliary CTC head) start from torch's generator: seeded, so they are the same on every run
    torch.manual_seed(a.seed)
    model, tokens = build(kind, argparse.Namespace(**vars(a), tokens=pieces))
    opt = torch.optim.AdamW(model.parameters(), lr=a.peak_lr, weight_decay=1e-3)
    last = os.path.join(cdir, "last.pt")
    if os.path.exists(last):
        ck = torch.load(last, map_location="cpu")
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        state = ck["state"]
        log("resumed", state)
    else:
        start = load_from_onnx(kind, model, a.init_onnx) if a.init_onnx else 0
        state = {"step": start, "start": start, "epoch": 0, "pos": 0, "freeze_bn": bool(a.init_onnx),
                 "best": 1e9, "init": a.init_onnx}
        if pieces is not None and a.init_onnx:
            with open(os.path.join(a.init_onnx, "tokens.txt"), encoding="utf-8") as fh:
                state["fresh_head"] = sum(1 for line in fh if line.strip()) != len(tokens)
        log("init from", a.init_onnx or "scratch", "at step", start)
    if state.get("freeze_bn"):
        freeze_batchnorm(model)
    log("params", sum(p.numel() for p in model.parameters()), json.dumps(vars(a)))

    synth = [(s, i) for s, i in D.load_set(a.synth) if s.lens[i] <= a.max_utt_sec * 16000]
    real = MX.load_real("train")
    mixer = MX.Mix(synth, real, D.load_set("fsdd_train.npz"), a.fsdd_weight, a.fsdd_strings, a.batch_size,
                   a.real_frac, a.seed)
    twins = MX.codec_twins(tuple(a.codecs.split(",")))
    devs = dev_sets(a.eval_n)
    log("synthetic", len(synth), "real train", {k: len(v) for k, v in real.items()}, "codec twins", len(twins),
        "dev", {k: len(v) for k, v in devs.items()})
    ctc_loss = torch.nn.CTCLoss(blank=len(tokens) - 1 if kind == "ctc" else 0, zero_infinity=True)
    end = state["start"] + a.steps
    t0 = t_ck = time.time()
    k0 = state["step"] - state["start"]
    plan = mixer.epoch(state["epoch"])
    log("epoch", state["epoch"], "batches", len(plan), "real share", round(mixer.kr / a.batch_size, 3))

    def noise_pool():
        s, i = synth[nz_r.randrange(len(synth))]
        return s.get(i)[0]

    while state["step"] < end:
        if state["pos"] >= len(plan):
            state["epoch"] += 1
            state["pos"] = 0
            plan = mixer.epoch(state["epoch"])
            log("epoch", state["epoch"], "batches", len(plan))
        step = state["step"] + 1
        r = random.Random(a.seed * 1000003 + step)
        nz_r = random.Random(step)
        torch.manual_seed(a.seed * 1000003 + step)
        f, fl, ys = make_batch(kind, plan[state["pos"]], tokens, r, twins, a.p_codec, noise_pool, a.p_pad)
        lr = lr_at(step, a, state["start"])
        for g in opt.param_groups:
            g["lr"] = lr
        loss = loss_of(kind, model, f, fl, ys, ctc_loss, bool(state["init"]) and step - state["start"] <= a.warm_steps)
        opt.zero_grad()
        loss.backward()
        if state.get("fresh_head") and step - state["start"] <= a.warm_steps:
            # new token layers first learn alone (as loss_of's aux head); the transducer's enc_proj is encoder side
            for prm in [*model.encoder.parameters(), *(model.enc_proj.parameters() if kind == "rnnt" else [])]:
                prm.grad = None
        gn = torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        if torch.isfinite(gn):
            opt.step()
        state["step"] = step
        state["pos"] += 1
        k = step - state["start"]
        if k % 50 == 0:
            log(f"step {step} ({k}/{a.steps}) loss {loss.item():.3f} lr {lr:.2e} gn {float(gn):.1f} T {f.shape[1]} "
                f"{(time.time() - t0) / max(1, k - k0):.2f} s/step")
        done = step >= end
        capped = a.minutes and time.time() - t0 > a.minutes * 60
        if k % a.eval_every == 0 or done:
            res = {}
            for name, its in devs.items():
                (cer, wer), _ = evaluate(kind, model, its, tokens, len(its))
                res[name] = (round(cer * 100, 2), round(wer * 100, 2))
            pooled = float(np.mean([v[1] for v in res.values()]))
            log("EVAL step", step, json.dumps(res), "mean dev WER", round(pooled, 2))
            if pooled < state["best"]:
                state["best"] = pooled
                torch.save({"model": model.state_dict(), "state": state, "args": vars(a), "tokens": list(tokens)},
                           os.path.join(cdir, "best.pt"))
        if time.time() - t_ck > a.ckpt_every * 60 or done or capped:
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "state": state, "args": vars(a),
                        "tokens": list(tokens)},
                       last + ".tmp")
            os.replace(last + ".tmp", last)
            t_ck = time.time()
        if done or capped:
            log("done" if done else "stopped by --minutes (resume with the same command)")
            return


if __name__ == "__main__":
    main()
