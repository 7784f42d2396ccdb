// kesos activity component: renders one activity from its public view (plain JSON, see
// docs/architecture.md) and sends the learner's answer through a pluggable `send` function.
// Jupyter-free except `render` at the end (the anywidget adapter), so a plain web page (group
// sessions) can import this same file. Data reaches the DOM only as text (textContent), never
// as HTML; no inline handlers, no eval: works under a strict Content Security Policy.

const RENDERERS = {};
let SEQ = 0;

/** Register the renderer of an activity type: `fn(ctx) -> {get, set, reset, ...}`. */
export function registerType(type, fn) {
  RENDERERS[type] = fn;
}

/** Create an element. attrs: {class, text, on: {event: fn}, ...attributes}; children: nodes/strings. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k === "on") for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return el;
}

/** "Hint {n}" + {n: 2} -> "Hint 2" (interface strings come from kesos/ui.yaml). */
export function fmt(s, fields) {
  return String(s || "").replace(/\{(\w+)\}/g, (m, k) => (k in (fields || {}) ? String(fields[k]) : m));
}

/** Plain text -> paragraphs (a blank line starts a new one, a newline breaks the line). */
export function paragraphs(text, cls) {
  const frag = h("div", { class: cls || "kesos-text" });
  for (const block of String(text || "").split(/\n\s*\n/)) {
    if (!block.trim()) continue;
    const p = h("p");
    block.trim().split("\n").forEach((line, i) => {
      if (i) p.append(h("br"));
      p.append(document.createTextNode(line));
    });
    frag.append(p);
  }
  return frag;
}

function uid(prefix) {
  // one counter per page: in Jupyter every model imports its own copy of this module
  SEQ = (globalThis.__kesosSeq || SEQ) + 1;
  globalThis.__kesosSeq = SEQ;
  return `kesos-${prefix}-${SEQ}`;
}

// Keys typed inside an activity are the activity's own: JupyterLab must not take them as
// notebook command-mode shortcuts (arrows = next cell, "a"/"b" = insert, "d d" = delete...).
// Modifier chords, Escape and Shift+Enter (run the cell) still reach the notebook.
function keepKeys(e) {
  if (e.ctrlKey || e.metaKey || e.altKey || e.key === "Escape" || (e.key === "Enter" && e.shiftKey)) return;
  e.stopPropagation();
}

// --------------------------------------------------------------------------- the core

/**
 * Render `view` into `el`. `send(msg)` delivers {kind: "check"|"hint"|"reveal"|"retry", id, answer};
 * `onReply(fn)` registers the function that receives the replies (result / hint / reveal / saved).
 * Returns {root, get, set, handle}.
 */
