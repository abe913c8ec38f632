#!/usr/bin/env python3
"""Turns GemmBenchmark JSON results (java -jar benchmarks.jar GemmBenchmark -rf json -rff run1.json,
one file per run) into a Markdown table of median GFLOP/s per shape, implementation and thread count.

usage: gemm-table.py run1.json [run2.json ...]
"""
import json
import statistics
import sys
from collections import defaultdict

SHAPES = {"NT": "x[b,784] W1^T: m=b n=256 k=784", "NN": "G[b,256] W1: m=b n=784 k=256",
          "TN": "G^T x[b,784]: m=256 n=784 k=b"}

gflops = defaultdict(list)
for path in sys.argv[1:]:
    for result in json.load(open(path)):
        p = result["params"]
        score = result["secondaryMetrics"]["gflops"]["score"]
        gflops[(p["shape"], p["kernels"], p["threads"])].append(score)

columns = [("java", "1"), ("java", "2"), ("openblas", "1"), ("openblas", "2")]
print(f"Median GFLOP/s over {len(sys.argv) - 1} run(s) (higher is better).\n")
print("| shape | product | Java 1t | Java 2t | OpenBLAS 1t | OpenBLAS 2t | OpenBLAS/Java 1t | OpenBLAS/Java 2t |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for shape in sorted({s for s, _, _ in gflops}, key=lambda s: (-int(s[3:]), ["NT", "NN", "TN"].index(s[:2]))):
    med = {c: statistics.median(gflops[(shape, *c)]) for c in columns if gflops[(shape, *c)]}
    cells = [f"{med[c]:.1f}" if c in med else "-" for c in columns]
    ratios = [f"{med[('openblas', t)] / med[('java', t)]:.2f}" if ("openblas", t) in med and ("java", t) in med else "-"
              for t in ("1", "2")]
    print(f"| {shape} | {SHAPES[shape[:2]].replace('b', shape[3:], 1).replace('m=b', 'm=' + shape[3:]).replace('k=b', 'k=' + shape[3:])} | "
          + " | ".join(cells + ratios) + " |")
