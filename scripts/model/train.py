#!/usr/bin/env python3
"""Train the CTC (NeMo layout) or transducer (icefall layout) model.

    nice -n 10 python3 scripts/model/train.py --kind ctc  --minutes 60
    nice -n 10 python3 scripts/model/train.py --kind rnnt --minutes 60
Resumes from $STT_MODEL_WORKDIR/ckpt/<kind>/last.pt when present. Logs to .../ckpt/<kind>/log.txt."""
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
import data as D  # noqa: E402
import features as FE  # noqa: E402
import modeldefs as M  # noqa: E402
from onnx_init import freeze_batchnorm, load_from_onnx, load_grown  # noqa: E402
from metrics import cer_wer  # noqa: E402


def compute_feats(kind, waves, lens):
    """waves (B, N) float32 [-1,1] zero-padded; returns (B, T, 80) features, frame lengths."""
    flens = torch.tensor([FE.num_frames(int(n)) for n in lens])
    if kind == "ctc":
        f = FE.nemo_logmel_torch(waves)
        f = FE.per_feature_normalize_torch(f, flens)
    else:
        f = FE.kaldi_fbank_torch(waves)
    return f, flens


def spec_augment(f, flens, r):
    B, T, C = f.shape
    f = f.clone()
    for b in range(B):
        for _ in range(2):
            w = r.randint(0, 12)
            s = r.randint(0, C - w)
            f[b, :, s:s + w] = 0.0 if f[b].mean() > -5 else f[b].mean()
        L = int(flens[b])
        for _ in range(max(1, L // 150)):
            w = r.randint(0, min(20, max(1, L // 10)))
            s = r.randint(0, max(0, L - w))
            f[b, s:s + w, :] = 0.0 if f[b].mean() > -5 else f[b].mean()
    return f


def make_batch(kind, items, tokens, r, train, noise_pool=None):
    waves, texts = [], []
    for it in items:
        if callable(it):
            a, t = it()
        else:
            a, t = it[0].get(it[1])
        if train:
            a = D.augment(a, r, noise_pool)
        waves.append(a)
        texts.append(t)
    lens = [len(a) for a in waves]
    W = torch.zeros(len(waves), max(lens))
    for i, a in enumerate(waves):
        W[i, :len(a)] = torch.from_numpy(a)
    with torch.no_grad():
        f, fl = compute_feats(kind, W, lens)
        if train:
            f = spec_augment(f, fl, r)
        if kind == "ctc":  # padding = 0 inside the model anyway
            pass
    ys = [M.text_to_ids(t, tokens) for t in texts]
    return f, fl, ys, texts


def batches(items, r, bs=16):
    """Fixed-size batches of similar length. (oneDNN convolutions on this CPU are ~8x slower per frame
    for batch sizes below 16, so every batch has exactly `bs` utterances.)"""
    idx = list(range(len(items)))
    r.shuffle(idx)
    out = []
    for c in range(0, len(idx), 2000):
        chunk = sorted(idx[c:c + 2000], key=lambda i: items[i][2])
        out += [chunk[k:k + bs] for k in range(0, len(chunk) - bs + 1, bs)]
    r.shuffle(out)
    return out


def greedy_ctc(logp, lens, blank):
    res = []
    best = logp.argmax(-1)
    for b in range(best.shape[0]):
        prev, ids = -1, []
        for t in best[b, :int(lens[b])].tolist():
            if t != prev and t != blank:
                ids.append(t)
            prev = t
        res.append(ids)
    return res


def greedy_rnnt(model, enc, lens):
    """Same algorithm as sherpa-onnx's offline greedy search: <= 1 symbol per frame, context starts as blanks."""
    res = []
    cs = model.context_size
    for b in range(enc.shape[0]):
        hyp = [0] * cs
        dec = model.decoder(torch.tensor([hyp[-cs:]]))[:, -1]
        for t in range(int(lens[b])):
            logit = model.joiner(enc[b, t][None], dec)
            y = int(logit.argmax(-1))
            if y != 0:
                hyp.append(y)
                dec = model.decoder(torch.tensor([hyp[-cs:]]))[:, -1]
        res.append(hyp[cs:])
    return res


def build(kind, args):
    expand = getattr(args, "expand", 2)  # train.py's stages: always 2
    # train_real.py --word-pieces: its WordPieces replace the characters (their own output layer size)
    if kind == "ctc":
        tokens = getattr(args, "tokens", None) or M.CTC_TOKENS
        return M.CtcModel(d=args.dim, nblocks=args.blocks, k=args.kernel, vocab=len(tokens), expand=expand), tokens
    tokens = getattr(args, "tokens", None) or M.RNNT_TOKENS
    return M.TransducerModel(d=args.dim, nblocks=args.blocks, k=args.kernel, vocab=len(tokens), expand=expand), tokens


def decode(kind, model, f, fl):
    if kind == "ctc":
        logp, ol = model(f.transpose(1, 2), fl)
        return greedy_ctc(logp, ol, logp.shape[-1] - 1)  # <blk> is last
    enc, ol, _ = model.encode(f, fl)
    return greedy_rnnt(model, enc, ol)


def evaluate(kind, model, items, tokens, max_n=400):
    model.eval()
    r = random.Random(0)
    its = items[:max_n]
    hyps, refs = [], []
    with torch.no_grad():
        for i in range(0, len(its), 16):
            f, fl, ys, texts = make_batch(kind, its[i:i + 16], tokens, r, False)
            n = len(texts)
            if n < 16:  # pad the batch (speed, see batches())
                f = torch.cat([f, f[:1].expand(16 - n, -1, -1)])
                fl = torch.cat([fl, fl[:1].expand(16 - n)])
            for ids, t in zip(decode(kind, model, f, fl)[:n], texts):
                hyps.append(M.ids_to_text(ids, tokens))
                refs.append(t)
    model.train()
    return cer_wer(refs, hyps), list(zip(refs[:3], hyps[:3]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", choices=["ctc", "rnnt"], required=True)
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--dim", type=int, default=192)
    ap.add_argument("--blocks", type=int, default=10)
    ap.add_argument("--kernel", type=int, default=15)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--max-sec", type=float, default=50.0, help="unused (kept for old command lines)")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--eval-every", type=float, default=10.0, help="minutes")
    ap.add_argument("--ckpt-every", type=float, default=4.0, help="minutes")
    ap.add_argument("--max-utt-sec", type=float, default=0, help="skip longer training utterances (0 = keep all)")
    ap.add_argument("--fsdd-repeat", type=int, default=2)
    ap.add_argument("--fsdd-strings", type=int, default=1500)
    ap.add_argument("--anneal-minutes", type=float, default=0,
                    help="decay the learning rate linearly to 5%% during the last N minutes of --minutes")
    ap.add_argument("--anneal-scale", type=float, default=1.0,
                    help="lr multiplier at the start of the anneal (to continue an interrupted anneal)")
    ap.add_argument("--init-encoder", default="", help="checkpoint whose encoder initialises this model")
    ap.add_argument("--init-onnx", default="",
                    help="model folder (committed ONNX files) to continue from when there is no last.pt: its weights, "
                         "its step count for the lr schedule, BatchNorms frozen (see onnx_init.py)")
    ap.add_argument("--init-ckpt", default="",
                    help="checkpoint to continue from when there is no last.pt: its weights (into a model that may "
                         "have more --blocks: see onnx_init.load_grown), its step count for the lr schedule, a fresh "
                         "optimizer re-warmed over 300 steps")
    ap.add_argument("--stop-minutes", type=float, default=0,
                    help="stop after this many minutes although the schedule spans --minutes (0 = run it all)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    kind = args.kind
    cdir = os.path.join(D.WORK, "ckpt", kind)
    os.makedirs(cdir, exist_ok=True)
    logf = open(os.path.join(cdir, "log.txt"), "a")

    def log(*a):
        s = time.strftime("%H:%M:%S ") + " ".join(str(x) for x in a)
        print(s, flush=True)
        logf.write(s + "\n")
        logf.flush()

    model, tokens = build(kind, args)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-3)
    state = {"step": 0, "best": 1e9, "samples": 0}
    last = os.path.join(cdir, "last.pt")
    if os.path.exists(last):
        ck = torch.load(last, map_location="cpu")
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        state = ck["state"]
        log("resumed", state)
    elif args.init_encoder:
        ck = torch.load(args.init_encoder, map_location="cpu")
        enc = {k[len("encoder."):]: v for k, v in ck["model"].items() if k.startswith("encoder.")}
        missing = model.encoder.load_state_dict(enc, strict=False)
        log("init encoder from", args.init_encoder, missing)
    elif args.init_onnx:
        steps = load_from_onnx(kind, model, args.init_onnx)
        # Continue the lr schedule where the exported model left it; re-warm over 300 steps (fresh Adam moments);
        # the transducer's auxiliary CTC head (not exported) trains on a detached encoder output for 1,500 steps.
        state = {"step": steps, "best": 1e9, "samples": 0, "freeze_bn": True, "init_step": steps,
                 "fresh_aux_head": True}
        log("init from", args.init_onnx, "at step", steps)
    elif args.init_ckpt:
        ck = torch.load(args.init_ckpt, map_location="cpu")
        pos = load_grown(model, ck["model"])
        steps = ck["state"]["step"]
        state = {"step": steps, "best": 1e9, "samples": 0, "init_step": steps,
                 "freeze_bn": bool(ck["state"].get("freeze_bn"))}
        log("init from", args.init_ckpt, "at step", steps, "trained blocks at", pos)
    if state.get("freeze_bn"):
        freeze_batchnorm(model)
    log("params", sum(p.numel() for p in model.parameters()), vars(args))

    dev = D.load_set("dev-*.npz")
    test = D.load_set("test-*.npz")
    fsdd_test = D.load_set("fsdd_test.npz")
    fsdd_train = D.load_set("fsdd_train.npz")
    r = random.Random(state["step"] + 1)
    nr = np.random.default_rng(state["step"] + 1)

    def noise_pool():
        s, i = r.choice(train_tts)
        return s.get(i)[0]

    t_start = time.time()
    t_ck = t_ev = time.time()
    warm = 600
    ctc_loss = torch.nn.CTCLoss(blank=len(tokens) - 1 if kind == "ctc" else 0, zero_infinity=True)
    while True:
        train_tts = D.load_set("train*-*.npz")
        items = [(s, i, s.lens[i]) for s, i in train_tts
                 if not args.max_utt_sec or s.lens[i] <= args.max_utt_sec * 16000]
        items += [(s, i, s.lens[i]) for s, i in fsdd_train] * args.fsdd_repeat
        for k in range(args.fsdd_strings):
            seed = r.randrange(1 << 30)
            items.append((lambda seed=seed: D.fsdd_string(fsdd_train, random.Random(seed)), None, 16000 * 3))
        log("epoch items", len(items), "tts shards items", len(train_tts))
        for bidx in batches(items, r, args.batch_size):
            its = [items[i] if items[i][1] is not None else items[i][0] for i in bidx]
            its = [(it[0], it[1]) if isinstance(it, tuple) else it for it in its]
            f, fl, ys, _ = make_batch(kind, its, tokens, r, True, noise_pool)
            step = state["step"] + 1
            lr = args.lr * min(step / warm, math.sqrt(warm / step) if step > 3 * warm else 1.0)
            lr = args.lr * min(step / warm, 1.0) * (min(1.0, math.sqrt(3 * warm / step)))
            if state.get("init_step") is not None:
                lr *= min(1.0, (step - state["init_step"]) / 300)
            if args.anneal_minutes:
                left = args.minutes * 60 - (time.time() - t_start)
                lr *= max(0.05, min(1.0, left / (args.anneal_minutes * 60)) * args.anneal_scale)
            for g in opt.param_groups:
                g["lr"] = lr
            ylens = torch.tensor([len(y) for y in ys])
            yflat = torch.tensor([t for y in ys for t in y], dtype=torch.long)
            if kind == "ctc":
                logp, ol = model(f.transpose(1, 2), fl)
                loss = ctc_loss(logp.transpose(0, 1), yflat, ol, ylens)
            else:
                enc, ol, h = model.encode(f, fl)
                U = int(ylens.max())
                ypad = torch.zeros(len(ys), U, dtype=torch.long)
                for i, y in enumerate(ys):
                    ypad[i, :len(y)] = torch.tensor(y)
                dec_in = torch.cat([torch.zeros(len(ys), model.context_size, dtype=torch.long), ypad], 1)
                dec = model.decoder(dec_in)  # (B, U+1, J)
                logits = model.joiner(enc[:, :, None, :], dec[:, None, :, :])
                ol = torch.minimum(ol, torch.tensor(enc.shape[1]))
                loss = torchaudio.functional.rnnt_loss(logits, ypad.int(), ol.int(), ylens.int(), blank=0,
                                                       reduction="mean", clamp=-1)
                loss = loss / max(1.0, float(ylens.float().mean())) * 10
                if state.get("fresh_aux_head") and step - state["init_step"] < 1500:
                    h = h.detach()
                aux = ctc_loss(F.log_softmax(model.ctc_head(h), dim=1).permute(2, 0, 1), yflat, ol, ylens)
                loss = loss + 0.3 * aux
            opt.zero_grad()
            loss.backward()
            gn = torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            if torch.isfinite(gn):
                opt.step()
            state["step"] = step
            state["samples"] += len(ys)
            if step % 50 == 0:
                log(f"step {step} loss {loss.item():.3f} lr {lr:.2e} gn {float(gn):.1f} B {len(ys)} T {f.shape[1]}")
            now = time.time()
            done = now - t_start > (args.stop_minutes or args.minutes) * 60
            if now - t_ev > args.eval_every * 60 or done:
                res = {}
                for name, its_ in (("dev", dev), ("test_tts", test), ("fsdd_test", fsdd_test)):
                    (cer, wer), ex = evaluate(kind, model, its_, tokens, 200 if name != "fsdd_test" else 200)
                    res[name] = (round(cer * 100, 2), round(wer * 100, 2))
                log("EVAL step", step, json.dumps(res), ex[:2])
                t_ev = time.time()
                score = res["dev"][1]  # best.pt is chosen on the dev set only (never on a test set)
                if score < state["best"]:
                    state["best"] = score
                    torch.save({"model": model.state_dict(), "state": state, "args": vars(args)},
                               os.path.join(cdir, "best.pt"))
                    log("new best", score)
            if now - t_ck > args.ckpt_every * 60 or done:
                torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "state": state,
                            "args": vars(args)}, last + ".tmp")
                os.replace(last + ".tmp", last)
                t_ck = time.time()
            if done:
                log("done")
                return


if __name__ == "__main__":
    main()
