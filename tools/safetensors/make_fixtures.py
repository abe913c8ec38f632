#!/usr/bin/env python3
"""Writes the safetensors fixtures that backprop4j's SafeTensorsInteropTest reads.

The file is written by the reference implementation (the `safetensors` package, with
PyTorch), so the Java reader is tested against bytes it did not make. Never run by CI;
rerun by hand when a fixture is added:

    python3 -m venv --system-site-packages /tmp/st && /tmp/st/bin/pip install safetensors
    /tmp/st/bin/python tools/safetensors/make_fixtures.py

Beside each fixture goes NAME.expected.json: every tensor's dtype, shape and values as
hexadecimal bit patterns, so that NaN payloads and -0.0 are compared exactly.
"""
import json
import pathlib
import struct

import torch
from safetensors.torch import load_file, save_file

OUT = pathlib.Path(__file__).resolve().parents[2] / "backprop-core/src/test/resources/io"


def f32(*bits):
    return torch.tensor(struct.unpack("<%df" % len(bits), struct.pack("<%dI" % len(bits), *bits)), dtype=torch.float32)


def f64(*bits):
    # through a buffer: building a float64 tensor from Python floats could quiet a NaN payload
    raw = bytearray(struct.pack("<%dQ" % len(bits), *bits))
    return torch.frombuffer(raw, dtype=torch.float64).clone()


def bits(t):
    fmt, width = ("<%dI", 4) if t.dtype == torch.float32 else ("<%dQ", 8)
    raw = t.contiguous().numpy().tobytes()
    return ["%0*x" % (2 * width, b) for b in struct.unpack(fmt % (len(raw) // width), raw)]


def reference():
    tensors = {
        # 1.5, -0.0, a quiet NaN with a payload, +inf, the smallest subnormal, -3.25
        "0.weight": f32(0x3FC00000, 0x80000000, 0x7FC00123, 0x7F800000, 0x00000001, 0xC0500000).reshape(2, 3),
        "0.bias": torch.arange(3, dtype=torch.float32) - 1,
        "scale": torch.tensor(3.141592653589793, dtype=torch.float64),
        # a NaN payload, -inf, 0.1, the largest finite double
        "table": f64(0x7FF8000000000123, 0xFFF0000000000000, 0x3FB999999999999A, 0x7FEFFFFFFFFFFFFF).reshape(2, 2),
        "empty": torch.zeros(0, 4, dtype=torch.float32),
        "big": torch.linspace(-1, 1, 120, dtype=torch.float32).reshape(4, 5, 6),
    }
    path = OUT / "reference.safetensors"
    save_file(tensors, str(path), metadata={"format": "pt", "note": "written by safetensors.torch.save_file"})
    back = load_file(str(path))
    assert all(bits(back[k]) == bits(v) for k, v in tensors.items()), "the reference did not round-trip"
    expected = {k: {"dtype": "F32" if v.dtype == torch.float32 else "F64", "shape": list(v.shape), "bits": bits(v)}
                for k, v in tensors.items()}
    (OUT / "reference.expected.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    reference()
