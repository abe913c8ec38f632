#!/usr/bin/env bash
# End-to-end training benchmark, backprop4j's `backprop train` against PyTorch, side by side.
#
#   bench/compare.sh [--runs N] [--workloads W1,W2,W3] [--threads default,1,2] [--busy N]
#                    [--epochs N] [--seeds] [--no-build] [--no-write]
#
# Builds the CLI once, then runs each workload in backprop4j and in PyTorch ALTERNATELY, N
# times each (the order flips every run so that drift in the machine's load hits both
# sides alike). backprop4j runs once per --threads setting in every round: "default" is the
# command as a user types it, without --threads (the number the ratio is taken from); the
# others are explicit --threads values beside it. --busy N keeps N cores busy with
# `stress-ng --cpu N` for the whole measurement (the test of behaviour on a loaded machine),
# and the section says so. --seeds gives run r the seed r on both sides (else both keep their
# default seed), so that the accuracy's spread is the seed-to-seed spread. --epochs N trains N
# epochs instead of the workloads' 5 (10 is `backprop train`'s own default). Prints medians of:
# training samples/s (the training steps alone: forward, loss, backward, update), test
# accuracy, the whole process's wall time and its peak RSS (/usr/bin/time). Writes the table into bench/RESULTS.md between the markers
#   <!-- end-to-end:begin --> and <!-- end-to-end:end -->
# (the rest of that file belongs to other sections) and every single run into
# bench/results/end-to-end-<timestamp>.tsv.
#
# Workloads (Fashion-MNIST from /usr/share/datasets/fashion-mnist, pixels in [0,1], 5 epochs unless --epochs):
#   W1  MLP 784-256-128-10 ReLU, softmax cross-entropy, Adam lr 1e-3, batch 128
#   W2  W1 with batch 32 (per-step overhead dominates)
#   W3  logistic regression 784-10, softmax cross-entropy, SGD lr 0.1, batch 128
# PyTorch gets its fastest configuration on 2 cores:
# torch.set_num_threads(1), OMP_NUM_THREADS=1, OPENBLAS_NUM_THREADS=$PT_OPENBLAS_THREADS
# (default 2; override with the environment variables PT_THREADS / PT_OMP_THREADS /
# PT_OPENBLAS_THREADS to try others). OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are left as
# the environment has them, for both sides.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/bench"
PY=/usr/bin/python3          # Debian's python3 with python3-torch; a pyenv python3 on PATH has none
DATA=/usr/share/datasets/fashion-mnist
runs=3
workloads="W1,W2,W3"
build=1
write=1
PT_THREADS="${PT_THREADS:-1}"
PT_OMP_THREADS="${PT_OMP_THREADS:-1}"
PT_OPENBLAS_THREADS="${PT_OPENBLAS_THREADS:-2}"
bp_threads="default,1,2"
busy=0
epochs=5
seeds=0

usage() { sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --runs=*) runs="${1#*=}"; shift ;;
    --workloads) workloads="$2"; shift 2 ;;
    --workloads=*) workloads="${1#*=}"; shift ;;
    --threads) bp_threads="$2"; shift 2 ;;
    --threads=*) bp_threads="${1#*=}"; shift ;;
    --busy) busy="$2"; shift 2 ;;
    --busy=*) busy="${1#*=}"; shift ;;
    --epochs) epochs="$2"; shift 2 ;;
    --epochs=*) epochs="${1#*=}"; shift ;;
    --seeds) seeds=1; shift ;;
    --no-build) build=0; shift ;;
    --no-write) write=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "compare.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --runs must be a whole number >= 1" >&2; exit 2; }
