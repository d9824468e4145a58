#!/usr/bin/env python3
"""NeMo-layout models with random weights at the published architectures' sizes, for timing the service's model
code (scripts/bench/layout-rtf.ts). They transcribe nothing; only their cost is real.

  /usr/bin/python3 scripts/bench/make-synthetic-nemo.py parakeet-tdt-0.6b-v2 /tmp/bench-models/parakeet-tdt-0.6b-v2
  /usr/bin/python3 scripts/bench/make-synthetic-nemo.py parakeet-tdt_ctc-110m /tmp/bench-models/parakeet-ctc-110m
  /usr/bin/python3 scripts/bench/make-synthetic-nemo.py conformer-ctc-small /tmp/bench-models/conformer-ctc-small

Sizes (FastConformer, as NeMo's configs and module dumps give them):
- parakeet-tdt-0.6b-v2 (NeMo transducer, TDT): 128 mel bins, dw_striding 8x subsampling with 256 channels,
  24 layers of d_model 1024, 8 heads, feed-forward 4096, conv kernel 9; prediction network: embedding 1025 x 640,
  2-layer LSTM 640; joint 640 -> 1024 tokens + blank + 5 durations (0..4). Written as the catalog's archive is:
  encoder/decoder/joiner .int8.onnx (dynamic int8 as onnxruntime's quantize_dynamic writes it).
- parakeet-tdt_ctc-110m (its CTC branch, NeMo CTC): 80 mel bins, 8x subsampling, 17 layers of d_model 512,
  8 heads, feed-forward 2048, conv kernel 9, 1024 tokens + blank; model.int8.onnx as the catalog's archive.
- conformer-ctc-small (sherpa-onnx-nemo-ctc-en-conformer-small, NeMo stt_en_conformer_ctc_small): a Conformer
  (not Fast): striding 4x subsampling with 176 channels, 16 layers of 176, 4 heads, feed-forward 704, kernel 31;
  model.onnx and model.int8.onnx, as the archive.
The interfaces and metadata are those of scripts/model/export_tiny_nemo_transducer.py (whose prediction network
and joint modules are reused here) and of sherpa-onnx's NeMo CTC exports.
"""
import argparse
import os
import shutil
import sys
import tempfile

import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "model"))
import export_tiny_nemo_transducer as tiny  # noqa: E402
from synthetic_conformer import ConformerEncoder  # noqa: E402
from sherpa_layout import write_tokens  # noqa: E402
from synthetic_onnx import parameter_count, quantize_dynamic_int8, save, set_metadata, word_pieces, write_summary  # noqa: E402

OPSET = 13
PRESETS = {
    "parakeet-tdt-0.6b-v2": dict(kind="tdt", feat_in=128, d_model=1024, layers=24, heads=8, ff_expansion=4, kernel=9,
                                 subsampling=8, vocab=1024, pred_hidden=640, pred_layers=2, joint=640, durations=5),
    "parakeet-tdt_ctc-110m": dict(kind="ctc", feat_in=80, d_model=512, layers=17, heads=8, ff_expansion=4, kernel=9,
                                  subsampling=8, vocab=1024),
    # NeMo's conformer_ctc_bpe.yaml, "Small (13M)": striding 4x with d_model channels; 256 tokens is the config's
    # advice for 4x subsampling (the published vocabulary size was not found; the head is 0.3% of the cost)
    "conformer-ctc-small": dict(kind="ctc", feat_in=80, d_model=176, layers=16, heads=4, ff_expansion=4, kernel=31,
                                subsampling=4, style="striding", channels=176, vocab=256, fp32=True),
}


def export_int8(module, args, path, **kw):
    """torch -> fp32 ONNX (external data past 2 GB) -> dynamic int8 at `path`; returns the fp32 parameter count."""
    # a folder of its own: past 2 GB torch writes every tensor as a file beside the graph
    tmp = tempfile.mkdtemp(dir=os.path.dirname(path), prefix=".fp32-")
    with torch.no_grad():
        torch.onnx.export(module, args, os.path.join(tmp, "model.onnx"), opset_version=OPSET, **kw)
    model = onnx.load(os.path.join(tmp, "model.onnx"))
    params = parameter_count(model)
    quantize_dynamic_int8(model)
    return model, params, tmp


