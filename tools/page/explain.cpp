// tools/page/explain.cpp — the walkthrough page of `ctformer explain` (tools/page/explain.hpp): its data (every
// picture as a data: URL, every step decoded) as JSON inside the page, and the page around it.
#include "explain.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

#include "common/json.hpp"
#include "narrate.hpp"
#include "picture.hpp"

namespace ctformer::tools {

namespace {

constexpr std::string_view page_style = R"(<style>
body { font-family: system-ui, sans-serif; margin: 0; color: #222; background: #fafafa; }
header { position: sticky; top: 0; background: #fff; border-bottom: 1px solid #ccc; padding: 0.6em 1em; z-index: 1; }
h1 { font-size: 1.25em; margin: 0 0 0.3em 0; }
nav { display: flex; gap: 0.8em; align-items: center; flex-wrap: wrap; }
nav input[type=range] { flex: 1; min-width: 12em; }
button { font-size: 1em; padding: 0.3em 0.9em; }
main { padding: 0.5em 1em 2em 1em; }
#about { max-width: 60em; }
#layer-name { font-family: monospace; font-size: 1.2em; margin: 0.6em 0 0.2em 0; }
#segment { color: #666; margin: 0; }
#narration { font-family: monospace; background: #eef4ff; padding: 0.4em 0.6em; border-left: 3px solid #6a8fd8; }
table { border-collapse: collapse; font-family: monospace; font-size: 0.9em; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 0.15em 0.5em; text-align: right; }
th { background: #f0f0f0; }
td.changed { background: #ffe9a8; font-weight: bold; }
tr.predicts td:first-child { background: #dff0d8; }
tr.unread td { color: #999; background: #f4f4f4; }
.legend { color: #666; font-size: 0.9em; max-width: 60em; }
figure { margin: 0.8em 0; overflow-x: auto; }
figure img { max-width: none; border: 1px solid #ddd; background: #fff; }  /* at their own size: labels 14 px */
figcaption { color: #555; font-size: 0.9em; max-width: 60em; }
#stream svg { background: #fff; border: 1px solid #ddd; }
#stream rect.cell:hover { stroke: #000; stroke-width: 2; }
#cell-tip { position: fixed; z-index: 2; max-width: 34em; background: #fffbe6; border: 1px solid #b89b2a; padding: 0.3em 0.5em;
  font-family: monospace; font-size: 0.9em; pointer-events: none; }
.pictures { display: flex; flex-direction: column; }
#grids { display: flex; gap: 1.5em; flex-wrap: wrap; }
table.grid td { min-width: 2.6em; color: #888; }
table.grid td.fires { background: #b8e6b0; color: #000; font-weight: bold; }
table.grid caption { font-size: 0.9em; color: #555; }
p.warning { background: #fde2e1; border: 1px solid #b3261e; padding: 0.4em 0.6em; max-width: 60em; }
</style>)";

/// The page's body from the navigation to the pictures, filled in by the script.
constexpr std::string_view page_body = R"(<nav>
<select id="preset" aria-label="prompt"></select>
<button id="prev" type="button">&#9664; previous</button>
<input id="slider" type="range" min="0" max="0" value="0" aria-label="step">
<button id="next" type="button">next &#9654;</button>
<span id="where" data-step="0">step 0</span>
</nav>
</header>
<main>
<section id="about">
<h2 id="layer-name"></h2>
<p id="segment"></p>
<p id="narration"></p>
<p id="explanation"></p>
</section>
<section id="units" hidden>
<h3>Which hidden unit fired (in the row of '='), if one did</h3>
<p id="fired"></p>
<div id="grids"></div>
</section>
<section>
<h3>The registers of every row after this step, decoded</h3>
<p>@p: a cursor pointing at position p; a digit: the one-hot token a register holds; &middot;: empty. Highlighted: what this step changed. Green: rows whose prediction is part of the answer. Hover a cell for its exact values and the step that last wrote it.</p>
<p class="legend">Grey rows, before '=': attention is causal, so these rows see only part of the prompt. Their find layers average over the rows they can see, so their cursors are blends (@99.50: between two positions), the digits they read are blends (0(0.500): half a one-hot digit) and so are their flags. Nothing reads what these rows compute: attention reads only the token and position of other rows.</p>
<p id="inspected"></p>
<table id="registers"></table>
</section>
<section class="pictures">
<figure id="stream-figure"><div id="stream"></div><div id="cell-tip" role="tooltip" hidden></div><figcaption>The residual stream: one row per token, one cell per entry of the 80-wide row, grouped by register. Each register has a colour scale of its own, from 0 (white) to its largest |value| over every step (full red, or blue below 0), written after its name. Gold outlines: cells this step changed. Hover a cell for its register and column, its exact value (decimal, and raw Q31.32: the integer that is the value times 2<sup>32</sup>) and the step that last wrote it. Grey rows, before '=', are rows whose outputs nothing reads (the legend above the table says why their values are blends).</figcaption></figure>
<figure id="strip-figure"><div id="strip"></div><figcaption>Where the selected row looks (click a token to select its row): an arc to each row it attends to, as wide as the softmax weight. Hover an arc or a token for its score before the softmax and its gap to the best score; exp of a gap below &minus;22.9 is exactly 0 in fixed point, so those rows get weight 0.</figcaption></figure>
<figure id="attention-figure"><img id="attention" alt="the attention pattern of this layer"><figcaption>The attention pattern: each row's softmax weight on each earlier row.</figcaption></figure>
<div id="weights"></div>
</section>
<section id="diagrams">
<h3>What each instruction reads and writes, and the cursors and the carry pass by pass</h3>
<div id="dataflow"></div>
<div id="timeline"></div>
</section>
<section id="every-input">
<h3>Why this is right for every input, not just this prompt</h3>
<p>Positions, cursors, queries and keys never depend on the digits, so every attention picks the same row, with weight exactly 1, whatever the operands are; the digit registers hold exact one-hots; and each layer maps every value they can hold by one rule (clear zeroes, a read copies a token, the column table gives the answer's digit and the carry, copy_on_match copies on the matching row only). The all-input proof checks exactly this on the compiled layers, enumerating every value the registers a layer touches can hold, and so proves every D-digit prompt of the program right for D up to 16: <code>static_assert(ctformer::proven_for_all_inputs&lt;Build, D&gt;)</code> at compile time for the program's network builder (ctformer::seed_weights for the adder; tests/proofs), or <code id="prove-command">ctformer prove --digits 16</code> at run time. The argument in full: docs/proof.md in the repository.</p>
</section>
</main>
)";

/// The script that shows a step: reads the data, fills the table and the pictures, steps on the
/// buttons, the slider and the arrow keys, and follows the #step=N and #next=N fragments.
constexpr std::string_view page_script = R"js(<script>
"use strict";
const prompts = JSON.parse(document.getElementById("data").textContent).prompts;
const slider = document.getElementById("slider");
const chooser = document.getElementById("preset");
let data = prompts[0], last = 0, current = 0;
prompts.forEach((p, i) => {
  const o = document.createElement("option");
  o.value = String(i);
  o.textContent = p.label;
  chooser.append(o);
});
chooser.hidden = prompts.length < 2;
/// Shows prompt i (a preset, or the prompt of the command line) from its first step.
function choose(i) {
  data = prompts[Math.max(0, Math.min(prompts.length - 1, i))];
  chooser.value = String(prompts.indexOf(data));
  last = data.steps.length - 1;
  slider.max = String(last);
  const t = document.getElementById("title");
  t.replaceChildren("ctformer: how ", cell("code", data.text.slice(0, data.prompt_rows)), " becomes ",
                    cell("code", data.text.slice(data.prompt_rows).replace("\n", "\\n")));
  document.title = "ctformer: how " + data.text.slice(0, data.prompt_rows) + " is computed, layer by layer";
  document.getElementById("prove-command").textContent = "ctformer prove --program " + data.program + " --digits 16";
  document.getElementById("dataflow").innerHTML = data.diagrams["dataflow.svg"];
  document.getElementById("timeline").innerHTML = data.diagrams["timeline.svg"];
  show(0);
}
function cell(tag, text, cls) {
  const e = document.createElement(tag);
  e.textContent = text;
  if (cls) e.className = cls;
  return e;
}
function show(step) {
  current = Math.max(0, Math.min(last, step));
  const s = data.steps[current];
  slider.value = String(current);
  const where = document.getElementById("where");
  where.textContent = "step " + current + " of " + last;
  where.dataset.step = String(current);
  document.getElementById("layer-name").textContent = s.name;
  document.getElementById("segment").textContent = s.kind === "embedding" ? "before the first layer" : s.segment + " \u00b7 " + s.kind;
  document.getElementById("narration").textContent = s.narration;
  document.getElementById("explanation").textContent = s.explanation;
  showUnits(s.fired);
  const table = document.getElementById("registers");
  table.replaceChildren();
  const head = document.createElement("tr");
  head.append(cell("th", "row"));
  for (const r of data.registers) head.append(cell("th", r));
  head.append(cell("th", "attends to"), cell("th", "predicts"));
  table.append(head);
  s.rows.forEach((values, i) => {
    const tr = document.createElement("tr");
    tr.className = i >= data.prompt_rows - 1 ? "predicts" : "unread";
    tr.append(cell("td", String(i)));
    values.forEach((v, c) => {
      const td = cell("td", v, s.changed[i][c] ? "changed" : "");
      td.title = describe(i, c);
      tr.append(td);
    });
    const next = data.text[i + 1] === "\n" ? "\\n" : data.text[i + 1];
    tr.append(cell("td", s.attends[i]), cell("td", i >= data.prompt_rows - 1 && current === last ? next : ""));
    table.append(tr);
  });
  drawStream();
  const af = document.getElementById("attention-figure");
  af.hidden = !s.attention;
  drawStrip(s);
  if (s.attention) document.getElementById("attention").src = data.images[s.attention];
  const weights = document.getElementById("weights");
  weights.replaceChildren();
  for (const w of s.weights) {
    const f = document.createElement("figure");
    const img = document.createElement("img");
    img.src = data.images[w];
    img.alt = w;
    f.append(img, cell("figcaption", "weights: " + w));
    weights.append(f);
  }
}
const vocabulary = "0123456789+= \n";
/// Q31.32 as an exact decimal string: raw / 2^32 has at most 32 decimal places (2^-32 = 5^32 / 10^32).
function exact(r) {
  const v = BigInt(r), neg = v < 0n, a = neg ? -v : v;
  const frac = ((a & 0xffffffffn) * 5n ** 32n).toString().padStart(32, "0").replace(/0+$/, "");
  return (neg ? "-" : "") + (a >> 32n).toString() + (frac ? "." + frac : "");
}
const value = (r) => Number(BigInt(r)) / 4294967296;
/// Per prompt: each register's largest |value| over every row and step (its colour scale).
function registerScales() {
  if (data.scales) return data.scales;
  data.scales = data.slots.map((sl) => {
    let m = 0;
    for (const st of data.steps)
      for (let i = 0; i * data.width < st.raw.length; ++i)
        for (let k = 0; k < sl.width; ++k) m = Math.max(m, Math.abs(value(st.raw[i * data.width + sl.offset + k])));
    return m;
  });
  return data.scales;
}
function slotOf(col) { return data.slots.findIndex((sl) => col >= sl.offset && col < sl.offset + sl.width); }
function entryName(sl, k) {
  if (sl.width === vocabulary.length) return "'" + (vocabulary[k] === "\n" ? "\\n" : vocabulary[k]) + "'";
  if (sl.width === 2) return k === 0 ? "sin" : "cos";
  return "";
}
/// What hovering a cell of the stream shows: row, register and column, the exact value, and the
/// step that last changed it (the embedding when no layer has).
function describeCell(row, col) {
  const g = slotOf(col), sl = data.slots[g], k = col - sl.offset, at = row * data.width + col;
  const r = data.steps[current].raw[at];
  let wrote = "the embedding (step 0)";
  for (let t = current; t > 0; --t)
    if (data.steps[t].raw[at] !== data.steps[t - 1].raw[at]) { wrote = "step " + t + " (" + data.steps[t].name + ")"; break; }
  const token = data.text[row] === "\n" ? "\\n" : data.text[row], name = entryName(sl, k);
  return "row " + row + " ('" + token + "'), " + sl.name + (name ? " " + name : "") + ", column " + col +
    ": value " + value(r) + ", exactly " + exact(r) + " (raw Q31.32 " + r + "); last written by " + wrote;
}
window.ctformerStreamCell = describeCell;
/// The residual stream after the current step as SVG cells: rows by columns, registers as bands,
/// each on its own colour scale; cells this step changed outlined; rows before '=' greyed.
function drawStream() {
  const box = document.getElementById("stream"), s = data.steps[current], prev = data.steps[Math.max(0, current - 1)];
  const scales = registerScales(), ns = "http://www.w3.org/2000/svg", cw = 16, ch = 24, left = 64, top = 170;
  const rows = s.raw.length / data.width, svg = document.createElementNS(ns, "svg");
  const el = (tag, attrs, text) => {
    const e = document.createElementNS(ns, tag);
    for (const [a, v] of Object.entries(attrs)) e.setAttribute(a, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  };
  svg.setAttribute("width", String(left + cw * data.width + 90));
  svg.setAttribute("height", String(top + ch * rows + 8));
  svg.setAttribute("font-family", "monospace");
  svg.setAttribute("font-size", "12");
  data.slots.forEach((sl, g) => {  // the band's name and scale, and each entry's name (a token; sin, cos)
    // upright text would not fit a one-column band: vertical, 16 px apart, so neighbours never touch
    const x0 = left + cw * sl.offset, label = sl.name + " max " + Number(scales[g].toPrecision(3)), ly = top - 22;
    const lx = x0 + cw * sl.width / 2 + 4;
    svg.append(el("text", {x: lx, y: ly, class: "band-label", transform: "rotate(-90 " + lx + " " + ly + ")"}, label));
    svg.append(el("line", {x1: x0, y1: top - 18, x2: x0, y2: top + ch * rows, stroke: "#444", "stroke-width": 1}));
    for (let k = 0; k < sl.width; ++k) {
      const name = entryName(sl, k).replace(/'/g, "");
      svg.append(el("text", {x: x0 + cw * k + cw / 2, y: top - 5, "text-anchor": "middle", fill: "#555"}, name === " " ? "\u2423" : name === "\\n" ? "\u21b5" : name.slice(0, 1)));
    }
  });
  for (let i = 0; i < rows; ++i) {
    const y = top + ch * i, unread = i < data.prompt_rows - 1, token = data.text[i] === "\n" ? "\\n" : data.text[i];
    svg.append(el("text", {x: left - 6, y: y + ch * 0.7, "text-anchor": "end", fill: unread ? "#999" : "#000"}, i + " '" + token + "'"));
    for (let c = 0; c < data.width; ++c) {
      const at = i * data.width + c, g = slotOf(c), v = value(s.raw[at]), t = scales[g] > 0 ? Math.min(1, Math.abs(v) / scales[g]) : 0;
      const [r0, g0, b0] = v >= 0 ? [178, 24, 43] : [33, 102, 172];
      const mix = (a) => Math.round(255 + (a - 255) * t);
      const changed = current > 0 && s.raw[at] !== prev.raw[at];
      svg.append(el("rect", {x: left + cw * c + 0.5, y: y + 0.5, width: cw - 1, height: ch - 1, class: "cell", "data-row": i, "data-col": c,
        fill: "rgb(" + mix(r0) + "," + mix(g0) + "," + mix(b0) + ")", stroke: changed ? "#e0a800" : "#ddd", "stroke-width": changed ? 2 : 0.5}));
    }
    if (unread) {
      svg.append(el("rect", {x: left, y: y, width: cw * data.width, height: ch, fill: "#bbb", "fill-opacity": 0.55, "pointer-events": "none"}));
      svg.append(el("text", {x: left + cw * data.width + 6, y: y + ch * 0.7, fill: "#999"}, "not read"));
    }
  }
  box.replaceChildren(svg);
}
/// Hovering a stream cell: the tooltip beside the pointer.
document.getElementById("stream").addEventListener("mouseover", (e) => {
  const tip = document.getElementById("cell-tip"), t = e.target;
  if (!t.dataset || t.dataset.col === undefined) { tip.hidden = true; return; }
  tip.textContent = describeCell(Number(t.dataset.row), Number(t.dataset.col));
  tip.dataset.row = t.dataset.row;
  tip.dataset.col = t.dataset.col;
  tip.style.left = (e.clientX + 14) + "px";
  tip.style.top = (e.clientY + 14) + "px";
  tip.hidden = false;
});
document.getElementById("stream").addEventListener("mouseleave", () => { document.getElementById("cell-tip").hidden = true; });
let selected = -1;  // the row the attention strip shows; -1: the row of '='
/// The attention strip: the tokens in a line, arcs from the selected row to the rows it attends to
/// (width: the softmax weight), and each score before the softmax with its gap to the best.
function drawStrip(s) {
  const figure = document.getElementById("strip-figure"), strip = document.getElementById("strip");
  figure.hidden = !s.pattern.length;
  strip.replaceChildren();
  if (!s.pattern.length) return;
  const n = data.text.length - 1, row = selected >= 0 && selected < n ? selected : data.prompt_rows - 1;
  const ns = "http://www.w3.org/2000/svg", step = 44, base = 150, fmt = (v) => Number(v.toPrecision(6)).toString();
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", String(step * n + 20));
  svg.setAttribute("height", String(base + 40));
  svg.setAttribute("font-family", "monospace");
  svg.setAttribute("font-size", "16");
  const x = (j) => 10 + step * j + step / 2;
  let best = -Infinity;
  for (let j = 0; j <= row; ++j) best = Math.max(best, s.scores[row * n + j]);
  const why = (j) => "row " + row + " → row " + j + ": weight " + fmt(s.pattern[row * n + j]) + ", score " +
    fmt(s.scores[row * n + j]) + ", gap to the best " + fmt(s.scores[row * n + j] - best);
  for (let j = 0; j <= row; ++j) {
    const w = s.pattern[row * n + j];
    if (w < 0.0005) continue;
    const path = document.createElementNS(ns, "path"), h = Math.min((base - 26) / 2, 14 + Math.abs(row - j) * 6);
    path.setAttribute("d", "M " + x(row) + " " + (base - 22) + " Q " + (x(row) + x(j)) / 2 + " " + (base - 22 - 2 * h) + " " + x(j) + " " + (base - 22));
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "#b2182b");
    path.setAttribute("stroke-width", String(1 + 9 * w));
    path.setAttribute("class", "arc");
    path.dataset.from = String(row);
    path.dataset.to = String(j);
    path.dataset.weight = fmt(w);
    const t = document.createElementNS(ns, "title");
    t.textContent = why(j);
    path.append(t);
    svg.append(path);
  }
  for (let j = 0; j < n; ++j) {
    const g = document.createElementNS(ns, "g"), box = document.createElementNS(ns, "rect"), label = document.createElementNS(ns, "text");
    box.setAttribute("x", String(10 + step * j + 3));
    box.setAttribute("y", String(base - 20));
    box.setAttribute("width", String(step - 6));
    box.setAttribute("height", "30");
    box.setAttribute("fill", j === row ? "#ffe9a8" : j > row ? "#eee" : "#fff");
    box.setAttribute("stroke", "#888");
    label.setAttribute("x", String(x(j)));
    label.setAttribute("y", String(base));
    label.setAttribute("text-anchor", "middle");
    label.textContent = data.text[j] === "\n" ? "\\n" : data.text[j];
    const num = document.createElementNS(ns, "text");
    num.setAttribute("x", String(x(j)));
    num.setAttribute("y", String(base + 30));
    num.setAttribute("text-anchor", "middle");
    num.setAttribute("font-size", "12");
    num.textContent = String(j);
    const t = document.createElementNS(ns, "title");
    t.textContent = j > row ? "row " + j + ": after row " + row + ", hidden by the causal mask" : why(j);
    g.append(t, box, label, num);
    g.style.cursor = "pointer";
    g.addEventListener("click", () => { selected = j; drawStrip(s); });
    svg.append(g);
  }
  strip.append(svg);
}
/// What a cell of the table holds: its register and columns, each entry's exact value (decimal and
/// raw Q31.32; one-hot registers list their nonzero entries), and the step that last wrote it.
function describe(row, g) {
  const sl = data.slots[g], raw = data.steps[current].raw;
  const entries = [];
  for (let k = 0; k < sl.width; ++k) {
    const r = raw[row * data.width + sl.offset + k];
    if (sl.width <= 2 || r !== "0") entries.push("col " + (sl.offset + k) + " = " + Number(BigInt(r)) / 4294967296 + " (raw " + r + ")");
  }
  let wrote = "the embedding";
  for (let k = current; k > 0; --k)
    if (data.steps[k].changed[row][g]) { wrote = "step " + k + " (" + data.steps[k].name + ")"; break; }
  return "row " + row + ", " + sl.name + " (columns " + sl.offset + "\u2013" + (sl.offset + sl.width - 1) + "): " +
    (entries.length ? entries.join("; ") : "all 0") + "; last written by " + wrote;
}
window.ctformerCell = (row, name) => describe(row, data.slots.findIndex((sl) => sl.name === name));
/// The winning hidden unit against the runner-up; for the add table, its two 10×10 grids of
/// pre-activations (rows: the left digit i, columns: the right digit j), the units at or above 0 green.
function showUnits(f) {
  const section = document.getElementById("units");
  section.hidden = !f;
  if (!f) return;
  const fmt = (v) => v.toFixed(3);
  // a set of tied units: the one unit, or "3 units tied: a, b and c" (at most 4 named)
  const units = (names) => names.length === 1 ? names[0] : names.length + " units tied, " + names.slice(0, 4).join(", ") +
    (names.length > 4 ? " and " + (names.length - 4) + " more," : ",");
  const below = f.next.length ? "; the next " + units(f.next) + " at " + fmt(f.next_pre) + ": a margin of " + fmt(f.top_pre - f.next_pre) : "";
  document.getElementById("fired").textContent = (f.fired
      ? units(f.top) + " fired, at " + fmt(f.top_pre) + below
      : "no unit fired in this row: the highest pre-activation is " + fmt(f.top_pre) + ", " + units(f.top) +
        ", and GELU is exactly 0 at or below \u22127") + (f.fired ? " (GELU is exactly 0 at or below \u22127)" : "");
  const grids = document.getElementById("grids");
  grids.replaceChildren();
  (f.grids || []).forEach((g) => {
    const t = document.createElement("table");
    t.className = "grid";
    t.append(cell("caption", g.caption));
    const head = document.createElement("tr");
    head.append(cell("th", "i\\j"));
    for (let j = 0; j < 10; ++j) head.append(cell("th", String(j)));
    t.append(head);
    for (let i = 0; i < 10; ++i) {
      const tr = document.createElement("tr");
      tr.append(cell("th", String(i)));
      for (let j = 0; j < 10; ++j) {
        const v = g.pre[10 * i + j];
        const td = cell("td", String(Math.round(v)), v >= 0 ? "fires" : "");
        td.title = "(" + i + ", " + j + ", " + g.unit + "): pre-activation " + fmt(v);
        tr.append(td);
      }
      t.append(tr);
    }
    grids.append(t);
  });
}
document.getElementById("prev").addEventListener("click", () => show(current - 1));
document.getElementById("next").addEventListener("click", () => show(current + 1));
slider.addEventListener("input", () => show(Number(slider.value)));
document.addEventListener("keydown", (e) => {
  if (e.key === "ArrowRight") show(current + 1);
  if (e.key === "ArrowLeft") show(current - 1);
});
chooser.addEventListener("change", () => choose(Number(chooser.value)));
const fragment = new URLSearchParams(location.hash.slice(1));
choose(Number(fragment.get("preset") || 0));
if (fragment.get("row")) selected = Number(fragment.get("row"));  // #row=R: the attention strip's row
show(Number(fragment.get("step") || 0));
if (fragment.get("inspect")) {  // #inspect=ROW,REGISTER: what hovering that cell shows, into #inspected
  const [row, name] = fragment.get("inspect").split(",");
  document.getElementById("inspected").textContent = window.ctformerCell(Number(row), name);
}
for (let i = 0; i < Number(fragment.get("next") || 0); ++i) document.getElementById("next").click();
/// Pairs of the stream's register labels whose boxes overlap (the browser test asks for 0 by #overlaps).
window.ctformerOverlaps = () => {
  const boxes = [...document.querySelectorAll("#stream text.band-label")].map((t) => t.getBoundingClientRect());
  let n = 0;
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) ++n;
  }));
  return boxes.length + " labels, " + n + " overlapping";
};
if (fragment.get("overlaps")) document.getElementById("inspected").textContent = window.ctformerOverlaps();
if (fragment.get("hover")) {  // #hover=ROW,COL: a real mouseover on that cell of the stream, as the pointer gives
  const [row, col] = fragment.get("hover").split(",");
  const target = document.querySelector('#stream rect[data-row="' + Number(row) + '"][data-col="' + Number(col) + '"]');
  const at = target.getBoundingClientRect();
  target.dispatchEvent(new MouseEvent("mouseover", {bubbles: true, clientX: at.left + 4, clientY: at.top + 4}));
}
</script>)js";

/// Which hidden unit fired in the '=' row (an MLP step): the winner and the runner-up with their
/// pre-activations; for a column table, every unit's pre-activation on a 10×10 grid (left digit by
/// right digit) per carry in. Null for a step whose units do not each stand for one case.
json fired_json(program_step const& st, std::string_view carry_name) {
    using units = layer_about::units;
    std::vector<double> const& pre = st.hidden_pre;
    // the layers that decide by one unit firing, as their instruction says: a column table (one unit
    // per digit pair and carry) and the copy (one unit per token it may copy)
    if (pre.size() < 2 || st.about.hidden == units::numbered) return nullptr;
    // the highest pre-activation and the next one below it, each with every unit that has it (a tie)
    double const top = *std::max_element(pre.begin(), pre.end());
    double next = -std::numeric_limits<double>::infinity();
    for (double v : pre)
        if (v < top && v > next) next = v;
    auto units_at = [&](double v) {
        json names = json::array();
        for (std::size_t u = 0; u < pre.size(); ++u)
            if (pre[u] == v) names.push_back(st.hidden_labels[u]);
        return names;
    };
    // GELU is exactly 0 at or below −7 (numeric/functions.hpp): a unit there contributes nothing
    json j{{"fired", top > -7},
           {"top", units_at(top)},
           {"top_pre", number(top)},
           {"next", std::isfinite(next) ? units_at(next) : json::array()},
           {"next_pre", std::isfinite(next) ? number(next) : json(nullptr)}};
    std::size_t const carries = st.about.hidden == units::column_pairs ? 2 : st.about.hidden == units::column_carries ? st.about.carries : 0;
    if (carries > 0 && pre.size() == 100 * carries) {
        json grids = json::array();
        for (std::size_t c = 0; c < carries; ++c) {
            json g = json::array();
            for (std::size_t ij = 0; ij < 100; ++ij) g.push_back(number(pre[carries * ij + c]));
            // what the units of this grid are called: the labels' third part ("no carry", "carry in", "carry 3")
            std::string const label = st.hidden_labels[c];
            std::string const part = label.substr(label.rfind(", ") + 2, label.size() - label.rfind(", ") - 3);
            grids.push_back(json{{"caption", fmt::format("units (i, j, {}): {} in {}", part, carry_name, c)},
                                 {"unit", part},
                                 {"pre", std::move(g)}});
        }
        j["grids"] = std::move(grids);
    }
    return j;
}

/// The raw Q31.32 values as strings: a script's numbers hold 53 bits, a raw value 64.
json raw_json(std::vector<std::int64_t> const& raw) {
    json out = json::array();
    for (std::int64_t v : raw) out.push_back(std::to_string(v));
    return out;
}

/// Values rounded to 6 significant digits, as JSON numbers (the attention strip's tooltips).
json rounded(std::vector<double> const& v) {
    json out = json::array();
    for (double x : v) out.push_back(number(std::stod(fmt::format("{:.6g}", x))));
    return out;
}

json step_json(program_step const& st, std::string const& narration, std::string_view carry_name) {
    json changed = json::array();
    for (auto const& row : st.changed) {
        json bits = json::array();
        for (bool b : row) bits.push_back(b ? 1 : 0);
        changed.push_back(std::move(bits));
    }
    return {{"name", st.name},
            {"segment", st.segment},
            {"kind", st.kind},
            {"narration", narration},
            {"raw", raw_json(st.raw)},
            {"fired", fired_json(st, carry_name)},
            {"explanation", std::string(st.about.explanation)},
            {"attention", st.attention},
            {"weights", st.weights},
            {"rows", st.decoded},
            {"changed", std::move(changed)},
            {"attends", st.attends},
            {"pattern", rounded(st.attention_weights)},
            {"scores", rounded(st.attention_scores)}};
}

/// What the script reads of one prompt: the text, the registers, every picture, every step.
json prompt_data(plot_set const& p, std::string const& label) {
    // The page draws the stream itself, as cells one can hover; the other pictures go in as PNGs.
    std::set<std::string> streams;
    for (auto const& st : p.steps) streams.insert(st.stream);
    json images = json::object();
    for (auto const& f : p.figures)
        if (!streams.count(f.path)) images[f.path] = "data:image/png;base64," + picture::base64(picture::render(f.map).png());
    json steps = json::array();
    std::vector<std::string> const narration = narrate(p);
    for (std::size_t k = 0; k < p.steps.size(); ++k) steps.push_back(step_json(p.steps[k], narration[k], p.carry_name));
    json diagrams = json::object();
    for (auto const& [path, svg] : p.diagrams) diagrams[path] = svg;
    json slots = json::array();
    for (auto const& sl : p.slots) slots.push_back({{"name", sl.name}, {"offset", sl.at.offset}, {"width", sl.at.width}});
    return {{"label", label},
            {"program", p.program},
            {"text", p.text},
            {"width", p.width},
            {"slots", std::move(slots)},
            {"diagrams", std::move(diagrams)},
            {"prompt_rows", p.prompt_rows},
            {"registers", p.registers},
            {"images", std::move(images)},
            {"steps", std::move(steps)}};
}

/// What the script reads: every prompt's data.
std::string page_data(std::vector<explained_prompt> const& prompts) {
    json list = json::array();
    for (auto const& [label, p] : prompts) list.push_back(prompt_data(p, label));
    json const data{{"prompts", std::move(list)}};
    std::string const text = dump(data, std::numeric_limits<int>::max());
    // Inside <script>, "</" would end the element.
    std::string safe;
    for (std::size_t i = 0; i < text.size(); ++i)
        safe += text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/' ? "<\\" : std::string(1, text[i]);
    return safe;
}

/// Text for HTML: the five characters with a meaning there as entities.
std::string escaped(std::string const& s) {
    std::string out;
    for (char c : s)
        out += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : c == '"' ? "&quot;" : c == '\'' ? "&#39;" : std::string(1, c);
    return out;
}

std::string one_line(std::string const& s) {
    std::string out;
    for (char c : s) out += c == '\n' ? std::string("\\n") : std::string(1, c);
    return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> const& explain_presets() {
    static std::vector<std::pair<std::string, std::string>> const presets{
        {"a carry chain: 0999+0111=", "0999+0111="},
        {"a carry-out: 9999+0001=", "9999+0001="},
        {"no carry: 1234+4321=", "1234+4321="},
        {"8 digits: 98765432+12345678=", "98765432+12345678="},
    };
    return presets;
}

std::string explain_html(std::vector<explained_prompt> const& prompts) {
    if (prompts.empty()) throw std::invalid_argument("ctformer explain: no prompt to explain");
    plot_set const& p = prompts.front().second;
    std::string const prompt = p.text.substr(0, p.prompt_rows);
    std::string html =
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    html += "<title>ctformer: how " + prompt + " is computed, layer by layer</title>\n";
    html += page_style;
    html += "\n</head>\n<body>\n<header>\n<h1 id=\"title\">ctformer: how <code>" + prompt + "</code> becomes <code>" +
            one_line(p.text.substr(p.prompt_rows)) + "</code></h1>\n";
    if (!p.weights_file.empty())
        html += "<p id=\"not-proven\" class=\"warning\">Not proven: this network was read from <code>" + escaped(p.weights_file) +
                "</code> (<code>--weights</code>), and nothing about it is proven. ctformer ran it on the reference forward pass "
                "(every row through every dense layer), the fixed-point arithmetic of the built-in networks, whose proofs "
                "say nothing about this one.</p>\n";
    html += page_body;
    html += "<script type=\"application/json\" id=\"data\">" + page_data(prompts) + "</script>\n";
    html += page_script;
    html += "\n</body>\n</html>\n";
    return html;
}

}  // namespace ctformer::tools