[[ "$busy" =~ ^[0-9]+$ ]] || { echo "compare.sh: --busy must be a number of cores" >&2; exit 2; }
[[ "$epochs" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --epochs must be a whole number >= 1" >&2; exit 2; }
[[ "$bp_threads" =~ ^(default|[1-9][0-9]*)(,(default|[1-9][0-9]*))*$ ]] \
  || { echo "compare.sh: --threads must list 'default' or thread counts, e.g. default,1,2" >&2; exit 2; }
[[ ",$bp_threads," == *,default,* ]] || bp_threads="default,$bp_threads"   # the ratio is taken at the defaults
IFS=, read -r -a bp_settings <<< "$bp_threads"
if [ "$busy" -gt 0 ] && ! command -v stress-ng >/dev/null; then
  [ "$(id -u)" -eq 0 ] || { echo "compare.sh: --busy needs stress-ng (apt-get install stress-ng)" >&2; exit 2; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends stress-ng >/dev/null
fi
[ -x /usr/bin/time ] || { echo "compare.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
# PyTorch, and the OpenBLAS Debian's torch does its GEMMs through: without it the alternatives
# system points libblas.so.3 at the reference BLAS, which trains W1 ten times slower than PyTorch can.
torch_blas() { update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | sed -n 's/^Value: //p' || true; }
need=()
"$PY" -c 'import torch' 2>/dev/null || need+=(python3-torch)
[[ "$(torch_blas)" == *openblas* ]] || need+=(libopenblas0-pthread)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "compare.sh: PyTorch needs ${need[*]}; run as root to install them, or: apt-get install ${need[*]}" >&2; exit 2; }
  echo "compare.sh: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
[ -d "$DATA" ] || { echo "compare.sh: no $DATA (apt-get install dataset-fashion-mnist)" >&2; exit 2; }

# Per workload: backprop train options, then the PyTorch script's options.
bp_args() {
  case "$1" in
    W1) echo "--hidden 256,128 --optimizer adam --lr 0.001 --batch-size 128" ;;
    W2) echo "--hidden 256,128 --optimizer adam --lr 0.001 --batch-size 32" ;;
    W3) echo "--hidden= --optimizer sgd --lr 0.1 --batch-size 128" ;;
    *) echo "compare.sh: unknown workload $1 (W1, W2, W3)" >&2; exit 2 ;;
  esac
}
pt_args() {
  case "$1" in
    W1) echo "--hidden 256,128 --optimizer adam --lr 0.001 --batch-size 128" ;;
    W2) echo "--hidden 256,128 --optimizer adam --lr 0.001 --batch-size 32" ;;
    W3) echo "--hidden= --optimizer sgd --lr 0.1 --batch-size 128" ;;
  esac
}
describe() {
  case "$1" in
    W1) echo "MLP 784-256-128-10 ReLU, Adam 1e-3, batch 128" ;;
    W2) echo "MLP 784-256-128-10 ReLU, Adam 1e-3, batch 32" ;;
    W3) echo "logistic regression 784-10, SGD 0.1, batch 128" ;;
  esac
}
IFS=, read -r -a wl <<< "$workloads"
for w in "${wl[@]}"; do bp_args "$w" >/dev/null; done

if [ "$build" = 1 ]; then
  echo "compare.sh: building the CLI (mvn package, tests skipped)..." >&2
  "$root/bin/setup" >&2
  # package, not install: the reactor resolves the sibling modules from this work tree, never
  # from ~/.m2, so another work tree's install cannot leak into the measurement.
  (cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -pl backprop-cli -am package >&2)
  touch "$root/backprop-cli/target/.built"   # bin/backprop: up to date, do not rebuild
fi

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
work="$(mktemp -d "${TMPDIR:-/tmp}/backprop-compare.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# bin/backprop makes its class-data archive for training on the first training run after a build
# (about 3 s): made here, untimed, so that no measured run pays for it
"$root/bin/backprop" train --data digits --epochs 1 --quiet --out "$work/archive-run" > "$work/archive-run.log" 2>&1 \
  || { echo "compare.sh: bin/backprop train failed:" >&2; cat "$work/archive-run.log" >&2; exit 1; }
