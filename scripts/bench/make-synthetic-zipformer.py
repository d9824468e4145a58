#!/usr/bin/env python3
"""Zipformer transducers with random weights at the size of sherpa-onnx's English Zipformers of 2023-06-26, for
timing the service's model code (scripts/bench/layout-rtf.ts). They transcribe nothing; only their cost is real.

  /usr/bin/python3 scripts/bench/make-synthetic-zipformer.py offline /tmp/bench-models/zipformer-en
  /usr/bin/python3 scripts/bench/make-synthetic-zipformer.py streaming /tmp/bench-models/streaming-zipformer-en

Size: icefall's zipformer/ default ("medium") as the export script of sherpa-onnx-streaming-zipformer-en-2023-06-26
passes it: --num-encoder-layers 2,2,3,4,3,2 --downsampling-factor 1,2,4,8,4,2 --feedforward-dim
512,768,1024,1536,1024,768 --num-heads 4,4,4,8,4,4 --encoder-dim 192,256,384,512,384,256 --query-head-dim 32
--value-head-dim 12 --cnn-module-kernel 31,31,15,15,15,31 --decoder-dim 512 --joiner-dim 512, 500 BPE tokens,
context 2; streaming: --chunk-size 16 --left-context-frames 128 (decode_chunk_len 32, T 45, left_context_len
128/factor per stack). The encoder is scripts/bench/synthetic_zipformer.py; decoder and joiner are the modules
of scripts/model/export_tiny_online_zipformer.py at this size. Both fp32 files and *.int8.onnx (dynamic int8, as
onnxruntime's quantize_dynamic writes) are written, as the published archives hold both.
"""
import argparse
import os
import sys
import wave

import numpy as np
import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "model"))
import export_tiny_online_zipformer as tiny  # noqa: E402
import features  # noqa: E402
from sherpa_layout import write_tokens  # noqa: E402
from synthetic_onnx import parameter_count, quantize_dynamic_int8, save, set_metadata, word_pieces, write_summary  # noqa: E402
from synthetic_zipformer import OfflineEncoder, StreamingEncoder  # noqa: E402

