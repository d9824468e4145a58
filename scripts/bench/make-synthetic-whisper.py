#!/usr/bin/env python3
"""Whisper models with random weights at the size of OpenAI's tiny and base, in sherpa-onnx's layout, for timing
the service's model code (scripts/bench/layout-rtf.ts). They transcribe nothing; only their cost is real.

  /usr/bin/python3 scripts/bench/make-synthetic-whisper.py tiny /tmp/bench-models/whisper-tiny [--tokens-per-sec 3]

Sizes (sherpa-onnx scripts/whisper/model-info.md, Whisper's ModelDimensions): tiny 4 + 4 layers of 384, 6 heads;
base 6 + 6 layers of 512, 8 heads; both 80 mel bins, 1500 audio positions, 448 text positions, 51865 tokens
(multilingual). The network and sherpa-onnx's export wrappers are scripts/model/export_tiny_whisper.py's at this
size. Token ids are Whisper's (eot 50257, sot 50258, languages from 50259, translate 50358 ... no_timestamps
50363, timestamps after); only the first 8 languages are listed in the metadata (the cost is the same).

Random weights would end the text at once or never. The decoder graph is rewritten so that <|endoftext|> wins
exactly when the text has --tokens-per-sec tokens per second of audio (default 3: English speech at about 150
words a minute is about 2.5 words a second, a little over one BPE token a word); the audio's length is read from
the encoder output's frames (each 20 ms, less the service's 1000 frames of tail padding), so utterances must stay
under 20 s (the encoder input is capped at 3000 frames). Both fp32 files and *.int8.onnx (dynamic int8) are written.
"""
import base64
import os
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "model"))
import export_tiny_whisper as tw  # noqa: E402
from synthetic_onnx import (at_least, autoregressive_args, axis_size, const, force_end_token, parameter_count, quantize_dynamic_int8,  # noqa: E402
                            save, set_metadata, write_summary)

SIZES = {"tiny": dict(state=384, heads=6, layers=4), "base": dict(state=512, heads=8, layers=6)}
N_VOCAB, N_REGULAR = 51865, 50257
EOT, SOT = 50257, 50258
LANGS = tw.LANGS  # en, zh, de, es, ru, ko, fr, ja: Whisper's first eight, at ids 50259..
TRANSLATE, TRANSCRIBE, SOT_LM, SOT_PREV, NO_SPEECH, NO_TIMESTAMPS = 50358, 50359, 50360, 50361, 50362, 50363
TAIL_PADDING_FRAMES = 1000  # src/model/whisper/whisper-model.ts WHISPER_TAIL_PADDING_FRAMES


def end_allowed(tokens_per_sec, prompt_tokens):
    """offset + n_tokens >= prompt + tokens_per_sec * audio seconds, the seconds from n_layer_cross_k's frames."""
    def build(graph):
        c = lambda name, v, t: const(graph, "fe_" + name, v, t)  # noqa: E731
        frames = axis_size(graph, "n_layer_cross_k", 2, "fe_frames")
        graph.node.extend([
            helper.make_node("Cast", [frames], ["fe_frames_f"], to=TensorProto.FLOAT),
            # seconds = (2 * frames - tail padding) / 100
            helper.make_node("Mul", ["fe_frames_f", c("k2", 2.0 / 100, np.float32)], ["fe_s1"]),
            helper.make_node("Sub", ["fe_s1", c("tail", TAIL_PADDING_FRAMES / 100, np.float32)], ["fe_sec"]),
            helper.make_node("Mul", ["fe_sec", c("rate", float(tokens_per_sec), np.float32)], ["fe_n"]),
            helper.make_node("Add", ["fe_n", c("prompt", float(prompt_tokens), np.float32)], ["fe_limit"]),
        ])
        new_tokens = axis_size(graph, "tokens", 1, "fe_ntok")
        graph.node.extend([
            helper.make_node("Add", ["offset", new_tokens], ["fe_len"]),
            helper.make_node("Cast", ["fe_len"], ["fe_len_f"], to=TensorProto.FLOAT),
        ])
        return at_least(graph, "fe_len_f", "fe_limit", "fe_allowed")
    return build


