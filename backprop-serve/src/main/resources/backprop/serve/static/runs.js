// The runs page: the folders backprop train wrote under --runs, read through /api/runs. A run
// that has not finished is polled every second; the list every few seconds.
"use strict";

const $ = id => document.getElementById(id);
let selected = decodeURIComponent(location.hash.slice(1)) || null;
let pollTimer = null;

async function loadList() {
  const r = await requestJson("/api/runs");
  if (!r.ok) return;
  $("folder").textContent = r.body.folder;
  const items = r.body.runs.map(run => {
    const accuracy = typeof run.test_accuracy === "number" ? " · accuracy " + run.test_accuracy.toFixed(4) : "";
    const li = el("li", {"data-run": run.name, class: run.name === selected ? "selected" : ""},
      el("div", {}, el("b", {}, run.name), " ", el("span", {class: "badge " + run.status}, run.status)),
      el("div", {class: "muted"}, (run.data || "") + " · " + run.epochs + " epochs" + accuracy));
    li.addEventListener("click", () => { selected = run.name; location.hash = encodeURIComponent(run.name); loadList(); loadRun(); });
    return li;
  });
  $("run-list").replaceChildren(...(items.length ? items : [el("li", {class: "muted"},
    r.body.missing ? "The folder does not exist yet: runs appear here once backprop train --out writes into it."
                   : "No runs yet.")]));
  if (!selected && r.body.runs.length) {
    selected = r.body.runs[0].name;
    loadRun();
  }
}

async function loadRun() {
  clearTimeout(pollTimer);
  if (!selected) return;
  const name = selected;
  const r = await requestJson("/api/runs/" + encodeURIComponent(name));
  if (name !== selected) return;
  if (!r.ok) {
    $("run").replaceChildren(el("p", {class: "failed"}, r.body.error));
    return;
  }
  renderRun(r.body);
  if (r.body.status !== "finished") pollTimer = setTimeout(loadRun, 1000);
}

function renderRun(run) {
  const parts = [el("h1", {}, run.name, " ", el("span", {class: "badge " + run.status, id: "run-status"}, run.status))];
  if (run.status !== "finished") {
    parts.push(el("p", {class: "muted"}, "In progress (or stopped): epoch " + run.epochs.length + " written "
      + Math.max(0, Math.round((Date.now() - run.updated) / 1000)) + " s ago; this page follows it."));
  }
  if (run.problems.length) parts.push(el("pre", {class: "error"}, run.problems.join("\n")));
  if (run.metrics) parts.push(el("h2", {}, "Metrics"), keyValues(run.metrics, "metrics"));
  parts.push(el("h2", {}, "Curves"), curves(run));
  if (run.confusion) parts.push(el("h2", {}, "Confusion matrix (test set; rows true, columns predicted)"), confusion(run));
  if (run.architecture) parts.push(el("h2", {}, "Architecture"), architecture(run));
  parts.push(el("h2", {}, "Options"), keyValues(run.options, "options"));
  $("run").replaceChildren(...parts);
}

function keyValues(object, id) {
  const rows = Object.entries(object).map(([k, v]) =>
    el("tr", {}, el("td", {class: "name"}, k), el("td", {class: "name", "data-key": k}, typeof v === "number" ? fmt(v) : JSON.stringify(v).replace(/^"|"$/g, ""))));
  return el("table", {id: id}, ...rows);
}

/** Loss, and accuracy (or RMSE), per epoch: train in blue, test in orange. */
function curves(run) {
  const box = el("div", {class: "charts", id: "curves"});
  const epochs = run.epochs;
  const second = epochs.some(e => typeof e.test_accuracy === "number") ? ["train_accuracy", "test_accuracy", "accuracy"]
    : ["train_rmse", "test_rmse", "RMSE"];
  for (const [train, test, title] of [["train_loss", "test_loss", "loss"], second]) {
    box.append(chart(title, epochs.map(e => e.epoch), epochs.map(e => e[train]), epochs.map(e => e[test])));
  }
  return box;
}

