// Participant page of a kesos group session: join, answer the open activity, see the reveal.
// Renders only what the server sends (public view, result JSON); all text goes in through
// textContent, never innerHTML. Polls /api/state once a second.
const data = JSON.parse(document.getElementById("kesos-data").textContent);
const app = document.getElementById("app");
let lang = localStorage.getItem("kesos-lang") || data.lang;
let shown = null; // "activity:round" currently rendered as a form
let lastState = null;
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
      lang = other; localStorage.setItem("kesos-lang", lang); shown = null; document.documentElement.lang = lang; tick();
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

// ---- placeholder renderer (replaced by the activity component's renderActivity once merged)
function renderForm(view, mine, onSend) {
  const form = el("form", { id: "answer", "data-activity": view.id });
  form.append(el("h2", { text: view.title }));
  if (view.case) form.append(el("p", { class: "case", text: view.case }));
  form.append(el("p", { class: "prompt", text: view.prompt }));
  const collect = [];
  if (view.type === "choice") {
    const fs = el("fieldset");
    for (const o of view.options) {
      const input = el("input", { type: view.multiple ? "checkbox" : "radio", name: "choice", value: o.id });
      if (mine && (mine.choice || []).includes(o.id)) input.checked = true;
      fs.append(el("label", { class: "choice" }, input, el("span", { text: o.text })));
    }
    form.append(fs);
    collect.push(() => ({ choice: [...form.querySelectorAll("input[name=choice]:checked")].map((i) => i.value) }));
  } else if (view.type === "classification") {
    for (const e of view.entries) {
      const sel = el("select", { name: e.id, "aria-label": e.text }, el("option", { value: "", text: "—" }));
      for (const c of view.categories) sel.append(el("option", { value: c.id, text: c.label }));
      if (mine && mine.pairs && mine.pairs[e.id]) sel.value = mine.pairs[e.id];
      form.append(el("label", {}, el("span", { text: e.text }), sel));
    }
    collect.push(() => {
      const pairs = {};
      for (const s of form.querySelectorAll("select")) if (s.value) pairs[s.name] = s.value;
      return { pairs };
    });
  } else if (view.type === "vignette") {
    const lists = view.role_lists;
    const listSel = el("select", { id: "role-list", name: "role_list" });
    for (const l of lists) listSel.append(el("option", { value: l.id, text: `${l.title} (${l.citation})` }));
    if (mine && mine.role_list) listSel.value = mine.role_list;
    const roles = el("fieldset", { id: "roles" });
    const drawRoles = () => {
      const l = lists.find((x) => x.id === listSel.value) || lists[0];
      roles.replaceChildren();
      for (const r of l.roles) {
        const input = el("input", { type: "checkbox", name: "role", value: r.id });
        if (mine && (mine.roles || []).includes(r.id) && mine.role_list === l.id) input.checked = true;
        roles.append(el("label", { class: "choice" }, input, el("span", { text: r.label })));
      }
      const none = el("input", { type: "checkbox", name: "none_fits", value: "none" });
      if (mine && mine.none_fits) none.checked = true;
      roles.append(el("label", { class: "choice" }, none, el("span", { text: ui("none_fits") })));
    };
    listSel.addEventListener("change", drawRoles);
    drawRoles();
    if (lists.length > 1) form.append(el("label", { for: "role-list", text: ui("role_list_label") }), listSel);
    form.append(roles);
    const conf = el("fieldset", { id: "confidence" }, el("legend", { text: ui("confidence_label") }));
    for (const c of view.confidence || [{ id: "sure" }, { id: "unsure" }, { id: "guessing" }]) {
      const input = el("input", { type: "radio", name: "confidence", value: c.id });
      if (mine && mine.confidence === c.id) input.checked = true;
      conf.append(el("label", { class: "choice" }, input, el("span", { text: c.label || ui("conf_" + c.id) })));
    }
    form.append(conf);
    const reason = el("input", { type: "text", id: "reason", name: "justification", maxlength: "300",
      value: (mine && mine.justification) || "" });
    form.append(el("label", { for: "reason", text: ui("reason_label") }), reason);
    collect.push(() => ({
      role_list: listSel.value,
      roles: [...roles.querySelectorAll("input[name=role]:checked")].map((i) => i.value),
      none_fits: roles.querySelector("input[name=none_fits]").checked,
      confidence: (form.querySelector("input[name=confidence]:checked") || {}).value || null,
      justification: reason.value,
    }));
  } else {
    const text = el("textarea", { id: "text", name: "text", rows: "5", maxlength: "2000" });
    text.value = (mine && mine.text) || "";
    form.append(el("label", { for: "text", text: ui("text_label") }), text);
    collect.push(() => ({ text: text.value }));
  }
  const status = el("p", { class: "status", role: "status", id: "send-status" });
  form.append(el("button", { type: "submit", text: ui("submit") }), status);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const r = await onSend(collect[0]());
    status.textContent = r.ok ? ui("sent") : (r.json.error || String(r.status));
    status.className = r.ok ? "status" : "error";
  });
  return form;
}

function renderReveal(st) {
  const rv = st.reveal;
  const box = el("section", { id: "reveal" }, el("h2", { text: ui("revealed") }));
  if (rv.result) {
    box.append(el("p", { class: "summary", text: rv.result.summary }));
    const ul = el("ul");
    for (const p of rv.result.parts) {
      ul.append(el("li", { class: "verdict-" + p.verdict }, el("b", { text: p.label + ": " }),
        el("span", { text: p.feedback || p.verdict })));
    }
    box.append(ul);
  } else box.append(el("p", { class: "note", text: ui("no_answer") }));
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
    box.append(el("div", { class: "bar" }, el("span", { text: `${room.labels[k] || k}: ${n}` }),
      el("span", { class: "fill", style: `width:${Math.round((100 * n) / total)}px` })));
  }
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
    if (r.status === 401 || r.status === 404) {
      const j = await r.json().catch(() => ({}));
      if (!document.getElementById("join")) joinForm(r.status === 404 ? j.error : "");
      return; // the join form calls tick() again
    }
    if (r.ok) render(await r.json());
  } catch (e) { /* network blip: try again */ }
  timerId = setTimeout(tick, 1000);
}
tick();
