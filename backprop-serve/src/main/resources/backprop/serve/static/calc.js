// The calculator page: the program in an editor, POST /api/grad on every change, the graph as
// SVG laid out by dagre, and stepping through the forward and backward passes.
"use strict";

const state = {
  file: "program.bp",
  result: null,          // the last successful answer of /api/grad
  values: {},            // leaves given new values with the fields and sliders
  mode: "all",           // "all", "forward" or "backward"
  step: 0,               // how many steps of that pass are shown
  selected: null,
  sequence: 0,           // answers to older requests are dropped
};

const $ = id => document.getElementById(id);
const program = $("program");

async function loadExamples() {
  const r = await requestJson("/api/examples");
  for (const ex of r.body) {
    $("examples").append(el("button", {"data-example": ex.name, onclick: () => openExample(ex)}, ex.name.replace(/\.bp$/, "")));
  }
  const first = r.body.find(e => e.name === "exam-two-layer.bp") || r.body[0];
  if (first) openExample(first);
}

function openExample(ex) {
  state.file = ex.name;
  state.values = {};
  state.selected = null;
  program.value = ex.text;
  document.querySelectorAll("[data-example]").forEach(b => b.classList.toggle("active", b.dataset.example === ex.name));
  $("of").replaceChildren();
  changed();
}

let timer = null;
program.addEventListener("input", () => {
  state.values = {};     // the leaves may have changed: the fields start again from the text
  clearTimeout(timer);
  timer = setTimeout(changed, 200);
});
program.addEventListener("scroll", () => { $("gutter").scrollTop = program.scrollTop; });
$("of").addEventListener("change", evaluate);
$("check").addEventListener("change", evaluate);

function changed() {
  drawGutter(null);
  evaluate();
}

function drawGutter(errorLine) {
  const n = program.value.split("\n").length;
  const spans = [];
  for (let i = 1; i <= n; i++) spans.push(el("span", i === errorLine ? {class: "err", id: "error-line"} : {}, i));
  $("gutter").replaceChildren(...spans);
  $("gutter").scrollTop = program.scrollTop;
}

async function evaluate() {
  const sequence = ++state.sequence;
  const payload = {program: program.value, file: state.file, values: state.values, check: $("check").checked};
  if ($("of").value) payload.of = $("of").value;
  const started = performance.now();
  const r = await requestJson("/api/grad", payload);
  if (sequence !== state.sequence) return;
  const ms = Math.round(performance.now() - started);
  if (!r.ok) {
    showError(r.body);
    $("status").textContent = "";
    return;
  }
  $("error").hidden = true;
  drawGutter(null);
  state.result = r.body;
  if (!state.result.nodes.some(n => n.name === state.selected)) state.selected = null;
  state.mode = "all";
  $("status").textContent = "computed in " + ms + " ms";
  $("graph").classList.remove("stale");
  renderOf();
  renderLeaves();
  renderCheck();
  $("cli").textContent = r.body.table + "\n" + r.body.explain;
  render();
}

function showError(body) {
  const e = $("error");
  e.hidden = false;
  e.textContent = body.error;
  e.dataset.line = body.line || "";
  drawGutter(body.line || null);
  $("graph").classList.add("stale");
}

function renderOf() {
  const select = $("of");
  const current = state.result.of;
  const names = state.result.nodes.filter(n => n.kind !== "const").map(n => n.name);
  if ([...select.options].map(o => o.value).join() !== names.join()) {
    select.replaceChildren(...names.map(n => el("option", {value: n}, n)));
  }
  select.value = current;
}

function renderLeaves() {
  const box = $("leaves");
  box.replaceChildren();
  for (const node of state.result.nodes.filter(n => n.kind === "input" || n.kind === "param")) {
    const value = state.result.report.values[node.name];
    const edit = el("div", {class: "leaf-edit"});
    if (typeof value === "number") {
      const span = Math.max(1, Math.abs(value)) * 3;
      const number = el("input", {type: "number", step: "any", value: value, "data-leaf": node.name});
      const slider = el("input", {type: "range", min: -span, max: span, step: span / 300, value: value, "data-slider": node.name});
      number.addEventListener("change", () => setLeaf(node.name, parseFloat(number.value)));
      slider.addEventListener("input", () => { number.value = slider.value; setLeaf(node.name, parseFloat(slider.value)); });
      edit.append(number, slider);
    } else {
      const text = el("input", {type: "text", value: JSON.stringify(value), "data-leaf": node.name});
      text.addEventListener("change", () => {
        try {
          setLeaf(node.name, JSON.parse(text.value));
        } catch (e) {
          showError({error: node.name + ": not a number, vector or matrix in JSON: " + e.message});
        }
      });
      edit.append(text);
    }
    box.append(el("label", {}, node.name + " (" + node.kind + ")"), edit);
  }
}