tsv="$work/end-to-end-$stamp.tsv"
printf 'workload\tframework\trun\tsamples_per_second\ttest_accuracy\twall_seconds\tpeak_rss_mb\ttrain_seconds\tload_before\n' > "$tsv"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty="$(git -C "$root" status --porcelain -- backprop-core backprop-blas backprop-cli 2>/dev/null | head -c1)"
[ -n "$dirty" ] && commit="$commit (+ uncommitted changes)"

seed_arg() { [ "$seeds" = 0 ] || echo "--seed $1"; }

run_backprop() {  # workload run threads-setting
  local w="$1" r="$2" t="$3" out="$work/bp-$1-$2-$3" load fw=backprop4j threads=()
  [ "$t" = default ] || { fw="backprop4j-t$t"; threads=(--threads "$t"); }
  load="$(cut -d' ' -f1 /proc/loadavg)"
  # shellcheck disable=SC2046
  /usr/bin/time -f '%e %M' -o "$out.time" "$root/bin/backprop" train --data fashion-mnist $(bp_args "$w") \
      --epochs $epochs "${threads[@]}" $(seed_arg "$r") --standardize no --quiet --out "$out" --metrics "$out.json" > "$out.log" 2>&1 \
    || { echo "compare.sh: backprop4j $w run $r failed:" >&2; cat "$out.log" >&2; exit 1; }
  "$PY" - "$w" "$fw" "$r" "$out.json" "$out.time" "$load" >> "$tsv" <<'EOF'
import json, sys
w, fw, r, metrics, timing, load = sys.argv[1:]
m = json.load(open(metrics))
wall, rss_kb = open(timing).read().split()[-2:]
print(f"{w}\t{fw}\t{r}\t{m['samples_per_second']:.1f}\t{m['test_accuracy']:.4f}\t{float(wall):.2f}\t{int(rss_kb)/1024:.0f}\t{m['train_seconds']:.3f}\t{load}")
EOF
  tail -n1 "$tsv" >&2
}

run_pytorch() {  # workload run
  local w="$1" r="$2" out="$work/pt-$1-$2" load
  load="$(cut -d' ' -f1 /proc/loadavg)"
  # shellcheck disable=SC2046
  OMP_NUM_THREADS="$PT_OMP_THREADS" OPENBLAS_NUM_THREADS="$PT_OPENBLAS_THREADS" \
    /usr/bin/time -f '%e %M' -o "$out.time" "$PY" "$bench/pytorch_mlp.py" --data "$DATA" $(pt_args "$w") \
      --epochs $epochs --threads "$PT_THREADS" $(seed_arg "$r") > "$out.json" 2> "$out.log" \
    || { echo "compare.sh: PyTorch $w run $r failed:" >&2; cat "$out.log" >&2; exit 1; }
  "$PY" - "$w" pytorch "$r" "$out.json" "$out.time" "$load" >> "$tsv" <<'EOF'
import json, sys
w, fw, r, metrics, timing, load = sys.argv[1:]
m = json.loads(open(metrics).read().strip().splitlines()[-1])
wall, rss_kb = open(timing).read().split()[-2:]
print(f"{w}\t{fw}\t{r}\t{m['samples_per_second']:.1f}\t{m['test_accuracy']:.4f}\t{float(wall):.2f}\t{int(rss_kb)/1024:.0f}\t{m['train_seconds']:.3f}\t{load}")
EOF
  tail -n1 "$tsv" >&2
}