function chart(title, xs, train, test) {
  const W = 360, H = 220, L = 48, R = 12, T = 22, B = 30;
  const svg = svgEl("svg", {class: "chart", width: W, height: H, "data-chart": title});
  const ys = train.concat(test).filter(v => typeof v === "number");
  svg.append(svgEl("text", {x: L, y: 14}, title + " (train blue, test orange)"));
  if (!xs.length || !ys.length) {
    svg.append(svgEl("text", {x: L, y: H / 2}, "no epoch finished yet"));
    return svg;
  }
  let lo = Math.min(...ys), hi = Math.max(...ys);
  if (hi === lo) { hi += 0.5; lo -= 0.5; }
  const x0 = Math.min(...xs), x1 = Math.max(...xs) === x0 ? x0 + 1 : Math.max(...xs);
  const px = x => L + (x - x0) / (x1 - x0) * (W - L - R);
  const py = y => T + (hi - y) / (hi - lo) * (H - T - B);
  svg.append(svgEl("line", {class: "axis", x1: L, y1: H - B, x2: W - R, y2: H - B}), svgEl("line", {class: "axis", x1: L, y1: T, x2: L, y2: H - B}));
  for (const y of [lo, (lo + hi) / 2, hi]) svg.append(svgEl("text", {x: 2, y: py(y) + 4}, fmt(parseFloat(y.toPrecision(3)))));
  svg.append(svgEl("text", {x: L, y: H - 8}, "epoch " + x0), svgEl("text", {x: W - R - 50, y: H - 8}, "epoch " + x1));
  for (const [cls, series] of [["train", train], ["test", test]]) {
    const pts = xs.map((x, i) => [x, series[i]]).filter(p => typeof p[1] === "number");
    if (!pts.length) continue;
    svg.append(svgEl("polyline", {class: cls, points: pts.map(p => px(p[0]).toFixed(1) + "," + py(p[1]).toFixed(1)).join(" ")}));
    for (const p of pts) svg.append(svgEl("circle", {cx: px(p[0]), cy: py(p[1]), r: 2.5, class: cls}));
  }
  return svg;
}

function confusion(run) {
  const m = run.confusion;
  const classes = run.classes || m.map((_, i) => String(i));
  const max = Math.max(1, ...m.flat());
  const table = el("table", {class: "confusion", id: "confusion"},
    el("tr", {}, el("th", {}, ""), ...classes.map(c => el("th", {}, c))));
  m.forEach((row, i) => table.append(el("tr", {}, el("th", {class: "name"}, classes[i]),
    ...row.map((v, j) => {
      const td = el("td", {}, v);
      td.style.background = (i === j ? "rgba(37,99,235," : "rgba(234,88,12,") + (0.08 + 0.6 * v / max).toFixed(2) + ")";
      return td;
    }))));
  return table;
}

/** A layer of model.json's format 2 as PyTorch prints it; nested sequentials are flattened in order. */
function layerNames(layer, out) {
  if (layer.type === "sequential") {
    (layer.layers || []).forEach(l => layerNames(l, out));
  } else if (layer.type === "linear") {
    out.push("Linear(" + layer.in + ", " + layer.out + (layer.bias === false ? ", bias=false" : "") + ")");
  } else if (layer.type === "dropout") {
    out.push("Dropout(" + layer.p + ")");
  } else {
    out.push(String(layer.type));
  }
  return out;
}

/** The network's layers in order (format 2's layer list, or format 1's multilayer perceptron). */
function architecture(run) {
  const a = run.architecture;
  const box = el("div", {id: "architecture"});
  if (a && typeof a.type === "string" && a.type !== "mlp") {
    const chain = el("div", {class: "arch"});
    layerNames(a, []).forEach((name, i) => {
      if (i > 0) chain.append("→");
      chain.append(el("span", {class: "layer"}, name));
    });
    if (run.objective) chain.append("→", el("span", {class: "layer"}, run.objective));
    box.append(chain);
    return box;
  }
  if (a && Array.isArray(a.hidden) && typeof a.inputs === "number") {
    const widths = [a.inputs, ...a.hidden, a.outputs];
    const chain = el("div", {class: "arch"}, el("span", {class: "layer"}, a.inputs + " inputs"));
    for (let i = 1; i < widths.length; i++) {
      chain.append("→", el("span", {class: "layer"}, "Linear(" + widths[i - 1] + ", " + widths[i] + ")"));
      if (i < widths.length - 1) {
        chain.append("→", el("span", {class: "layer"}, a.activation));
        if (a.dropout) chain.append("→", el("span", {class: "layer"}, "Dropout(" + a.dropout + ")"));
      }
    }
    if (run.objective) chain.append("→", el("span", {class: "layer"}, run.objective));
    box.append(chain);
  }
  box.append(keyValues(a || {}, "architecture-fields"));
  return box;
}

loadList();
if (selected) loadRun();
setInterval(loadList, 3000);
window.addEventListener("hashchange", () => {
  selected = decodeURIComponent(location.hash.slice(1)) || null;
  loadList();
  loadRun();
});