export function renderActivity(el, view, { send, onReply } = {}) {
  if (view.type === "notice") {
    const box = h("div", { class: "kesos-activity kesos-notice", role: "alert" },
      h("p", {}, h("strong", { text: view.text })),
      (view.lines || []).length ? h("ul", {}, view.lines.map((l) => h("li", {}, h("code", { text: l })))) : null);
    el.append(box);
    return { root: box, get: () => null, set() {}, handle() {} };
  }
  const ui = view.ui || {};
  const render = RENDERERS[view.type];
  const titleId = uid("title");
  const root = h("section", {
    class: `kesos-activity kesos-type-${view.type}`, "aria-labelledby": titleId, lang: view.lang,
    "data-kesos-id": view.id,
  });
  root.addEventListener("keydown", keepKeys);
  root.append(h("h4", { class: "kesos-title", id: titleId, text: view.title }));
  root.append(paragraphs(view.prompt, "kesos-prompt-text"));
  el.append(root);
  if (!render) {
    root.append(h("p", { class: "kesos-notice", text: `(${view.type})` }));
    return { root, get: () => null, set() {}, handle() {} };
  }

  let quiet = 0;
  let shown = null; // the non-empty result the feedback area shows
  let stale = false;
  let busy = false;
  let hintsShown = 0;
  const ctx = {
    view, ui, root, uid,
    changed() {
      if (quiet || !shown || stale) return;
      stale = true; // the feedback is about an earlier answer: say so
      feedback.prepend(h("p", { class: "kesos-stale", text: ui.answer_changed }));
    },
    send: (msg) => send && send({ id: view.id, ...msg }),
  };
  const body = h("div", { class: "kesos-body" });
  root.append(body);
  ctx.body = body;
  const api = render(ctx);

  const checkBtn = h("button", { type: "button", class: "kesos-check kesos-primary", text: api.checkLabel || ui.check });
  const hintBtn = view.hint_count ? h("button", { type: "button", class: "kesos-hint", text: ui.hint }) : null;
  const retryBtn = h("button", { type: "button", class: "kesos-retry", text: ui.try_again });
  const revealBtn = h("button", { type: "button", class: "kesos-reveal-key", text: ui.show_answer, hidden: true });
  const buttons = h("div", { class: "kesos-buttons" }, api.extraButtons || [], checkBtn, hintBtn, revealBtn, retryBtn);
  const hints = h("div", { class: "kesos-hints", "aria-live": "polite" });
  const feedback = h("div", { class: "kesos-feedback", role: "status", "aria-live": "polite" });
  root.append(buttons, hints, feedback);

  function setQuiet(fn) {
    quiet += 1;
    try { fn(); } finally { quiet -= 1; }
  }

  function showResult(msg, focus) {
    feedback.replaceChildren();
    stale = false;
    if (msg.empty) {
      shown = null;
      const p = h("p", { class: "kesos-result kesos-prompt", tabindex: "-1", text: msg.summary });
      feedback.append(p);
      if (focus) p.focus();
      return;
    }
    shown = msg;
    const box = h("div", { class: `kesos-result kesos-verdict-${msg.verdict}` });
    if (msg.restored) box.append(h("p", { class: "kesos-restored" }, h("em", { text: ui.restored_note })));
    const head = h("p", { class: "kesos-headline", tabindex: "-1" },
      h("span", { class: "kesos-sym", "aria-hidden": "true", "data-verdict": msg.verdict, text: msg.symbol }),
      h("strong", { "data-verdict": msg.verdict, text: msg.verdict_word }), ` · ${msg.score_text}`);
    box.append(head, paragraphs(msg.summary, "kesos-summary"));
    if (msg.parts && msg.parts.length) {
      box.append(h("ul", { class: "kesos-parts" }, msg.parts.map((p) => h("li", {
        class: `kesos-part kesos-part-${p.verdict}`, "data-part": p.id,
      },
      h("span", { class: "kesos-sym", "aria-hidden": "true", "data-verdict": p.verdict, text: p.symbol }),
      h("strong", { "data-verdict": p.verdict, text: p.word }), ": ", h("em", { text: p.label }),
      p.feedback ? ` — ${p.feedback}` : "",
      p.citation ? h("span", { class: "kesos-cite", text: ` (${p.citation})` }) : null))));
    }
    if (msg.explanation) {
      if (api.showModel) api.showModel(msg.explanation);
      else box.append(paragraphs(msg.explanation, "kesos-explanation"));
    }
    for (const line of msg.extras || []) box.append(h("p", { class: "kesos-extra", text: line }));
    if (msg.hint_offer && hintBtn && !hintBtn.disabled) box.append(h("p", { class: "kesos-offer", text: ui.hint_offer }));
    if (msg.can_reveal && !msg.revealed) box.append(h("p", { class: "kesos-offer", text: ui.reveal_offer }));
    if (msg.sources) box.append(h("p", { class: "kesos-sources", text: msg.sources }));
    if (msg.saved === false) box.append(h("p", { class: "kesos-unsaved", text: ui.not_saved_note }));
    revealBtn.hidden = !(msg.can_reveal && !msg.revealed);
    feedback.append(box);
    if (focus) head.focus();
  }

  function handle(msg) {
    if (!msg || (msg.id && msg.id !== view.id)) return;
    if (msg.kind === "result") {
      busy = false;
      checkBtn.disabled = false;
      showResult(msg, !msg.restored);
    } else if (msg.kind === "hint") {
      hintsShown = msg.n;
      hints.append(h("p", { class: "kesos-hint-text" }, h("strong", { text: msg.label }), ` ${msg.text}`));
      if (msg.next_label) hintBtn.textContent = msg.next_label;
      else { hintBtn.disabled = true; hintBtn.setAttribute("aria-disabled", "true"); }
    } else if (msg.kind === "reveal") {
      if (api.showModel) api.showModel(msg.explanation);
    } else if (msg.kind === "saved") {
      const note = feedback.querySelector(".kesos-unsaved");
      if (note) { note.className = "kesos-saved-now"; note.textContent = ui.saved_now_note; }
    }
  }

  checkBtn.addEventListener("click", () => {
    if (busy) return; // a double click sends once (the kernel records once anyway)
    busy = true;
    checkBtn.disabled = true;
    setTimeout(() => { busy = false; checkBtn.disabled = false; }, 8000); // never stuck
    ctx.send({ kind: "check", answer: api.get() });
  });
  if (hintBtn) hintBtn.addEventListener("click", () => { if (hintsShown < view.hint_count) ctx.send({ kind: "hint" }); });
  revealBtn.addEventListener("click", () => { revealBtn.hidden = true; ctx.send({ kind: "reveal" }); });
  retryBtn.addEventListener("click", () => {
    setQuiet(() => api.reset());
    feedback.replaceChildren();
    shown = null; stale = false; revealBtn.hidden = true;
    ctx.send({ kind: "retry" });
  });
  if (onReply) onReply(handle);
  if (view.restored) {
    setQuiet(() => api.set(view.restored.answer));
    showResult(view.restored.result, false);
  }
  return { root, get: api.get, set: api.set, handle };
}