run_backprops() {  # workload run: every --threads setting, in an order that turns each run
  local i n=${#bp_settings[@]}
  for ((i = 0; i < n; i++)); do run_backprop "$1" "$2" "${bp_settings[(i + $2) % n]}"; done
}
if [ "$busy" -gt 0 ]; then
  stress-ng --cpu "$busy" --timeout 3h --quiet &
  stress=$!
  trap 'kill $stress 2>/dev/null || true; rm -rf "$work"' EXIT
  sleep 5   # let the load average see it
fi
for w in "${wl[@]}"; do
  for ((r = 1; r <= runs; r++)); do
    if (( r % 2 == 1 )); then run_backprops "$w" "$r"; run_pytorch "$w" "$r"
    else run_pytorch "$w" "$r"; run_backprops "$w" "$r"; fi
  done
done
[ "$busy" -eq 0 ] || kill "$stress" 2>/dev/null
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

# The machine and the exact command, for the record.
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
jdk="$(java -version 2>&1 | head -n1)"
torch_version="$("$PY" -c 'import torch; print(torch.__version__)')"
torch_blas="$(torch_blas)"
if ls "$root/backprop-cli/target/lib" 2>/dev/null | grep -q '^backprop-blas'; then
  kernels="backprop-blas on the CLI's classpath"
else
  kernels="pure-Java kernels (no backprop-blas jar on the CLI's classpath)"
fi
command_line="bench/compare.sh --runs $runs --workloads $workloads --threads $bp_threads"
[ "$busy" -eq 0 ] || command_line="$command_line --busy $busy"
[ "$epochs" = 5 ] || command_line="$command_line --epochs $epochs"
[ "$seeds" = 0 ] || command_line="$command_line --seeds"

section="$work/section.md"
export TSV="$tsv" WORKLOADS="$workloads" RUNS="$runs" EPOCHS="$epochs" COMMAND_LINE="$command_line" COMMIT="$commit" \
  CPU="$cpu" JDK="$jdk" TORCH_VERSION="$torch_version" TORCH_BLAS="${torch_blas:-unknown}" KERNELS="$kernels" LOAD_START="$load_start" \
  LOAD_END="$load_end" BP_SETTINGS="$bp_threads" BUSY="$busy" PT_THREADS PT_OMP_THREADS PT_OPENBLAS_THREADS \
  NPROC="$(nproc)" MEM="$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)" \
  DATE="$(date -u '+%Y-%m-%d %H:%M UTC')" TSV_NAME="bench/results/$(basename "$tsv")" \
  DESC_W1="$(describe W1)" DESC_W2="$(describe W2)" DESC_W3="$(describe W3)" \
  OB_CORETYPE="${OPENBLAS_CORETYPE:-unset}" OB_L2="${OPENBLAS_L2_SIZE:-unset}"
"$PY" - > "$section" <<'EOF'
import csv, os, statistics
e = os.environ
rows = list(csv.DictReader(open(e["TSV"]), delimiter="\t"))
def values(w, fw, key):
    return [float(r[key]) for r in rows if r["workload"] == w and r["framework"] == fw]
def med(w, fw, key):
    v = values(w, fw, key)
    return statistics.median(v) if v else float("nan")
def spread(w, fw, key):
    v = values(w, fw, key)
    return f"{min(v):,.0f} - {max(v):,.0f}" if len(v) > 1 else "-"
settings = e["BP_SETTINGS"].split(",")
fws = ["backprop4j" if t == "default" else "backprop4j-t" + t for t in settings]
heads = ["backprop4j defaults" if t == "default" else f"backprop4j --threads {t}" for t in settings]
busy = int(e["BUSY"])
out = ["<!-- end-to-end:begin -->", "## End to end" + (f", with {busy} core(s) kept busy by stress-ng" if busy else ""), "",
       "Written by `bench/compare.sh`; re-run it after a change and commit the new section.", "",
       "| workload | measure | " + " | ".join(heads) + " | PyTorch | ratio defaults / PyTorch |",
       "| --- | --- | " + " | ".join("---:" for _ in heads) + " | ---: | ---: |"]
cells = [("samples/s (median)", "samples_per_second", "{:,.0f}"),
         ("test accuracy", "test_accuracy", "{:.4f}"),
         ("wall s", "wall_seconds", "{:.1f}"),
         ("peak RSS MB", "peak_rss_mb", "{:,.0f}")]
def loads(w, fw):
    v = values(w, fw, "load_before")
    return f"{min(v):.2f} - {max(v):.2f}" if v else "-"
for w in e["WORKLOADS"].split(","):
    for i, (label, key, fmt) in enumerate(cells):
        b, p = med(w, "backprop4j", key), med(w, "pytorch", key)
        name = f"**{w}** {e['DESC_' + w]}" if i == 0 else ""
        mine = " | ".join(fmt.format(med(w, fw, key)) for fw in fws)
        out.append(f"| {name} | {label} | {mine} | {fmt.format(p)} | {b / p:.2f} |")
    if int(e["RUNS"]) > 1:
        mine = " | ".join(spread(w, fw, "samples_per_second") for fw in fws)
        out.append(f"| | samples/s min - max | {mine} | {spread(w, 'pytorch', 'samples_per_second')} | |")
        acc = lambda fw: (lambda v: f"{min(v):.4f} - {max(v):.4f}")(values(w, fw, "test_accuracy"))
        out.append(f"| | test accuracy min - max | {' | '.join(acc(fw) for fw in fws)} | {acc('pytorch')} | |")
    mine = " | ".join(loads(w, fw) for fw in fws)
    out.append(f"| | 1-min load before the runs | {mine} | {loads(w, 'pytorch')} | |")
out += ["",
        f"Medians of {e['RUNS']} run(s) per side, the two sides alternating (order flipped each run). "
        "samples/s counts the training steps alone (zero-grad, forward, loss, backward, update; batch "
        "gathering and the per-epoch test evaluation excluded, the same on both sides); wall s and peak "
        "RSS are the whole process (/usr/bin/time: JVM or interpreter start-up, reading the IDX files, "
        f"{e['EPOCHS']} epochs, a test evaluation after every epoch; backprop4j also writes its model, checkpoint "
        "and curves).", "",
        f"- command: `{e['COMMAND_LINE']}`",
        f"- date: {e['DATE']}; backprop4j commit {e['COMMIT']}",
        f"- machine: {e['NPROC']} cores, {e['CPU']}, {e['MEM']}",
        f"- load average (1, 5, 15 min) at start: {e['LOAD_START']}; at end: {e['LOAD_END']}"
        + ("; **the machine was busy (1-minute load above its core count before some run) during the run: treat these numbers as noisy, "
           "compare the per-run load in the .tsv**"
           if max([float(r["load_before"]) for r in rows] + [float(e["LOAD_END"].split()[0])]) > int(e["NPROC"]) else ""),
        f"- backprop4j: `backprop train ... --standardize no --quiet`, without --threads (defaults) and with "
        f"each --threads value above, "
        f"{e['JDK']}, {e['KERNELS']}",
        f"- PyTorch {e['TORCH_VERSION']} (Debian python3-torch, /usr/bin/python3, bench/pytorch_mlp.py): "
        f"torch.set_num_threads({e['PT_THREADS']}), OMP_NUM_THREADS={e['PT_OMP_THREADS']}, "
        f"OPENBLAS_NUM_THREADS={e['PT_OPENBLAS_THREADS']}; OPENBLAS_CORETYPE={e['OB_CORETYPE']}, "
        f"OPENBLAS_L2_SIZE={e['OB_L2']}; libblas.so.3 = {e['TORCH_BLAS']}",
        f"- every run: `{e['TSV_NAME']}`",
        "<!-- end-to-end:end -->"]
print("\n".join(out))
EOF

cat "$section"
if [ "$write" = 1 ]; then
  results="$bench/RESULTS.md"
  "$PY" - "$results" "$section" <<'EOF'
import os, sys
path, section = sys.argv[1], open(sys.argv[2]).read().rstrip("\n") + "\n"
begin, end = "<!-- end-to-end:begin -->", "<!-- end-to-end:end -->"
text = open(path).read() if os.path.exists(path) else "# Benchmark results\n\n"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    text = head + section.rstrip("\n") + tail
else:
    text = text.rstrip("\n") + "\n\n" + section
tmp = path + ".tmp"
open(tmp, "w").write(text)
os.replace(tmp, path)
EOF
  mkdir -p "$bench/results"
  cp "$tsv" "$bench/results/"
  echo "compare.sh: wrote the end-to-end section of $results and bench/results/$(basename "$tsv")" >&2
fi