def finish(model, meta, path, tmp):
    set_metadata(model, meta)
    save(model, path)
    shutil.rmtree(tmp)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("preset", choices=sorted(PRESETS))
    ap.add_argument("out")
    a = ap.parse_args()
    cfg = PRESETS[a.preset]
    torch.manual_seed(0)
    torch.set_num_threads(1)
    os.makedirs(a.out, exist_ok=True)
    enc = ConformerEncoder(cfg["feat_in"], cfg["d_model"], cfg["layers"], cfg["heads"], cfg["ff_expansion"], cfg["kernel"],
                           cfg["subsampling"], cfg.get("style", "dw_striding"), cfg.get("channels", 256)).eval()
    x = torch.randn(1, cfg["feat_in"], 400)
    length = torch.tensor([400])
    common = {"normalize_type": "per_feature", "subsampling_factor": cfg["subsampling"], "version": "1",
              "model_author": "onnx-stt-server scripts/bench/make-synthetic-nemo.py",
              "comment": f"random weights at the size of {a.preset}; for timing only"}
    total = 0
    if cfg["kind"] == "ctc":
        class Ctc(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.encoder = enc
                self.head = torch.nn.Conv1d(cfg["d_model"], cfg["vocab"] + 1, 1)

            def forward(self, audio_signal, length):
                h, _ = self.encoder(audio_signal, length)
                return torch.log_softmax(self.head(h), dim=1).transpose(1, 2)

        path = os.path.join(a.out, "model.int8.onnx")
        meta = {**common, "model_type": "EncDecCTCModelBPE", "vocab_size": cfg["vocab"] + 1}
        model, total, tmp = export_int8(Ctc().eval(), (x, length), path, input_names=["audio_signal", "length"],
                                        output_names=["logprobs"],
                                        dynamic_axes={"audio_signal": {0: "N", 2: "T"}, "length": {0: "N"}, "logprobs": {0: "N", 1: "T"}})
        if cfg.get("fp32"):  # the published archive holds model.onnx too
            fp32 = onnx.load(os.path.join(tmp, "model.onnx"))
            set_metadata(fp32, meta)
            save(fp32, os.path.join(a.out, "model.onnx"))
        finish(model, meta, path, tmp)
    else:
        vocab_blank = cfg["vocab"] + 1
        dec = tiny.Decoder(vocab_blank, cfg["pred_hidden"], cfg["pred_layers"]).eval()
        join = tiny.Joiner(cfg["d_model"], cfg["pred_hidden"], cfg["joint"], vocab_blank, cfg["durations"]).eval()
        path = os.path.join(a.out, "encoder.int8.onnx")
        model, n, tmp = export_int8(enc, (x, length), path, **tiny.ENCODER_IO)
        total += n
        finish(model, {**common, "model_type": "EncDecRNNTBPEModel", "vocab_size": cfg["vocab"], "pred_rnn_layers": cfg["pred_layers"],
                       "pred_hidden": cfg["pred_hidden"], "feat_dim": cfg["feat_in"],
                       "url": f"synthetic {a.preset} (tdt, random weights)"}, path, tmp)
        h = torch.zeros(cfg["pred_layers"], 1, cfg["pred_hidden"])
        path = os.path.join(a.out, "decoder.int8.onnx")
        model, n, tmp = export_int8(dec, (torch.zeros(1, 1, dtype=torch.int32), torch.ones(1, dtype=torch.int32), h, h), path,
                                    **tiny.DECODER_IO)
        total += n
        finish(model, {}, path, tmp)
        path = os.path.join(a.out, "joiner.int8.onnx")
        model, n, tmp = export_int8(join, (torch.randn(1, cfg["d_model"], 1), torch.randn(1, cfg["pred_hidden"], 1)), path,
                                    **tiny.JOINER_IO)
        total += n
        finish(model, {}, path, tmp)
    write_tokens(os.path.join(a.out, "tokens.txt"), [*word_pieces(cfg["vocab"]), "<blk>"])  # the blank last, as NeMo's
    write_summary(a.out, a.preset, total)


if __name__ == "__main__":
    main()