function setLeaf(name, value) {
  if (typeof value === "number" && !isFinite(value)) return;
  state.values[name] = value;
  evaluate();
}

function renderCheck() {
  const c = state.result.check;
  const box = $("check-result");
  if (!c) {
    box.replaceChildren(el("span", {class: "muted"}, "off"));
    return;
  }
  const rows = c.leaves.map(l => el("tr", {"data-check": l.name},
    el("td", {class: "name"}, l.name),
    el("td", {}, l.error === null ? "not finite" : l.error.toExponential(3)),
    el("td", {class: l.ok ? "ok" : "failed"}, l.ok ? "ok" : "FAILED")));
  box.replaceChildren(
    el("table", {}, el("tr", {}, el("th", {class: "name"}, "leaf"), el("th", {}, "max error"), el("th", {}, "")), ...rows),
    el("p", {class: c.passed ? "ok" : "failed", id: "check-verdict"}, c.passed ? "check passed" : "check FAILED"));
}

// ---- the graph --------------------------------------------------------------------------

const CHAR = 7.3, LINE = 16, PAD = 8;

/** What the node shows now: a value or adjoint is "?" until the step that computes it. */
function shown(node) {
  const r = state.result;
  const forwardDone = state.mode !== "forward" ? Infinity : state.step;
  const valueIndex = r.forward.findIndex(s => s.name === node.name);
  const backwardIndex = r.backward.findIndex(s => s.name === node.name);
  const valueKnown = valueIndex < forwardDone;
  let adjointKnown = state.mode === "all" || (state.mode === "backward" && (backwardIndex < 0 || backwardIndex < state.step));
  return {valueKnown, adjointKnown};
}

function labelLines(node) {
  const r = state.result;
  const {valueKnown, adjointKnown} = shown(node);
  const title = node.kind === "node" ? node.name + " = " + node.expr : node.name + " (" + node.kind + ")";
  const lines = [{cls: "title", text: title.length > 44 ? title.slice(0, 43) + "…" : title}];
  lines.push({cls: valueKnown ? "value" : "value hidden-value", text: "value " + (valueKnown ? fmtValue(r.report.values[node.name], 40) : "?")});
  if (node.kind !== "const") {
    const g = r.report.gradients[node.name];
    lines.push({cls: adjointKnown ? "adjoint" : "adjoint hidden-value",
      text: "d" + r.of + "/d" + node.name + " " + (adjointKnown ? fmtValue(g, 40) : "?")});
  }
  return lines;
}

