import { renderActivity } from "/static/activity.js";

// Participant page of a kesos group session: join, answer the open activity, see the reveal.
// Renders only what the server sends (public view, result JSON); all text goes in through
// textContent, never innerHTML. Polls /api/state once a second.
const data = JSON.parse(document.getElementById("kesos-data").textContent);
const app = document.getElementById("app");
let lang = localStorage.getItem("kesos-lang") || data.lang;
let shown = null; // "activity:round" currently rendered as a form
let lastState = null;
let lastSig = null;
const ui = (k, fmt = {}) => (data.ui[lang][k] || k).replace(/\{(\w+)\}/g, (_, n) => fmt[n] ?? "");

function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== false && v != null) e.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids) if (kid) e.append(kid);
  return e;
}

function xsrf() {
  const m = document.cookie.match(/(?:^|; )_xsrf=([^;]*)/);
  return m ? decodeURIComponent(m[1]) : "";
}

async function post(url, body) {
  const r = await fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-XSRFToken": xsrf() },
    body: JSON.stringify(body),
  });
  let json = {};
  try { json = await r.json(); } catch (e) { /* empty */ }
  return { ok: r.ok, status: r.status, json };
}

function topbar() {
  const other = lang === "id" ? "en" : "id";
  return el("div", { class: "topbar" },
    el("h1", { text: (lastState && lastState.title) || ui("title") }),
    el("button", { type: "button", "data-lang": other, text: other.toUpperCase(), onclick: () => {
      lang = other; localStorage.setItem("kesos-lang", lang); shown = null; lastSig = null; document.documentElement.lang = lang; tick();
    } }));
}

function joinForm(message) {
  shown = null;
  const code = el("input", { type: "text", id: "code", name: "code", value: data.code || "", autocomplete: "off",
    autocapitalize: "characters", maxlength: "12", required: true });
  const name = el("input", { type: "text", id: "name", name: "name", maxlength: "40", autocomplete: "nickname" });
  const err = el("p", { class: "error", role: "alert", text: message || "" });
  const form = el("form", { id: "join" },
    el("label", { for: "code", text: ui("code_label") }), code,
    el("label", { for: "name", text: ui("name_label") }), name,
    el("button", { type: "submit", text: ui("join") }), err);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const r = await post(`/api/join?lang=${lang}`, { code: code.value, name: name.value });
    if (r.ok) tick(); else err.textContent = r.json.error || r.status;
  });
  app.replaceChildren(topbar(), form);
}

// ---- the activity component (kesos/activity/static/activity.js) renders the activity
function renderForm(view, mine, onSend) {
  const box = el("div", { id: "answer", "data-activity": view.id });
  const sentMsg = (text) => ({ kind: "result", id: view.id, empty: true, summary: text });
  if (mine) view = { ...view, restored: { answer: mine, result: sentMsg(ui("sent")) } };
  let reply = () => {};
  renderActivity(box, view, {
    send: async (msg) => {
      if (msg.kind !== "check") return; // no hints or early reveal in a group session
      const r = await onSend(msg.answer);
      reply(sentMsg(r.ok ? ui("sent") : (r.json.error || String(r.status))));
    },
    onReply: (fn) => { reply = fn; },
  });
  box.querySelectorAll(".kesos-check").forEach((b) => { b.textContent = ui("submit"); });
  return box;
}

function renderAnswered(view, mine, result) {
  const box = el("div", { id: "answered" });
  const restored = { answer: mine, result: { ...result, kind: "result", restored: false } };
  renderActivity(box, { ...view, restored }, {});
  box.querySelectorAll("button").forEach((b) => { b.hidden = true; });
  box.querySelectorAll("input, select, textarea").forEach((i) => { i.disabled = true; });
  return box;
}

function renderReveal(st) {
  const rv = st.reveal;
  const box = el("section", { id: "reveal" }, el("h2", { text: ui("revealed") }));
  box.append(el("h2", { text: ui("key") }));
  for (const k of rv.key) box.append(el("p", { class: "key", text: k }));
  if (rv.readings.length) {
    box.append(el("h2", { text: ui("readings") }));
    const ul = el("ul", { id: "readings" });
    for (const r of rv.readings) ul.append(el("li", {}, el("b", { text: r.roles.join(", ") + ": " }), el("span", { text: r.argument })));
    box.append(ul);
  }
  const room = rv.room;
  box.append(el("h2", { text: ui("room") + " (" + ui("participants", { n: room.n }) + ")" }));
  const total = Math.max(1, room.n);
  for (const [k, confs] of Object.entries(room.counts).sort((a, b) => sum(b[1]) - sum(a[1]))) {
    const n = sum(confs);
    const fill = el("span", { class: "fill" });
    fill.style.width = `${Math.round((100 * n) / total)}px`; // CSSOM: allowed by the CSP, unlike style=""
    box.append(el("div", { class: "bar" }, el("span", { text: `${room.labels[k] || k}: ${n}` }), fill));
  }
  box.append(el("h2", { text: ui("your_answer") }));
  if (rv.result) box.append(renderAnswered(st.activity, st.mine, rv.result));
  else box.append(el("p", { class: "note", text: ui("no_answer") }));
  return box;
}
const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);

function render(st) {
  lastState = st;
  document.documentElement.lang = lang;
  const key = st.activity ? `${st.activity.id}:${st.round}:${st.phase === "open"}:${lang}` : `none:${st.phase}:${lang}`;
  const roundLine = st.activity ? el("p", { class: "note", id: "round", text: ui("round", { n: st.round }) }) : null;
  const timer = st.deadline_in != null ? el("p", { class: "status", id: "timer", text: ui("time_left", { s: st.deadline_in }) }) : null;
  if (st.phase === "open" && st.activity) {
    if (shown !== key) {
      shown = key;
      const form = renderForm(st.activity, st.mine, (answer) =>
        post(`/api/answer?lang=${lang}`, { activity: st.activity.id, round: st.round, answer }));
      app.replaceChildren(topbar(), roundLine, el("div", { id: "timer-slot" }), form);
    }
    document.getElementById("timer-slot").replaceChildren(...(timer ? [timer] : []));
    return;
  }
  shown = key;
  const sig = JSON.stringify([st, lang]);
  if (sig === lastSig) return; // nothing changed: keep the page as it is (scroll, focus)
  lastSig = sig;
  const kids = [topbar(), roundLine];
  if (!st.activity || st.phase === "waiting") kids.push(el("p", { class: "note", id: "waiting", text: ui("waiting") }));
  else if (st.phase === "locked") kids.push(el("p", { class: "status", id: "locked", text: ui("locked") }));
  else if (st.phase === "revealed") kids.push(renderReveal(st));
  app.replaceChildren(...kids.filter(Boolean));
}

let timerId = null;
async function tick() {
  clearTimeout(timerId);
  try {
    const r = await fetch(`/api/state?lang=${lang}`, { credentials: "same-origin" });
    const j = await r.json().catch(() => ({}));
    if (r.status === 404 || (r.ok && j.joined === false)) {
      if (!document.getElementById("join")) joinForm(r.status === 404 ? j.error : "");
      return; // the join form calls tick() again
    }
    if (r.ok) render(j);
  } catch (e) { /* network blip: try again */ }
  timerId = setTimeout(tick, 1000);
}
tick();
