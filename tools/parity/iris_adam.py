#!/usr/bin/python3
"""The iris loop in PyTorch, for backprop4j's library test to be compared with.

Builds nn.Sequential(Linear(4, 16), ReLU(), Linear(16, 3)) in float64 with PyTorch's own
initialization (seed 0), writes those initial weights as safetensors under their state-dict
names, then takes 20 full-batch Adam steps (lr 1e-3) of mean cross-entropy on the 150 iris rows
and writes the loss before each step. backprop4j's IrisParityTest loads the same weights,
runs the same loop and must end with the same losses to 1e-5.

Writes backprop-core/src/test/resources/parity/iris-init.safetensors and iris-adam.json.
CI never runs this; the fixtures are committed. Deterministic: two runs write identical files.
Usage: /usr/bin/python3 tools/parity/iris_adam.py   (Debian's python3-torch)
"""
import csv
import json
import os
import struct

import numpy as np
import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
IRIS = os.path.join(ROOT, 'backprop-core', 'src', 'main', 'resources', 'backprop', 'data', 'iris.csv')
OUT = os.path.join(ROOT, 'backprop-core', 'src', 'test', 'resources', 'parity')
STEPS = 20
LR = 1e-3


def iris():
    with open(IRIS, newline='') as f:
        rows = list(csv.reader(f))[1:]
    classes = sorted({r[4] for r in rows})
    # backprop4j reads features as float32; widen the same float32 values
    x = np.array([[float(v) for v in r[:4]] for r in rows], dtype=np.float32).astype(np.float64)
    y = np.array([classes.index(r[4]) for r in rows], dtype=np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().numpy().astype('<f8').tobytes()
        header[name] = {'dtype': 'F64', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def main():
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    torch.manual_seed(0)
    x, y = iris()
    model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
    os.makedirs(OUT, exist_ok=True)
    write_safetensors(os.path.join(OUT, 'iris-init.safetensors'), model.state_dict())
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    losses = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        losses.append(loss.item())
        loss.backward()
        opt.step()
    with torch.no_grad():
        final = torch.nn.functional.cross_entropy(model(x), y).item()
    result = {'torch': torch.__version__, 'steps': STEPS, 'lr': LR, 'losses': losses, 'final_loss': final}
    with open(os.path.join(OUT, 'iris-adam.json'), 'w') as f:
        json.dump(result, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
