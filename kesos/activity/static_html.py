"""The static copy of an activity: ``text/html`` beside the widget view in every display, so
nbconvert HTML/PDF, GitHub's notebook viewer and Jupyter Book show the question (title, prompt,
case, options) where no kernel runs. Built from the public view, so it cannot hold the key;
every text is escaped."""
from __future__ import annotations

import html
from typing import Any


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def paragraphs(text: str) -> str:
    """Plain text → escaped HTML, a blank line starting a new paragraph, a newline a line break."""
    blocks = [b.strip() for b in str(text or "").split("\n\n") if b.strip()]
    return "".join(f"<p>{esc(b).replace(chr(10), '<br>')}</p>" for b in blocks)


def _list(items, ordered=False) -> str:
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{esc(i)}</li>" for i in items) + f"</{tag}>"


def activity_html(v: dict) -> str:
    """One public view as static HTML."""
    ui = v.get("ui", {})
    if v.get("type") == "notice":
        return f'<div class="kesos-static kesos-notice" role="alert">{paragraphs(v.get("text", ""))}{_list(v.get("lines", []))}</div>'
    out = [f'<div class="kesos-static kesos-type-{esc(v["type"])}" data-kesos-id="{esc(v["id"])}" lang="{esc(v["lang"])}">']
    out.append(f"<h4>{esc(v['title'])}</h4>")
    out.append(paragraphs(v["prompt"]))
    kind = v["type"]
    if kind == "choice":
        if v.get("multiple"):
            out.append(f"<p><em>{esc(ui.get('choose_all', ''))}</em></p>")
        out.append(_list([o["text"] for o in v["options"]]))
    elif kind == "matching":
        out.append(_list([i["text"] for i in v["items"]], ordered=True))
        out.append(f"<p>{esc(', '.join(c['label'] for c in v['choices']))}</p>")
    elif kind == "ordering":
        out.append(_list([e["text"] for e in v["entries"]], ordered=True))
    elif kind == "classification":
        out.append(_list([e["text"] for e in v["entries"]], ordered=True))
        out.append(f"<p>{esc(' · '.join(c['label'] for c in v['categories']))}</p>")
    elif kind == "vignette":
        for e in v.get("earlier", []):
            out.append(f"<p><strong>{esc(ui.get('earlier_title', ''))}: {esc(e['title'])}</strong></p>")
            out.append(f"<blockquote>{paragraphs(e['case'])}</blockquote>")
        out.append(f"<blockquote>{paragraphs(v['case'])}</blockquote>")
        lists = v["role_lists"]
        if v.get("role_list"):
            lists = [rl for rl in lists if rl["id"] == v["role_list"]]
        for rl in lists:
            out.append(f"<p>{esc(ui.get('role_list_label', ''))}: {esc(rl['label'])}</p>")
            out.append(_list([r["label"] for r in rl["roles"]] + [ui.get("none_fits", "")]))
    elif v.get("rubric"):
        out.append(f"<p>{esc(ui.get('rubric_title', ''))}</p>" + _list(v["rubric"]))
    out.append(f"<p><em>{esc(ui.get('static_note', ''))}</em></p>" if ui.get("static_note") else "")
    out.append("</div>")
    return "".join(out)


def render(views: list[dict], quiz: dict | None = None) -> str:
    """All views of one display (one activity, or a quiz) as static HTML."""
    head = f"<h3>{esc(quiz['title'])}</h3>" if quiz and quiz.get("title") else ""
    return '<div class="kesos-static-activities">' + head + "".join(activity_html(v) for v in views) + "</div>"
