// The what-if page: levers in, answers out. Sends the whole edit on every change, shows
// each lever's validation message beside it, and redraws from the server-sent answers
// of the latest edit. No libraries, no network beyond this server.
"use strict";
const $ = (id) => document.getElementById(id);
const state = { levers: [], base: {}, generation: 0, sent: 0, timer: null, last: null, scheduled: false, inflight: 0, answered: -1 };

// The page is stale from the moment a lever moves until the answer to that change is
// drawn (or the change is refused): pinning is offered only for the answer on screen.
function pending() {
  return state.scheduled || state.inflight > 0 || state.generation < state.sent;
}
function markStale() {
  const stale = pending();
  document.body.classList.toggle("stale", stale);
  // The server pins the answer it last sent: only when that is the answer on screen.
  $("pin").disabled = stale || state.answered !== state.generation;
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
// The report's Markdown emphasis (**bold**, `code`) on escaped text.
function md(s) {
  return esc(s).replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>").replace(/`(.+?)`/g, "<code>$1</code>");
}
function num(x, digits) {
  if (x === null || x === undefined || !isFinite(x)) return "—";
  const a = Math.abs(x);
  if (a >= 1e6) return (x / 1e6).toFixed(2) + "M";
  if (a >= 1e4) return Math.round(x).toLocaleString("en");
  return Number(x.toPrecision(digits || 4)).toString();
}
function shown(metric, x) {
  return metric === "availability" ? num(100 * x, 6) + "%" : num(x);
}

async function load() {
  const r = await fetch("/api/levers");
  const d = await r.json();
  $("scenario").textContent = "— " + d.scenario + " (" + d.file + ")";
  state.levers = d.levers;
  const form = $("levers");
  const groups = {};
  for (const l of d.levers) {
    state.base[l.id] = l.value;
    if (!groups[l.group]) {
      const fs = document.createElement("fieldset");
      fs.innerHTML = "<legend>" + esc(l.group) + "</legend>";
      form.appendChild(fs);
      groups[l.group] = fs;
    }
    const row = document.createElement("label");
    row.className = "lever";
    const step = l.whole ? "1" : "any";
    const v = d.values[l.id] !== undefined ? d.values[l.id] : l.value;
    row.innerHTML = "<span>" + esc(l.label) + "</span>" +
      '<input type="number" step="' + step + '" data-id="' + esc(l.id) + '" value="' + (v === null ? "" : v) + '"' +
      (l.value === null ? ' placeholder="derived"' : "") + ">" +
      '<span class="unit">' + esc(l.unit) + "</span>" +
      (l.hint || l.range ? '<span class="hint">' + esc(l.hint) + (l.range ? " stated range " + num(l.range[0]) + "–" + num(l.range[1]) : "") + "</span>" : "") +
      '<span class="problem" data-for="' + esc(l.id) + '"></span>';
    groups[l.group].appendChild(row);
  }
  const ms = $("models");
  for (const m of d.models) {
    const on = d.compared.includes(m.key);
    ms.insertAdjacentHTML("beforeend", '<label title="' + esc(m.title) + '"><input type="checkbox" data-model="' + m.key + '"' + (on ? " checked" : "") +
      '><span class="swatch" style="background:' + m.colour + '"></span>' + esc(m.name) + "</label>");
    $("reference").insertAdjacentHTML("beforeend", '<option value="' + m.key + '"' + (m.key === d.reference ? " selected" : "") + ">" + esc(m.name) + "</option>");
  }
  state.compared = d.compared.join(",");
  state.reference = d.reference;
  form.addEventListener("input", (e) => changed(e.target));
  form.addEventListener("change", (e) => changed(e.target));
  listen();
}

function changed(target) {
  state.last = target.dataset.id || "models";
  clearTimeout(state.timer);
  state.scheduled = true;
  markStale();
  state.timer = setTimeout(send, 200);
}

function edit() {
  const values = {};
  for (const input of document.querySelectorAll("input[data-id]")) {
    const id = input.dataset.id;
    if (input.value === "") { input.classList.remove("changed"); continue; }
    const v = Number(input.value);
    const same = state.base[id] !== null && Math.abs(v - state.base[id]) <= 1e-12 * Math.max(1, Math.abs(v));
    input.classList.toggle("changed", !same);
    if (!same) values[id] = v;
  }
  const models = [...document.querySelectorAll("input[data-model]")].filter((c) => c.checked).map((c) => c.dataset.model);
  const body = { values, last: state.last };
  const reference = $("reference").value;
  if (models.join(",") !== state.compared || reference !== state.reference) {
    body.models = models;
    body.reference = reference;
  }
  return body;
}

async function send() {
  const body = edit();
  state.scheduled = false;
  state.inflight += 1;
  let r, d;
  try {
    r = await fetch("/api/edit", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    d = await r.json().catch(() => ({ error: "HTTP " + r.status }));
  } catch (e) {
    r = { status: 0 };
    d = { error: "the server did not answer (" + e.message + ")" };
  } finally {
    state.inflight -= 1;
  }
  for (const p of document.querySelectorAll(".problem[data-for]")) p.textContent = "";
  for (const i of document.querySelectorAll("input.invalid")) i.classList.remove("invalid");
  if (r.status === 202) {
    state.sent = Math.max(state.sent, d.generation);
    if (state.generation < d.generation) {
      $("status").className = "sharpening";
      $("status").textContent = "Working on the change…";
    }
    markStale();
    return;
  }
  markStale();
  const problems = d.problems || [{ lever: "", message: d.error }];
  for (const p of problems) {
    const el = document.querySelector('.problem[data-for="' + CSS.escape(p.lever) + '"]') || document.querySelector('.problem[data-for=""]');
    el.textContent = (el.textContent ? el.textContent + " " : "") + p.message;
    const input = document.querySelector('input[data-id="' + CSS.escape(p.lever) + '"]');
    if (input) input.classList.add("invalid");
  }
}

function listen() {
  const es = new EventSource("/api/events");
  es.addEventListener("answer", (e) => draw(JSON.parse(e.data)));
  es.addEventListener("failed", (e) => {
    const d = JSON.parse(e.data);
    // No answer will come for this change: the page is no longer waiting for one.
    if (d.generation >= state.sent) state.generation = d.generation;
    markStale();
    $("failed").hidden = false;
    $("failed").textContent = "This change cannot be answered: " + d.message;
  });
}

function draw(a) {
  if (a.generation < state.sent) return;
  state.generation = a.generation;
  state.answered = a.generation;
  $("failed").hidden = true;
  markStale();
  const st = $("status");
  st.className = a.last ? (a.precise ? "precise" : "") : "sharpening";
  st.innerHTML = "<b>" + a.replications + "</b> replications (seed " + a.seed + "); widest 95% interval <b>±" +
    num(100 * a.widest, 2) + "%</b> (" + esc(a.widest_metric) + ", " + esc(a.widest_model) + ")" +
    (a.precise ? " — every headline metric within ±" + num(100 * a.target) + "%"
      : a.last ? " — stopped at the cap of " + a.cap + " replications"
      : " — sharpening towards ±" + num(100 * a.target) + "%…");
  let t = "<tr>" + a.columns.map((c) => "<th>" + esc(c) + "</th>").join("") + "</tr>";
  for (const r of a.rows) {
    t += '<tr data-model="' + r.model.key + '"><td><span class="swatch" style="background:' + r.model.colour + '"></span>' +
      esc(r.model.name) + (r.model.key === a.reference ? " (reference)" : "") + "</td>" + r.cells.map((c) => "<td>" + esc(c) + "</td>").join("") + "</tr>";
  }
  $("results").innerHTML = t;
  $("findings").innerHTML = a.findings.map((f) => "<li>" + md(f) + "</li>").join("");
  const charts = $("charts");
  charts.innerHTML = a.charts.map((c) => '<figure class="chart" id="chart-' + c.name + '"><h3 class="sr">' + esc(c.title) +
    "</h3>" + c.svg.slice(Math.max(0, c.svg.indexOf("<svg"))) + "</figure>").join("");
  $("changes").innerHTML = a.changes.length ? a.changes.map((c) => "<li>" + esc(c.label) + ": " + num(c.shown[0]) + " → <b>" + num(c.shown[1]) + "</b> " + esc(c.unit) + "</li>").join("")
    : "<li>Nothing: the scenario as stated.</li>";
  drawPin(a.pin);
}

function drawPin(p) {
  $("pinned").hidden = !p;
  $("unpin").hidden = !p;
  if (!p) return;
  $("pinned-what").textContent = "Pinned: " + p.pinned + ". Now minus pinned, paired by replication over " + p.replications +
    " replications, with 95% intervals; bold where the interval excludes zero.";
  let t = "<tr><th>model</th><th>metric</th><th>pinned</th><th>now</th><th>difference</th><th>95% interval</th></tr>";
  for (const r of p.rows) {
    t += '<tr><td>' + esc(r.name) + "</td><td>" + esc(r.label) + (r.unit ? " (" + esc(r.unit) + ")" : "") + "</td><td>" + shown(r.metric, r.pinned) +
      "</td><td>" + shown(r.metric, r.now) + '</td><td class="' + (r.clear ? "clear" : "") + '">' + shown(r.metric, r.diff) +
      "</td><td>" + shown(r.metric, r.low) + " to " + shown(r.metric, r.high) + "</td></tr>";
  }
  $("diffs").innerHTML = t;
}

$("pin").addEventListener("click", async () => {
  const r = await fetch("/api/pin", { method: "POST" }).catch((e) => ({ ok: false, status: 0, json: async () => ({ error: "the server did not answer (" + e.message + ")" }) }));
  if (!r.ok) {
    const d = await r.json().catch(() => ({ error: "HTTP " + r.status }));
    $("failed").hidden = false;
    $("failed").textContent = "Nothing was pinned: " + d.error;
  }
});
$("unpin").addEventListener("click", () => fetch("/api/pin", { method: "DELETE" }));
$("reset").addEventListener("click", () => {
  for (const input of document.querySelectorAll("input[data-id]")) {
    const v = state.base[input.dataset.id];
    input.value = v === null ? "" : v;
  }
  for (const c of document.querySelectorAll("input[data-model]")) c.checked = state.compared.split(",").includes(c.dataset.model);
  $("reference").value = state.reference;
  changed({ dataset: {} });
});
load();