// --------------------------------------------------------------------------- shared pieces

function choiceGroup(ctx, { legend, type, name, items, describe }) {
  const fs = h("fieldset", { class: "kesos-options" }, h("legend", { text: legend }));
  const inputs = {};
  for (const it of items) {
    const input = h("input", { type, name, value: it.id, on: { change: () => ctx.changed() } });
    inputs[it.id] = input;
    fs.append(h("label", { class: "kesos-option", title: describe ? describe(it) : null }, input, h("span", { text: it.label })));
  }
  return { fs, inputs };
}

function selectRow(ctx, { n, text, label, options, placeholder }) {
  const id = ctx.uid("sel");
  const select = h("select", { id, on: { change: () => ctx.changed() } },
    h("option", { value: "", text: placeholder }), options.map((o) => h("option", { value: o.id, text: o.label })));
  const row = h("div", { class: "kesos-row" },
    h("p", { class: "kesos-item-text" }, h("strong", { text: `${n}. ` }), text),
    h("label", { for: id, class: "kesos-select-label", text: label }), select);
  return { row, select };
}

function pick(answer, key) {
  if (answer && typeof answer === "object" && !Array.isArray(answer) && key in answer) return answer[key];
  return answer;
}

// --------------------------------------------------------------------------- choice

registerType("choice", (ctx) => {
  const { view, ui, body } = ctx;
  const { fs, inputs } = choiceGroup(ctx, {
    legend: view.multiple ? ui.choose_all : ui.choice_label, type: view.multiple ? "checkbox" : "radio",
    name: ctx.uid("choice"), items: view.options.map((o) => ({ id: o.id, label: o.text })),
  });
  body.append(fs);
  return {
    get: () => ({ choice: view.options.map((o) => o.id).filter((i) => inputs[i].checked) }),
    set(answer) {
      const chosen = new Set(pick(answer, "choice") || []);
      for (const [i, input] of Object.entries(inputs)) input.checked = chosen.has(i);
    },
    reset() { for (const input of Object.values(inputs)) input.checked = false; },
  };
});

// --------------------------------------------------------------------------- drag helper

