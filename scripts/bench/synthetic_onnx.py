"""ONNX helpers for the synthetic benchmark models (scripts/bench/make-synthetic-*.py): metadata, dynamic int8
quantization as onnxruntime's `quantize_dynamic` writes it, a forced end-of-text for autoregressive decoders (and
their command line), stand-in tokens, and the synthetic.txt that closes a model folder.

Only the `onnx` package is used (Debian packages no onnxruntime for Python)."""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# Above this an ONNX protobuf cannot be saved in one file.
PROTOBUF_LIMIT_BYTES = 2_000_000_000


def save(model, path):
    """Saves `model`, its tensors beside it (`<file>.data`) when the file would pass protobuf's 2 GB limit."""
    if model.ByteSize() > PROTOBUF_LIMIT_BYTES:
        onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=os.path.basename(path) + ".data", size_threshold=1024)
    else:
        onnx.save_model(model, path)


def set_metadata(model, meta):
    del model.metadata_props[:]
    for key, value in meta.items():
        prop = model.metadata_props.add()
        prop.key, prop.value = key, str(value)


def parameter_count(model):
    """Values in the float and int8 initializers of an ONNX model (weights; small shape constants too)."""
    return sum(int(np.prod(i.dims)) for i in model.graph.initializer
               if i.data_type in (TensorProto.FLOAT, TensorProto.INT8, TensorProto.UINT8))


def quantize_dynamic_int8(model, min_elements=4096):
    """Every MatMul (and Gemm with alpha = beta = 1) whose second input is a 2-D float initializer of at least
    `min_elements` values becomes what onnxruntime.quantization.quantize_dynamic writes with its defaults
    (per-tensor symmetric int8 weights, activations quantized to uint8 at run time):
        DynamicQuantizeLinear(x) -> MatMulInteger(x_u8, W_i8, x_zero, 0) -> Cast(float) -> Mul(x_scale * w_scale)
    [-> Add(bias) for a Gemm]. onnxruntime fuses this into its integer matmul kernels, as it does for the
    published *.int8.onnx files. Other ops keep float weights."""
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    new_nodes, dropped = [], set()
    counter = 0
    for node in graph.node:
        weight = node.input[1] if len(node.input) > 1 else ""
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        ok = node.op_type == "MatMul" or (node.op_type == "Gemm" and attrs.get("alpha", 1.0) == 1.0
                                          and attrs.get("beta", 1.0) == 1.0 and not attrs.get("transA", 0))
        init = inits.get(weight)
        if not ok or init is None or len(init.dims) != 2 or int(np.prod(init.dims)) < min_elements:
            new_nodes.append(node)
            continue
        w = numpy_helper.to_array(init).astype(np.float32)
        if node.op_type == "Gemm" and attrs.get("transB", 0):
            w = w.T
        counter += 1
        p = f"dq{counter}_"
        scale = max(float(np.abs(w).max()) / 127.0, 1e-12)
        q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
        graph.initializer.extend([
            numpy_helper.from_array(q, p + "w_int8"),
            numpy_helper.from_array(np.array(0, np.int8), p + "w_zero"),
            numpy_helper.from_array(np.array(scale, np.float32), p + "w_scale"),
        ])
        dropped.add(weight)
        x = node.input[0]
        out = node.output[0]
        mm_out = out if node.op_type == "MatMul" else p + "mm"
        new_nodes += [
            helper.make_node("DynamicQuantizeLinear", [x], [p + "x_u8", p + "x_scale", p + "x_zero"]),
            helper.make_node("MatMulInteger", [p + "x_u8", p + "w_int8", p + "x_zero", p + "w_zero"], [p + "i32"]),
            helper.make_node("Cast", [p + "i32"], [p + "f32"], to=TensorProto.FLOAT),
            helper.make_node("Mul", [p + "x_scale", p + "w_scale"], [p + "scale"]),
            helper.make_node("Mul", [p + "f32", p + "scale"], [mm_out]),
        ]
        if node.op_type == "Gemm":
            if len(node.input) > 2 and node.input[2]:
                new_nodes.append(helper.make_node("Add", [mm_out, node.input[2]], [out]))
            else:
                new_nodes.append(helper.make_node("Identity", [mm_out], [out]))
    still_used = {i for n in new_nodes for i in n.input}
    kept = [i for i in graph.initializer if i.name not in dropped or i.name in still_used]
    del graph.node[:]
    graph.node.extend(new_nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept)
    if not any(o.domain in ("", "ai.onnx") and o.version >= 10 for o in model.opset_import):
        raise ValueError("dynamic int8 needs opset >= 10")
    return counter


