"""Checks a safetensors file against NAME.expected.json (dtype, shape, values as hex bits).

Run by SafeTensorsInteropTest when /usr/bin/python3 has PyTorch, to show that a file written
by backprop4j reads in Python. Loads with the reference implementation when the `safetensors`
package is installed, else by hand from the format's description (struct + json), so the
check is independent of the Java code either way. Exit status 0 and "ok" when every tensor
matches bit for bit; exit status 77 when PyTorch is missing, so the test can skip.
"""
import json
import struct
import sys

try:
    import torch
except ImportError:
    print("PyTorch is not installed")
    sys.exit(77)

DTYPES = {"F32": (torch.float32, "<%dI", 4), "F64": (torch.float64, "<%dQ", 8)}


def load_by_hand(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    data = raw[8 + n:]
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = DTYPES[info["dtype"]][0]
        if begin == end:  # frombuffer refuses an empty buffer
            tensors[name] = torch.zeros(info["shape"], dtype=dtype)
        else:
            tensors[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype).reshape(info["shape"])
    return tensors


def load(path):
    try:
        from safetensors.torch import load_file
    except ImportError:
        return load_by_hand(path), "by hand"
    return load_file(path), "safetensors.torch.load_file"


def bits(t, code):
    _, fmt, width = DTYPES[code]
    raw = t.contiguous().numpy().tobytes()
    return ["%0*x" % (2 * width, b) for b in struct.unpack(fmt % (len(raw) // width), raw)]


def main(path, expected_path):
    tensors, how = load(path)
    expected = json.load(open(expected_path))
    problems = []
    if sorted(tensors) != sorted(expected):
        problems.append("names %s, expected %s" % (sorted(tensors), sorted(expected)))
    for name, want in expected.items():
        t = tensors.get(name)
        if t is None:
            continue
        if DTYPES[want["dtype"]][0] != t.dtype or list(t.shape) != want["shape"]:
            problems.append("%s: %s %s, expected %s %s" % (name, t.dtype, list(t.shape), want["dtype"], want["shape"]))
        elif bits(t, want["dtype"]) != want["bits"]:
            problems.append("%s: values differ" % name)
    if problems:
        print("read %s: %s" % (how, "; ".join(problems)))
        return 1
    print("ok (%s)" % how)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
