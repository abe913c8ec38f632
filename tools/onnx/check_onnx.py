#!/usr/bin/python3
"""Runs the ONNX checker (onnx.checker.check_model, full shape inference) on every .onnx file
under the folders or files given; prints one line per file and exits 1 if any is refused.

    tools/onnx/check_onnx.py backprop-onnx/target/onnx-exports

backprop-onnx's OnnxCheckerTest runs it on every file the ONNX Runtime test exported, when
/usr/bin/python3 has the onnx package (Debian's python3-onnx, which bin/setup installs)."""
import pathlib
import sys

import onnx
import onnx.checker

files = []
for arg in sys.argv[1:]:
    p = pathlib.Path(arg)
    files += sorted(p.rglob("*.onnx")) if p.is_dir() else [p]
if not files:
    sys.exit("check_onnx: no .onnx files under " + " ".join(sys.argv[1:]))
failed = 0
for f in files:
    try:
        onnx.checker.check_model(onnx.load(str(f)), full_check=True)
        print(f"ok {f}")
    except Exception as e:  # the checker's own exception types vary between versions
        failed += 1
        print(f"REFUSED {f}: {e}")
print(f"check_onnx: onnx {onnx.__version__}: {len(files) - failed} of {len(files)} files pass")
sys.exit(1 if failed else 0)