function render() {
  const r = state.result;
  if (!r) return;
  const g = new dagre.graphlib.Graph();
  g.setGraph({rankdir: "LR", nodesep: 18, ranksep: 46, marginx: 10, marginy: 10});
  g.setDefaultEdgeLabel(() => ({}));
  const labels = {};
  for (const node of r.nodes) {
    labels[node.name] = labelLines(node);
    const width = Math.max(...labels[node.name].map(l => l.text.length)) * CHAR + 2 * PAD;
    g.setNode(node.name, {width: width, height: labels[node.name].length * LINE + 2 * PAD - 4});
  }
  for (const node of r.nodes) for (const u of node.uses) g.setEdge(u, node.name);
  dagre.layout(g);

  const size = g.graph();
  const svg = svgEl("svg", {xmlns: SVG_NS, id: "graph-svg", width: Math.ceil(size.width), height: Math.ceil(size.height),
    viewBox: "0 0 " + Math.ceil(size.width) + " " + Math.ceil(size.height)});
  const marker = svgEl("marker", {id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto"});
  marker.append(svgEl("path", {d: "M0,0 L10,5 L0,10 z", fill: "#9ca3af"}));
  const defs = svgEl("defs");
  defs.append(marker);
  svg.append(defs);
  for (const e of g.edges()) {
    const pts = g.edge(e).points;
    svg.append(svgEl("path", {class: "edge", "data-from": e.v, "data-to": e.w, "marker-end": "url(#arrow)",
      d: "M" + pts.map(p => p.x.toFixed(1) + "," + p.y.toFixed(1)).join(" L")}));
  }
  const current = currentStep();
  for (const node of r.nodes) {
    const n = g.node(node.name);
    const group = svgEl("g", {class: "node kind-" + node.kind + (node.name === r.of ? " output" : "")
        + (node.name === state.selected ? " selected" : "")
        + (current && current.name === node.name ? " current" : ""),
      "data-name": node.name, transform: "translate(" + (n.x - n.width / 2).toFixed(1) + "," + (n.y - n.height / 2).toFixed(1) + ")"});
    group.append(svgEl("rect", {width: n.width, height: n.height, rx: 4}));
    labels[node.name].forEach((l, i) => group.append(svgEl("text", {class: l.cls, x: PAD, y: PAD + 11 + i * LINE}, l.text)));
    group.addEventListener("click", () => select(node.name));
    svg.append(group);
  }
  $("graph").replaceChildren(svg);
  renderStep();
  renderDetails();
}

function select(name) {
  state.selected = name;
  render();
}

function renderDetails() {
  const r = state.result;
  const node = r.nodes.find(n => n.name === state.selected);
  if (!node) {
    $("details").replaceChildren(el("span", {class: "muted"}, "Click a node for its value, adjoint and explanation."));
    return;
  }
  const {valueKnown, adjointKnown} = shown(node);
  const full = v => JSON.stringify(v).replace(/,/g, ", ");
  const items = [["node", node.name + " (" + node.kind + ", line " + node.line + ")"],
    ["expression", node.expr], ["shape", node.shape.length ? node.shape.join(" x ") : "scalar"],
    ["value", valueKnown ? full(r.report.values[node.name]) : "? (not computed yet)"]];
  if (node.kind !== "const") {
    items.push(["d" + r.of + "/d" + node.name, adjointKnown ? full(r.report.gradients[node.name]) : "? (not computed yet)"]);
  }
  const dl = el("dl", {});
  for (const [k, v] of items) dl.append(el("dt", {}, k), el("dd", {"data-field": k}, v));
  const rule = pass => (r[pass].find(s => s.name === node.name) || {}).rule;
  const parts = [dl];
  if (valueKnown && node.kind === "node") parts.push(el("h2", {}, "forward"), el("pre", {id: "forward-rule"}, rule("forward")));
  if (adjointKnown && rule("backward")) parts.push(el("h2", {}, "backward"), el("pre", {id: "backward-rule"}, rule("backward")));
  if (node.explain) parts.push(el("h2", {}, "--explain"), el("pre", {id: "explain-entry"}, node.explain));
  $("details").replaceChildren(...parts);
}

// ---- stepping ---------------------------------------------------------------------------

function currentStep() {
  const r = state.result;
  if (state.mode === "forward" && state.step > 0) return r.forward[state.step - 1];
  if (state.mode === "backward" && state.step > 0) return r.backward[state.step - 1];
  return null;
}

function stepIn(mode) {
  if (!state.result) return;
  const steps = state.result[mode];
  if (state.mode !== mode) {
    state.mode = mode;
    state.step = 0;
  }
  if (state.step < steps.length) state.step++;
  render();
}

function renderStep() {
  const s = currentStep();
  const box = $("step");
  if (!s) {
    box.textContent = state.mode === "all" ? "All values and adjoints shown. Step forward or backward to watch them computed."
      : state.mode + " pass: nothing computed yet";
    box.dataset.step = "";
    return;
  }
  const total = state.result[state.mode].length;
  box.dataset.step = s.name;
  box.textContent = state.mode + " step " + state.step + " of " + total + ": " + s.name + "\n" + s.rule;
}

$("step-forward").addEventListener("click", () => stepIn("forward"));
$("step-backward").addEventListener("click", () => stepIn("backward"));
$("show-all").addEventListener("click", () => { state.mode = "all"; render(); });
$("download-json").addEventListener("click", () => {
  if (state.result) download(state.file.replace(/\.bp$/, "") + ".json", "application/json", state.result.json + "\n");
});
$("download-svg").addEventListener("click", () => {
  const svg = $("graph-svg");
  if (!svg) return;
  const copy = svg.cloneNode(true);
  const style = svgEl("style", {}, [...document.styleSheets].flatMap(s => [...s.cssRules]).map(r => r.cssText)
    .filter(t => t.includes("svg") || t.startsWith(":root")).join("\n").replace(/\.graph svg /g, ""));
  copy.prepend(style);
  download(state.file.replace(/\.bp$/, "") + ".svg", "image/svg+xml", new XMLSerializer().serializeToString(copy));
});

loadExamples();
