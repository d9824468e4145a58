#!/usr/bin/env python3
"""Write the int8 variant of an exported ONNX file: weight-only int8 quantization.

    python3 scripts/model/quantize.py models/<id>/model.onnx            # -> models/<id>/model.int8.onnx
    python3 scripts/model/quantize.py IN.onnx --out OUT.onnx [--min-elements 4096]

Every Conv / MatMul / Gemm weight with at least --min-elements values is stored as int8 with one scale per
output channel (symmetric, zero point 0) and a DequantizeLinear node in front of its consumer: the file shrinks
about 4x and onnxruntime (and sherpa-onnx) run it unchanged, computing in float32 after dequantizing.
onnxruntime's own quantizer (quantize_dynamic) is not packaged by Debian; this uses only the `onnx` package.
Metadata, inputs and outputs are kept, so the file is a drop-in `*.int8.onnx` in the same folder layout."""
import argparse
import os

import numpy as np
import onnx
from onnx import helper, numpy_helper


def channel_axis(node, dims):
    """The weight's output-channel axis for its consumer: Conv (O, I, k…) -> 0, MatMul (I, O) -> 1,
    Gemm -> 0 with transB else 1."""
    if node.op_type == "Conv":
        return 0
    if node.op_type == "MatMul":
        return len(dims) - 1
    trans_b = next((a.i for a in node.attribute if a.name == "transB"), 0)
    return 0 if trans_b else 1


def quantize(model, min_elements):
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    consumers = {}
    for node in graph.node:
        for k, name in enumerate(node.input):
            consumers.setdefault(name, []).append((node, k))
    replaced = []
    new_nodes = []
    for name, init in inits.items():
        uses = consumers.get(name, [])
        if not uses or any(n.op_type not in ("Conv", "MatMul", "Gemm") or k != 1 for n, k in uses):
            continue
        w = numpy_helper.to_array(init).astype(np.float32)
        if w.size < min_elements or w.ndim < 2:
            continue
        axis = channel_axis(uses[0][0], w.shape)
        if any(channel_axis(n, w.shape) != axis for n, _ in uses):
            continue
        other = tuple(d for d in range(w.ndim) if d != axis)
        scale = np.abs(w).max(axis=other) / 127.0
        scale[scale == 0] = 1.0
        shape = [1] * w.ndim
        shape[axis] = -1
        q = np.clip(np.round(w / scale.reshape(shape)), -127, 127).astype(np.int8)
        q_name, s_name, z_name, out_name = name + "_int8", name + "_scale", name + "_zero", name + "_dequantized"
        graph.initializer.append(numpy_helper.from_array(q, q_name))
        graph.initializer.append(numpy_helper.from_array(scale.astype(np.float32), s_name))
        graph.initializer.append(numpy_helper.from_array(np.zeros(scale.shape, np.int8), z_name))
        new_nodes.append(helper.make_node("DequantizeLinear", [q_name, s_name, z_name], [out_name], axis=axis,
                                          name=name + "_DequantizeLinear"))
        for n, k in uses:
            n.input[k] = out_name
        replaced.append(name)
    for name in replaced:
        graph.initializer.remove(inits[name])
    # DequantizeLinear nodes first: the graph stays topologically sorted.
    nodes = new_nodes + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    if max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx")) < 13:
        raise ValueError("per-channel DequantizeLinear needs opset >= 13")
    return replaced


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--out", default="")
    ap.add_argument("--min-elements", type=int, default=4096)
    a = ap.parse_args()
    out = a.out or a.model[: -len(".onnx")] + ".int8.onnx"
    model = onnx.load(a.model)
    replaced = quantize(model, a.min_elements)
    onnx.checker.check_model(model)
    onnx.save(model, out)
    print(f"{out}: {len(replaced)} weights int8, {os.path.getsize(a.model) / 1e6:.1f} MB -> "
          f"{os.path.getsize(out) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
