#!/usr/bin/python3
"""The PyTorch side of bench/compare.sh: trains the same workloads as `backprop train` on
Fashion-MNIST and prints one JSON line.

Run it with Debian's interpreter, /usr/bin/python3 (python3-torch 1.13); a pyenv python3 on
PATH usually has no torch.

It reads the IDX files itself (gzip or not), scales pixels to [0, 1] (no standardization),
preloads everything as tensors and runs the plainest idiomatic loop: randperm per epoch,
index slicing, model(x), F.cross_entropy, zero_grad, backward, step.

Timing matches backprop4j's samples_per_second (backprop.train.Trainer): the clock runs
around zero_grad + forward + loss (+ loss.item()) + backward + step of each step, and is
stopped while the batch is gathered and while the test set is evaluated after each epoch
(the CLI evaluates after every epoch too, so the whole-process wall times compare).
`loop_samples_per_second` is the looser measure that also counts the batch gathering.

Threads: --threads sets torch.set_num_threads (intra-op). The BLAS behind Debian's torch is
OpenBLAS with its own pthread pool, sized by OPENBLAS_NUM_THREADS in the environment; the
fastest setting on 2 cores is --threads 1 with OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=2
(compare.sh sets that and bench/RESULTS.md records the measurement).
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn


def read_idx(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    data = torch.frombuffer(bytearray(raw[4 + 4 * ndim:]), dtype=torch.uint8)
    return data.reshape(dims)


def find(folder, stem):
    for name in (stem, stem + ".gz"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(f"{folder}: no {stem}[.gz]")


def load(folder, split):
    images = read_idx(find(folder, f"{split}-images-idx3-ubyte"))
    labels = read_idx(find(folder, f"{split}-labels-idx1-ubyte"))
    x = images.reshape(images.shape[0], -1).to(torch.float32).div_(255.0).contiguous()
    return x, labels.to(torch.int64)


def build(inputs, hidden, outputs):
    layers, width = [], inputs
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    layers.append(nn.Linear(width, outputs))
    return nn.Sequential(*layers)


@torch.no_grad()
def accuracy(model, x, y, batch=1024):
    model.eval()
    correct = 0
    for i in range(0, x.shape[0], batch):
        correct += (model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item()
    model.train()
    return correct / x.shape[0]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--hidden", default="256,128", help='comma-separated widths; "" is logistic regression')
    p.add_argument("--optimizer", choices=["adam", "sgd"], default="adam")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x_train, y_train = load(a.data, "train")
    x_test, y_test = load(a.data, "t10k")
    hidden = [int(h) for h in a.hidden.split(",") if h.strip()]
    model = build(x_train.shape[1], hidden, int(y_train.max()) + 1)
    if a.optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=a.lr)

    n, b = x_train.shape[0], a.batch_size
    step_seconds = 0.0
    loop_seconds = 0.0
    seen = 0
    epochs = []
    for epoch in range(1, a.epochs + 1):
        loop_start = time.perf_counter()
        perm = torch.randperm(n)
        loss_sum = 0.0
        for i in range(0, n, b):
            idx = perm[i:i + b]
            xb, yb = x_train[idx], y_train[idx]
            t0 = time.perf_counter()
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss_value = loss.item()
            loss.backward()
            opt.step()
            step_seconds += time.perf_counter() - t0
            loss_sum += loss_value * xb.shape[0]
            seen += xb.shape[0]
        loop_seconds += time.perf_counter() - loop_start
        epochs.append({"epoch": epoch, "train_loss": loss_sum / n,
                       "test_accuracy": accuracy(model, x_test, y_test)})

    print(json.dumps({
        "framework": "pytorch " + torch.__version__,
        "samples_per_second": seen / step_seconds,
        "loop_samples_per_second": seen / loop_seconds,
        "train_seconds": step_seconds,
        "test_accuracy": epochs[-1]["test_accuracy"],
        "threads": torch.get_num_threads(),
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
        "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "epochs": epochs,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