def main():
    a = autoregressive_args(SIZES)
    dims = SIZES[a.size]
    tw.N_MELS, tw.N_AUDIO_CTX, tw.N_TEXT_CTX = 80, 1500, 448
    tw.N_STATE, tw.N_HEAD, tw.N_AUDIO_LAYER, tw.N_TEXT_LAYER = dims["state"], dims["heads"], dims["layers"], dims["layers"]
    tw.N_VOCAB = N_VOCAB
    torch.manual_seed(0)
    torch.set_num_threads(1)
    os.makedirs(a.out, exist_ok=True)
    encoder, decoder = tw.AudioEncoder().eval(), tw.TextDecoder().eval()
    prefix = os.path.join(a.out, a.size)
    with open(f"{prefix}-tokens.txt", "w", encoding="utf-8") as fh:
        for i in range(N_REGULAR):
            fh.write(f"{base64.b64encode(f' w{i}'.encode()).decode()} {i}\n")
    lang_tokens = [SOT + 1 + i for i in range(len(LANGS))]
    meta = {
        "model_type": f"whisper-{a.size}", "version": "1", "maintainer": "onnx-stt-server scripts/bench/make-synthetic-whisper.py",
        "comment": f"random weights at the size of whisper {a.size}; ends after {a.tokens_per_sec} tokens per second; for timing only",
        "n_mels": 80, "n_audio_ctx": 1500, "n_audio_state": dims["state"], "n_audio_head": dims["heads"], "n_audio_layer": dims["layers"],
        "n_vocab": N_VOCAB, "n_text_ctx": 448, "n_text_state": dims["state"], "n_text_head": dims["heads"], "n_text_layer": dims["layers"],
        "sot_sequence": f"{SOT},{lang_tokens[0]},{TRANSCRIBE}", "all_language_tokens": ",".join(map(str, lang_tokens)),
        "all_language_codes": ",".join(LANGS), "sot": SOT, "sot_index": 0, "eot": EOT, "blank_id": 220, "is_multilingual": 1,
        "no_speech": NO_SPEECH, "non_speech_tokens": "1,2", "transcribe": TRANSCRIBE, "translate": TRANSLATE,
        "sot_prev": SOT_PREV, "sot_lm": SOT_LM, "no_timestamps": NO_TIMESTAMPS,
    }
    total = 0
    with torch.no_grad():
        mel = torch.randn(1, 80, 1500)
        enc = tw.EncoderTensorCache(encoder, decoder).eval()
        cross_k, cross_v = enc(mel)
        path = f"{prefix}-encoder.onnx"
        torch.onnx.export(enc, mel, path, opset_version=13, input_names=["mel"], output_names=["n_layer_cross_k", "n_layer_cross_v"],
                          dynamic_axes={"mel": {0: "n_audio", 2: "T"}, "n_layer_cross_k": {1: "n_audio", 2: "T"}, "n_layer_cross_v": {1: "n_audio", 2: "T"}})
        model = onnx.load(path)
        set_metadata(model, meta)
        save(model, path)
        total += parameter_count(model)
        quantize_dynamic_int8(model)
        save(model, f"{prefix}-encoder.int8.onnx")

        dec = tw.DecoderTensorCache(decoder).eval()
        k_cache = torch.zeros(dims["layers"], 1, 448, dims["state"])
        v_cache = torch.zeros(dims["layers"], 1, 448, dims["state"])
        tokens = torch.tensor([[SOT, lang_tokens[0], TRANSCRIBE, NO_TIMESTAMPS]])
        _, k_cache, v_cache = dec(tokens, k_cache, v_cache, cross_k, cross_v, torch.zeros(1, dtype=torch.int64))
        path = f"{prefix}-decoder.onnx"
        torch.onnx.export(
            dec, (torch.tensor([[EOT]]), k_cache, v_cache, cross_k, cross_v, torch.tensor([4], dtype=torch.int64)), path, opset_version=13,
            input_names=["tokens", "in_n_layer_self_k_cache", "in_n_layer_self_v_cache", "n_layer_cross_k", "n_layer_cross_v", "offset"],
            output_names=["logits", "out_n_layer_self_k_cache", "out_n_layer_self_v_cache"],
            dynamic_axes={"tokens": {0: "n_audio", 1: "n_tokens"}, "in_n_layer_self_k_cache": {1: "n_audio"}, "in_n_layer_self_v_cache": {1: "n_audio"},
                          "n_layer_cross_k": {1: "n_audio", 2: "T"}, "n_layer_cross_v": {1: "n_audio", 2: "T"}})
    model = onnx.load(path)
    total += parameter_count(model)
    # sot, language, task, no_timestamps: the prompt the service sends before the first text token
    force_end_token(model, "logits", EOT, N_VOCAB, end_allowed(a.tokens_per_sec, 4))
    onnx.checker.check_model(model)
    save(model, path)
    quantize_dynamic_int8(model)
    save(model, f"{prefix}-decoder.int8.onnx")
    write_summary(a.out, f"whisper-{a.size}", total, fp32_only=True, tokens_per_sec=a.tokens_per_sec)


if __name__ == "__main__":
    main()