CFG = dict(num_encoder_layers=[2, 2, 3, 4, 3, 2], downsampling_factors=[1, 2, 4, 8, 4, 2],
           feedforward_dims=[512, 768, 1024, 1536, 1024, 768], num_heads=[4, 4, 4, 8, 4, 4],
           encoder_dims=[192, 256, 384, 512, 384, 256], query_head_dim=32, value_head_dim=12,
           cnn_module_kernels=[31, 31, 15, 15, 15, 31], joiner_dim=512, decode_chunk_len=32, T=45,
           left_context_len=[128 // f for f in [1, 2, 4, 8, 4, 2]])
VOCAB, CONTEXT = 500, 2
TESTDATA = os.path.join(HERE, "..", "..", "models", "testdata")  # 16 kHz speech clips


def csv(values):
    return ",".join(map(str, values))


def write(module, args, path, meta, **kw):
    """fp32 file and its dynamic int8 twin; returns the parameter count."""
    with torch.no_grad():
        torch.onnx.export(module, args, path, opset_version=13, **kw)
    model = onnx.load(path)
    set_metadata(model, meta)
    save(model, path)
    params = parameter_count(model)
    quantize_dynamic_int8(model)
    save(model, path.replace(".onnx", ".int8.onnx"))
    return params


def calibrate_blank(enc, decoder, joiner, tokens_per_frame):
    """Sets the joiner's blank bias so that about `tokens_per_frame` of the encoder frames emit a token (random
    weights emit one nearly every frame; real speech is about 3 tokens a second at 25 frames a second)."""
    clips = []
    for name in sorted(os.listdir(TESTDATA)):
        if name.endswith(".wav"):
            with wave.open(os.path.join(TESTDATA, name)) as w:
                clips.append(np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0)
    feats = torch.from_numpy(features.kaldi_fbank(np.concatenate(clips))).unsqueeze(0)
    with torch.no_grad():
        decoder.out.weight.mul_(0.1)  # the context sways the joiner little, so the rate holds once tokens come
        if isinstance(enc, StreamingEncoder):  # chunk by chunk from the initial state, as the service runs it
            states, pieces = enc.init_states(), []
            for start in range(0, feats.shape[1] - CFG["T"], CFG["decode_chunk_len"]):
                out, *states = enc(feats[:, start:start + CFG["T"]], *states)
                pieces.append(out)
            enc_out = torch.cat(pieces, dim=1)[0]
        else:
            enc_out = enc(feats, torch.tensor([feats.shape[1]]))[0][0]  # (T, joiner_dim)
        # contexts of blanks (before the first token) and of tokens (after)
        contexts = torch.cat([torch.zeros(enc_out.shape[0], CONTEXT, dtype=torch.int64),
                              torch.randint(1, VOCAB, (enc_out.shape[0], CONTEXT))])
        logits = joiner(enc_out.repeat(2, 1), decoder(contexts))
        margin = logits[:, 1:].max(dim=1).values - logits[:, 0]
        joiner.out.bias[0] += torch.quantile(margin, 1.0 - tokens_per_frame)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["offline", "streaming"])
    ap.add_argument("out")
    a = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    os.makedirs(a.out, exist_ok=True)
    tiny.VOCAB, tiny.JOINER_DIM, tiny.CONTEXT_SIZE = VOCAB, CFG["joiner_dim"], CONTEXT
    decoder, joiner = tiny.Decoder().eval(), tiny.Joiner().eval()
    suffix = "epoch-99-avg-1" + ("-chunk-16-left-128" if a.kind == "streaming" else "")
    info = {"model_author": "onnx-stt-server scripts/bench/make-synthetic-zipformer.py", "version": "1",
            "comment": "random weights at the size of sherpa-onnx-*zipformer-en-2023-06-26; for timing only"}
    enc = (OfflineEncoder(CFG) if a.kind == "offline" else StreamingEncoder(CFG)).eval()
    calibrate_blank(enc, decoder, joiner, 3.0 / 25)
    if a.kind == "offline":
        total = write(enc, (torch.randn(1, 400, 80), torch.tensor([400])), os.path.join(a.out, f"encoder-{suffix}.onnx"),
                      {**info, "model_type": "zipformer2"}, input_names=["x", "x_lens"], output_names=["encoder_out", "encoder_out_lens"],
                      dynamic_axes={"x": {0: "N", 1: "T"}, "x_lens": {0: "N"}, "encoder_out": {0: "N", 1: "T"}, "encoder_out_lens": {0: "N"}})
    else:
        states = enc.init_states()
        tiny.NUM_ENCODER_LAYERS = CFG["num_encoder_layers"]
        names = tiny.state_names()
        dynamic = {"x": {0: "N"}, "encoder_out": {0: "N"}}
        for name in names:
            axis = 1 if name.startswith(("cached_key", "cached_nonlin_attn", "cached_val")) else 0
            dynamic[name] = {axis: "N"}
            dynamic[f"new_{name}"] = {axis: "N"}
        meta = {**info, "model_type": "zipformer2", "decode_chunk_len": CFG["decode_chunk_len"], "T": CFG["T"],
                "num_encoder_layers": csv(CFG["num_encoder_layers"]), "encoder_dims": csv(CFG["encoder_dims"]),
                "cnn_module_kernels": csv(CFG["cnn_module_kernels"]), "left_context_len": csv(CFG["left_context_len"]),
                "query_head_dims": csv([CFG["query_head_dim"]] * 6), "value_head_dims": csv([CFG["value_head_dim"]] * 6),
                "num_heads": csv(CFG["num_heads"])}
        total = write(enc, (torch.randn(1, CFG["T"], 80), *states), os.path.join(a.out, f"encoder-{suffix}.onnx"), meta,
                      input_names=["x"] + names, output_names=["encoder_out"] + [f"new_{n}" for n in names], dynamic_axes=dynamic)
    total += write(decoder, torch.zeros(4, CONTEXT, dtype=torch.int64), os.path.join(a.out, f"decoder-{suffix}.onnx"),
                   {"context_size": CONTEXT, "vocab_size": VOCAB}, input_names=["y"], output_names=["decoder_out"],
                   dynamic_axes={"y": {0: "N"}, "decoder_out": {0: "N"}})
    total += write(joiner, (torch.rand(4, CFG["joiner_dim"]), torch.rand(4, CFG["joiner_dim"])), os.path.join(a.out, f"joiner-{suffix}.onnx"),
                   {"joiner_dim": CFG["joiner_dim"]}, input_names=["encoder_out", "decoder_out"], output_names=["logit"],
                   dynamic_axes={"encoder_out": {0: "N"}, "decoder_out": {0: "N"}, "logit": {0: "N"}})
    write_tokens(os.path.join(a.out, "tokens.txt"), ["<blk>", "<sos/eos>", "<unk>"] + [p.upper() for p in word_pieces(VOCAB - 3)])
    write_summary(a.out, f"{a.kind}-zipformer-en-2023-06-26", total, fp32_only=True)


if __name__ == "__main__":
    main()
