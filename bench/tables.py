#!/usr/bin/python3
"""backprop4j's `backprop train` at its defaults against scikit-learn, on scikit-learn's own tables.

    bench/tables.py [--epochs N] [--keep DIR]

Uses Debian's python3-sklearn (apt-get install python3-sklearn): its load_breast_cancer,
load_wine and load_diabetes read the CSV files it ships under sklearn/datasets/data/. Each
table is written as a CSV with a header, split once (seed 0, a quarter for testing,
stratified for the classes) into train.csv and test.csv, then
  - scikit-learn fits StandardScaler + LogisticRegression (classes) or LinearRegression (diabetes)
    on train.csv;
  - backprop4j runs `bin/backprop train --data train.csv --target target --epochs N --quiet`
    at every other default (so it holds out its own 20 % of train.csv as its test split), and
    diabetes with `--hidden ""` (linear regression); then
    `bin/backprop evaluate --model M --data test.csv --split all --json`;
and both are scored on test.csv. The targets of the issue (#14): accuracy no more than 2 points
below LogisticRegression's, RMSE no more than 5 % above LinearRegression's.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from sklearn import datasets
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import accuracy_score, mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write_csv(path, names, x, y):
    with open(path, "w") as f:
        f.write(",".join(names + ["target"]) + "\n")
        for row, t in zip(x, y):
            f.write(",".join(repr(float(v)) for v in row) + "," + (str(int(t)) if isinstance(t, (np.integer, int)) else repr(float(t))) + "\n")


def backprop(*args):
    out = subprocess.run([os.path.join(ROOT, "bin", "backprop"), *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"backprop {' '.join(args)} failed ({out.returncode}):\n{out.stderr}")
    return out.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--keep", help="write the CSV files and models here instead of a temporary folder")
    args = parser.parse_args()
    work = args.keep or tempfile.mkdtemp(prefix="backprop-tables-")
    os.makedirs(work, exist_ok=True)
    tables = [
        ("breast cancer", datasets.load_breast_cancer(), "classification", []),
        ("wine", datasets.load_wine(), "classification", []),
        ("diabetes", datasets.load_diabetes(scaled=False), "regression", ["--hidden", ""]),
    ]
    rows = []
    for name, bunch, task, extra in tables:
        x, y = bunch.data, bunch.target
        names = [str(n).replace(" ", "_") for n in bunch.feature_names]
        x_train, x_test, y_train, y_test = train_test_split(
            x, y, test_size=0.25, random_state=0, stratify=y if task == "classification" else None)
        folder = os.path.join(work, name.replace(" ", "-"))
        os.makedirs(folder, exist_ok=True)
        train, test = os.path.join(folder, "train.csv"), os.path.join(folder, "test.csv")
        write_csv(train, names, x_train, y_train)
        write_csv(test, names, x_test, y_test)
        model = os.path.join(folder, "model")
        backprop("train", "--data", train, "--target", "target", "--task", task, "--epochs", str(args.epochs),
                 "--quiet", "--out", model, *extra)
        ours = json.loads(backprop("evaluate", "--model", model, "--data", test, "--split", "all", "--json"))
        if task == "classification":
            sk = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000)).fit(x_train, y_train)
            theirs = accuracy_score(y_test, sk.predict(x_test))
            rows.append((name, "accuracy", ours["accuracy"], theirs, "LogisticRegression",
                         ours["accuracy"] >= theirs - 0.02))
        else:
            sk = make_pipeline(StandardScaler(), LinearRegression()).fit(x_train, y_train)
            theirs = mean_squared_error(y_test, sk.predict(x_test)) ** 0.5
            rows.append((name, "RMSE", ours["rmse"], theirs, "LinearRegression", ours["rmse"] <= 1.05 * theirs))
    print(f"backprop train at defaults, --epochs {args.epochs}; scikit-learn {__import__('sklearn').__version__}; "
          f"test = a quarter of each table (seed 0)")
    print(f"| table | metric | backprop4j | scikit-learn | model | within target |")
    print(f"| --- | --- | --- | --- | --- | --- |")
    for name, metric, ours, theirs, what, ok in rows:
        print(f"| {name} | {metric} | {ours:.4f} | {theirs:.4f} | {what} | {'yes' if ok else 'NO'} |")
    return 0 if all(r[-1] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
