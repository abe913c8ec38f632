// Shared by the calculator and runs pages: requests, number formatting, SVG elements, downloads.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";

/** GET or POST JSON; resolves to {ok, status, body} so that a 4xx's message reaches the page. */
async function requestJson(url, payload) {
  const init = payload === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(payload)};
  const response = await fetch(url, init);
  let body;
  try {
    body = await response.json();
  } catch (e) {
    body = {error: "the server answered " + response.status + " without JSON"};
  }
  return {ok: response.ok, status: response.status, body: body};
}

/** A number with 6 significant digits, no trailing zeros: 0.880797, 1.3808, 2, -1.5e-8. */
function fmt(v) {
  if (v === null || v === undefined) return "";
  if (typeof v !== "number") return String(v);
  if (v === 0) return "0";
  return String(parseFloat(v.toPrecision(6)));
}

/** A scalar, vector or matrix (as --json writes them) with fmt, shortened past max characters. */
function fmtValue(v, max) {
  const s = Array.isArray(v) ? "[" + v.map(x => fmtValue(x)).join(", ") + "]" : fmt(v);
  return max && s.length > max ? s.slice(0, max - 1) + "…" : s;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function svgEl(tag, attrs, text) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function download(name, type, text) {
  const a = el("a", {href: URL.createObjectURL(new Blob([text], {type: type})), download: name});
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 0);
}
