#!/usr/bin/python3
"""Builds two small PyTorch MLPs, trains each briefly and exports it with torch.onnx.export, with
the rows it was trained on and PyTorch's outputs for them: the fixtures backprop-onnx's
PyTorchImportTest imports (so CI needs no PyTorch). Run from the repository's root:

    /usr/bin/python3 tools/onnx/make_pytorch_mlps.py      # Debian's python3-torch (1.13)

Writes into backprop-onnx/src/test/resources/backprop/onnx:
  pytorch_classifier.onnx   Flatten, Linear+ReLU, Linear+Sigmoid, Linear, Softmax (Gemm nodes), 3 classes
  pytorch_regression.onnx   x @ W + b by hand (MatMul then Add), Tanh, Linear (Gemm), Identity
  pytorch_<name>.csv        the rows: f0..f3 and the label y (class index, or the target)
  pytorch_<name>_expected.csv   PyTorch's outputs on those rows (p_0, p_1, p_2; or value), repr() floats
"""
import pathlib

import torch
from torch import nn

OUT = pathlib.Path("backprop-onnx/src/test/resources/backprop/onnx")
torch.manual_seed(15)


class Regression(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(4, 6) * 0.5)
        self.b = nn.Parameter(torch.zeros(6))
        self.act = nn.Tanh()
        self.out = nn.Linear(6, 1)

    def forward(self, x):
        return self.out(self.act(torch.matmul(x, self.w) + self.b))


def data(n, classes):
    x = torch.randn(n, 4) * torch.tensor([1.0, 2.0, 0.5, 3.0]) + torch.tensor([0.0, 1.0, -1.0, 2.0])
    if classes:
        y = ((x[:, 0] + x[:, 1] / 2 > 0.5).long() + (x[:, 3] > 2).long())
        return x, y
    return x, (x[:, 0] * 2 - x[:, 2] + 0.3 * x[:, 3]).unsqueeze(1)


def train(model, x, y, loss):
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(150):
        opt.zero_grad()
        loss(model(x), y).backward()
        opt.step()
    model.eval()


def export(name, model, x, y, header):
    torch.onnx.export(model, x[:1], OUT / f"pytorch_{name}.onnx", input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=13)
    with torch.no_grad():
        out = model(x)
    with open(OUT / f"pytorch_{name}.csv", "w") as f:
        f.write("f0,f1,f2,f3,y\n")
        for row, label in zip(x.tolist(), y.tolist()):
            f.write(",".join(repr(v) for v in row) + "," + repr(label if not isinstance(label, list) else label[0]) + "\n")
    with open(OUT / f"pytorch_{name}_expected.csv", "w") as f:
        f.write(header + "\n")
        for row in out.tolist():
            f.write(",".join(repr(v) for v in row) + "\n")


x, y = data(200, 3)
classifier = nn.Sequential(nn.Flatten(), nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 8), nn.Sigmoid(), nn.Linear(8, 3))
train(classifier, x, y, nn.CrossEntropyLoss())
export("classifier", nn.Sequential(classifier, nn.Softmax(dim=1)).eval(), x, y, "p_0,p_1,p_2")

x, y = data(200, 0)
regression = Regression()
train(regression, x, y, nn.MSELoss())
export("regression", nn.Sequential(regression, nn.Identity()).eval(), x, y, "value")
print("torch", torch.__version__, "wrote", sorted(p.name for p in OUT.glob("pytorch_*")))