// Pointer-event drag (mouse, pen and touch alike): a floating copy follows the pointer;
// `onDrop(target)` receives the element under the pointer when it is released.
function draggable(el, { label, onMove, onDrop, onEnd }) {
  el.addEventListener("pointerdown", (e) => {
    if (e.button !== 0 || e.target.closest("button,select,input")) return;
    e.preventDefault();
    const start = { x: e.clientX, y: e.clientY };
    let ghost = null;
    // listen on the window, not the element: reordering moves the element in the DOM,
    // which would drop a pointer capture
    const move = (ev) => {
      if (ev.pointerId !== e.pointerId) return;
      if (!ghost && Math.hypot(ev.clientX - start.x, ev.clientY - start.y) < 4) return;
      if (!ghost) {
        ghost = h("div", { class: "kesos-ghost", "aria-hidden": "true", text: label() });
        el.closest(".kesos-activity").append(ghost);
        el.classList.add("kesos-dragging");
      }
      ghost.style.left = `${ev.clientX + 8}px`;
      ghost.style.top = `${ev.clientY + 8}px`;
      if (onMove) onMove(ev);
    };
    const up = (ev) => {
      if (ev.pointerId !== e.pointerId) return;
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      window.removeEventListener("pointercancel", up);
      el.classList.remove("kesos-dragging");
      if (ghost) {
        ghost.remove();
        if (ev.type === "pointerup" && onDrop) onDrop(document.elementFromPoint(ev.clientX, ev.clientY));
      }
      if (onEnd) onEnd(!!ghost);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
    window.addEventListener("pointercancel", up);
  });
}

// --------------------------------------------------------------------------- matching

registerType("matching", (ctx) => {
  const { view, ui, body } = ctx;
  body.append(h("p", { class: "kesos-instructions" }, h("em", { text: ui.match_instructions })));
  const bank = h("div", { class: "kesos-bank", "aria-hidden": "true" });
  for (const c of view.choices) {
    const chip = h("div", { class: "kesos-chip", "data-choice": c.id, text: c.label });
    draggable(chip, {
      label: () => c.label,
      onDrop(target) {
        const row = target && target.closest(".kesos-row");
        if (!row || !body.contains(row)) return;
        const select = row.querySelector("select");
        select.value = c.id;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      },
    });
    bank.append(chip);
  }
  body.append(bank);
  const selects = {};
  view.items.forEach((it, k) => {
    const { row, select } = selectRow(ctx, {
      n: k + 1, text: it.text, label: fmt(ui.definition_n, { n: k + 1 }), options: view.choices,
      placeholder: ui.choose_placeholder,
    });
    row.classList.add("kesos-drop");
    row.setAttribute("data-item", it.id);
    selects[it.id] = select;
    body.append(row);
  });
  return mapping(selects, "pairs");
});

function mapping(selects, key) {
  return {
    get() {
      const out = {};
      for (const [i, s] of Object.entries(selects)) if (s.value) out[i] = s.value;
      return { [key]: out };
    },
    set(answer) {
      const given = pick(answer, key) || {};
      for (const [i, s] of Object.entries(selects)) {
        s.value = given[i] && [...s.options].some((o) => o.value === given[i]) ? given[i] : "";
      }
    },
    reset() { for (const s of Object.values(selects)) s.value = ""; },
  };
}

// --------------------------------------------------------------------------- classification

registerType("classification", (ctx) => {
  const { view, ui, body } = ctx;
  const selects = {};
  const options = view.categories.map((c) => ({ id: c.id, label: c.label }));
  view.entries.forEach((e, k) => {
    const { row, select } = selectRow(ctx, {
      n: k + 1, text: e.text, label: fmt(ui.entry_n, { n: k + 1 }), options, placeholder: ui.choose_placeholder,
    });
    selects[e.id] = select;
    body.append(row);
  });
  return mapping(selects, "pairs");
});

// --------------------------------------------------------------------------- ordering

registerType("ordering", (ctx) => {
  const { view, ui, body } = ctx;
  const initial = view.entries.map((e) => e.id);
  const texts = Object.fromEntries(view.entries.map((e) => [e.id, e.text]));
  const list = h("ol", { class: "kesos-order", role: "listbox", "aria-label": ui.order_label });
  const live = h("p", { class: "kesos-sr", "aria-live": "assertive" });
  const items = {};
  let order = [...initial];
  let selected = order[0];
  let grabbed = null;

  const say = (key, id) => { live.textContent = fmt(ui[key], { entry: texts[id], position: order.indexOf(id) + 1, total: order.length }); };

  function paint(focus) {
    list.replaceChildren();
    order.forEach((id, k) => {
      const li = items[id];
      li.querySelector(".kesos-pos").textContent = `${k + 1}.`;
      li.setAttribute("aria-selected", id === selected ? "true" : "false");
      li.setAttribute("tabindex", id === selected ? "0" : "-1");
      li.classList.toggle("kesos-grabbed", id === grabbed);
      list.append(li);
    });
    if (focus) items[selected].focus();
  }

  function move(id, delta) {
    const i = order.indexOf(id);
    const j = i + delta;
    if (j < 0 || j >= order.length) return false;
    [order[i], order[j]] = [order[j], order[i]];
    ctx.changed();
    return true;
  }

  for (const id of initial) {
    const li = h("li", { class: "kesos-order-item", role: "option", "data-entry": id },
      h("span", { class: "kesos-grip", "aria-hidden": "true", text: "⠿" }), h("span", { class: "kesos-pos" }),
      h("span", { class: "kesos-entry-text", text: texts[id] }));
    li.addEventListener("click", () => { selected = id; paint(true); });
    li.addEventListener("keydown", (e) => {
      const i = order.indexOf(id);
      if (e.key === " " || e.key === "Enter") {
        e.preventDefault();
        if (grabbed === id) { grabbed = null; say("order_dropped", id); } else { grabbed = id; say("order_grabbed", id); }
        selected = id;
        paint(true);
      } else if (e.key === "ArrowUp" || e.key === "ArrowDown" || e.key === "Home" || e.key === "End") {
        e.preventDefault();
        const delta = { ArrowUp: -1, ArrowDown: 1, Home: -i, End: order.length - 1 - i }[e.key];
        if (grabbed === id) {
          let moved = false;
          for (let s = 0; s < Math.abs(delta); s++) moved = move(id, Math.sign(delta)) || moved;
          if (moved) say("order_moved", id);
        } else {
          selected = order[Math.min(order.length - 1, Math.max(0, i + delta))];
        }
        paint(true);
      } else if (e.key === "Escape" && grabbed) {
        grabbed = null; say("order_dropped", id); paint(true);
      }
    });
    draggable(li, {
      label: () => texts[id],
      onMove(ev) {
        // live reorder: the line goes before the first other line whose middle is below the pointer
        let to = 0;
        for (const other of order) {
          if (other === id) continue;
          const r = items[other].getBoundingClientRect();
          if (ev.clientY > r.top + r.height / 2) to += 1;
        }
        if (to === order.indexOf(id)) return;
        order.splice(order.indexOf(id), 1);
        order.splice(to, 0, id);
        selected = id;
        ctx.changed();
        paint(false);
      },
      onEnd(dragged) { if (dragged) { say("order_dropped", id); paint(true); } },
    });
    items[id] = li;
  }
  const up = h("button", { type: "button", class: "kesos-move-up", text: `↑ ${ui.move_up}` });
  const down = h("button", { type: "button", class: "kesos-move-down", text: `↓ ${ui.move_down}` });
  up.addEventListener("click", () => { if (move(selected, -1)) { say("order_moved", selected); paint(false); } });
  down.addEventListener("click", () => { if (move(selected, 1)) { say("order_moved", selected); paint(false); } });
  body.append(h("p", { class: "kesos-instructions" }, h("em", { text: ui.order_instructions })), list,
    h("div", { class: "kesos-move" }, up, down), live);
  paint(false);
  return {
    get: () => ({ order: [...order] }),
    set(answer) {
      const given = (pick(answer, "order") || []).filter((i, k, a) => i in texts && a.indexOf(i) === k);
      order = given.length ? [...given, ...initial.filter((i) => !given.includes(i))] : [...initial];
      selected = order[0]; grabbed = null;
      paint(false);
    },
    reset() { this.set(null); },
  };
});

// --------------------------------------------------------------------------- vignette

registerType("vignette", (ctx) => {
  const { view, ui, body } = ctx;
  for (const e of view.earlier || []) {
    body.append(h("div", { class: "kesos-earlier", role: "note", "aria-label": ui.earlier_title },
      h("p", {}, h("strong", { text: `${ui.earlier_title}: ${e.title}` })), paragraphs(e.case, "kesos-case")));
  }
  body.append(h("div", { class: "kesos-case", role: "note", "aria-label": ui.case_label }, paragraphs(view.case)));
  const listId = ctx.uid("list");
  const lists = Object.fromEntries(view.role_lists.map((rl) => [rl.id, rl]));
  const listSelect = h("select", { id: listId, disabled: !!view.role_list },
    view.role_lists.map((rl) => h("option", { value: rl.id, text: rl.label })));
  listSelect.value = view.role_list || view.role_lists[0].id;
  const rolesBox = h("div", { class: "kesos-roles" });
  let roleInputs = {};
  let noneInput = null;
  function buildRoles(id) {
    const { fs, inputs } = choiceGroup(ctx, {
      legend: ui.roles_title, type: "checkbox", name: ctx.uid("roles"),
      items: lists[id].roles, describe: (r) => r.description,
    });
    noneInput = h("input", { type: "checkbox", class: "kesos-none-fits", value: "none" });
    fs.append(h("label", { class: "kesos-option kesos-none" }, noneInput, h("span", { text: ui.none_fits })));
    noneInput.addEventListener("change", () => {
      if (noneInput.checked) for (const i of Object.values(inputs)) i.checked = false;
      ctx.changed();
    });
    for (const i of Object.values(inputs)) i.addEventListener("change", () => { if (i.checked) noneInput.checked = false; });
    roleInputs = inputs;
    rolesBox.replaceChildren(fs);
  }
  buildRoles(listSelect.value);
  listSelect.addEventListener("change", () => { buildRoles(listSelect.value); ctx.changed(); });
  const conf = choiceGroup(ctx, {
    legend: ui.confidence_label, type: "radio", name: ctx.uid("conf"),
    items: view.confidence.map((c) => ({ id: c.id, label: c.label })),
  });
  conf.fs.classList.add("kesos-confidence");
  const justId = ctx.uid("why");
  const just = h("input", { type: "text", id: justId, class: "kesos-justification", placeholder: ui.justification_placeholder,
    on: { input: () => ctx.changed() } });
  body.append(
    h("div", { class: "kesos-field" }, h("label", { for: listId, text: ui.role_list_label }), listSelect),
    rolesBox, conf.fs,
    h("div", { class: "kesos-field" }, h("label", { for: justId, text: ui.justification_label }), just));
  const api = {
    get() {
      const c = Object.entries(conf.inputs).find(([, i]) => i.checked);
      return {
        role_list: listSelect.value,
        roles: Object.entries(roleInputs).filter(([, i]) => i.checked).map(([r]) => r),
        none_fits: !!(noneInput && noneInput.checked),
        confidence: c ? c[0] : null,
        justification: just.value,
      };
    },
    set(answer) {
      const a = answer && typeof answer === "object" ? answer : {};
      const id = view.role_list || (a.role_list in lists ? a.role_list : view.role_lists[0].id);
      if (id !== listSelect.value || !Object.keys(roleInputs).length) { listSelect.value = id; buildRoles(id); }
      const roles = new Set(Array.isArray(a.roles) ? a.roles : []);
      for (const [r, i] of Object.entries(roleInputs)) i.checked = roles.has(r);
      noneInput.checked = !!a.none_fits;
      for (const [k, i] of Object.entries(conf.inputs)) i.checked = k === a.confidence;
      just.value = typeof a.justification === "string" ? a.justification : "";
    },
    reset() { api.set({}); },
  };
  return api;
});

// --------------------------------------------------------------------------- written answers

/** A written answer: `open` (Save, rubric self-assessment, model answer) and `recall`
 * (Check against key elements): `registerType("recall", textRenderer)`. */
export function textRenderer(ctx) {
  const { view, ui, body } = ctx;
  const selfAssessed = !!view.self_assessed;
  const id = ctx.uid("text");
  const area = h("textarea", {
    id, rows: "6", class: "kesos-text-answer",
    placeholder: view.type === "open" ? ui.open_placeholder : ui.recall_placeholder || ui.open_placeholder,
    on: { input: () => ctx.changed() },
  });
  body.append(h("label", { for: id, class: "kesos-select-label", text: ui.open_label }), area);
  const model = h("div", { class: "kesos-model-answer", hidden: true });
  let rubric = [];
  const extraButtons = [];
  if (selfAssessed) {
    const show = h("button", { type: "button", class: "kesos-reveal", text: ui.show_model_answer });
    show.addEventListener("click", () => ctx.send({ kind: "reveal" }));
    extraButtons.push(show);
  }
  body.append(model);
  if ((view.rubric || []).length) {
    const g = choiceGroup(ctx, {
      legend: ui.rubric_title, type: "checkbox", name: ctx.uid("rubric"),
      items: view.rubric.map((r, k) => ({ id: String(k), label: r })),
    });
    g.fs.classList.add("kesos-rubric");
    rubric = view.rubric.map((_, k) => g.inputs[String(k)]);
    body.append(g.fs);
  }
  const api = {
    checkLabel: selfAssessed ? ui.save : ui.check,
    extraButtons,
    get() {
      const out = { text: area.value };
      if (rubric.length) out.rubric = rubric.map((i) => i.checked);
      return out;
    },
    set(answer) {
      const a = answer && typeof answer === "object" ? answer : {};
      area.value = typeof a.text === "string" ? a.text : "";
      const ticks = Array.isArray(a.rubric) ? a.rubric : [];
      rubric.forEach((i, k) => { i.checked = !!ticks[k]; });
    },
    reset() { api.set({}); },
  };
  if (selfAssessed) {
    api.showModel = (text) => {
      model.replaceChildren(h("strong", { text: ui.model_answer_title }), paragraphs(text));
      model.hidden = false;
    };
  }
  return api;
}

registerType("open", textRenderer);
registerType("recall", textRenderer);

// --------------------------------------------------------------------------- several at once

/** Render a list of views (one activity, or a quiz with its running score) into `el`.
 * `send(msg)` as for renderActivity; returns `handle(reply)` to call with every reply. */
export function renderActivities(el, views, { send, quiz } = {}) {
  const handlers = [];
  const wrap = h("div", { class: quiz && quiz.title ? "kesos-quiz" : "kesos-activities" });
  let score = null;
  if (quiz && quiz.title) {
    score = h("p", { class: "kesos-quiz-score", role: "status" }, h("strong", { text: quiz.score || "" }));
    wrap.append(h("h3", { class: "kesos-quiz-title", text: quiz.title }), score);
  }
  el.append(wrap);
  for (const v of views) renderActivity(wrap, v, { send, onReply: (fn) => handlers.push(fn) });
  return (msg) => {
    if (score && msg && msg.quiz_score) score.firstChild.textContent = msg.quiz_score;
    for (const fn of handlers) fn(msg);
  };
}

// --------------------------------------------------------------------------- anywidget adapter

function render({ model, el }) {
  const handle = renderActivities(el, model.get("views") || [], {
    send: (msg) => model.send(msg),
    quiz: model.get("quiz"),
  });
  const onMsg = (msg) => handle(msg);
  model.on("msg:custom", onMsg);
  return () => model.off("msg:custom", onMsg);
}

export default { render };