def force_end_token(model, logits, end_id, vocab, allowed_from):
    """Rewrites the decoder graph so that greedy search emits `end_id` exactly when the sequence reaches a given
    length: its logit is lowered by 1e4 before, raised by 1e4 from then on. `allowed_from(graph)` adds nodes and
    returns the name of a bool tensor (broadcastable to the logits' leading axes + 1) that is true once the end
    may come. Random weights otherwise end a sequence at once or never; this gives a realistic number of
    decoder steps per second of audio."""
    graph = model.graph
    producer = next(n for n in graph.node if logits in n.output)
    raw = logits + "_unforced"
    producer.output[list(producer.output).index(logits)] = raw
    onehot = np.zeros(vocab, np.float32)
    onehot[end_id] = 1e4
    graph.initializer.extend([numpy_helper.from_array(onehot, "force_end_up"),
                              numpy_helper.from_array(-onehot, "force_end_down")])
    cond = allowed_from(graph)
    graph.node.extend([
        helper.make_node("Where", [cond, "force_end_up", "force_end_down"], ["force_end_bias"]),
        helper.make_node("Add", [raw, "force_end_bias"], [logits]),
    ])


def autoregressive_args(sizes):
    """The command line of the autoregressive layouts (Moonshine, Whisper): a size (a key of `sizes`), the output
    folder, and --tokens-per-sec, the text rate force_end_token gives the decoder (default 3)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("size", choices=sorted(sizes))
    ap.add_argument("out")
    ap.add_argument("--tokens-per-sec", type=float, default=3.0)
    return ap.parse_args()


def const(graph, name, value, dtype):
    graph.initializer.append(numpy_helper.from_array(np.array(value, dtype), name))
    return name


def axis_size(graph, tensor, axis, name):
    """Adds nodes computing the size of `tensor`'s `axis` at run time (an int64 scalar named `name`): the number
    of frames or tokens a forced end (force_end_token) counts."""
    graph.node.extend([
        helper.make_node("Shape", [tensor], [name + "_shape"]),
        helper.make_node("Gather", [name + "_shape", const(graph, name + "_axis", axis, np.int64)], [name], axis=0),
    ])
    return name


def at_least(graph, count, limit, name):
    """Adds nodes for the bool `name`: float `count` >= float `limit` (as Not(Less): every opset has both)."""
    graph.node.extend([
        helper.make_node("Less", [count, limit], [name + "_early"]),
        helper.make_node("Not", [name + "_early"], [name]),
    ])
    return name


def word_pieces(count):
    """`count` printable stand-in tokens: '\u2581' and a letter pair, distinct for the first 676 ids."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [f"\u2581{letters[i % 26]}{letters[(i // 26) % 26]}" for i in range(count)]


def write_summary(out, preset, parameters, fp32_only=False, **extra):
    """Writes `out`/synthetic.txt (`preset`, the parameter count, then `extra` as `key value` lines) and prints the
    folder's size. Call it last: scripts/bench/synthetic-layouts.ts takes synthetic.txt as the sign that a folder
    is complete. `fp32_only`: the size of the fp32 files alone (the folder holds *.int8.onnx twins too)."""
    with open(os.path.join(out, "synthetic.txt"), "w") as fh:
        fh.write(f"preset {preset}\nparameters {parameters}\n")
        for key, value in extra.items():
            fh.write(f"{key} {value}\n")
    size = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out)
               if f.endswith(".onnx") and not (fp32_only and ".int8." in f))
    print(f"wrote {out}: {preset}, {parameters / 1e6:.1f} M parameters, {size / 1e6:.0f} MB of {'fp32 ' if fp32_only else ''}ONNX")
