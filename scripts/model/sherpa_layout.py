"""What the exporters write into a sherpa-onnx model folder besides the graphs: ONNX metadata and tokens.txt.

Used by export.py and export_tiny_*.py. Neither function touches a graph's weights: the files they finish are
the bytes the exporters wrote before these were shared (the committed test models re-export identically).
"""
import onnx


def write_metadata(path, meta):
    """Sets the ONNX file's metadata_props to `meta`, in its order, every value as str(value) (sherpa-onnx reads
    them as strings: "1", "per_feature", "4,4,4"); whatever metadata the file held is replaced (a graph fresh from
    torch.onnx.export holds none)."""
    model = onnx.load(path)
    del model.metadata_props[:]
    for key, value in meta.items():
        prop = model.metadata_props.add()
        prop.key, prop.value = key, str(value)
    onnx.save(model, path)


def write_tokens(path, symbols):
    """tokens.txt as sherpa-onnx's SymbolTable reads it: `symbol id` a line, the ids 0, 1, ... in order."""
    with open(path, "w", encoding="utf-8") as fh:
        for i, symbol in enumerate(symbols):
            fh.write(f"{symbol} {i}\n")
