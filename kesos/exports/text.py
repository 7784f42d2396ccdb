"""Small text helpers shared by the exporters: content text to escaped HTML, Moodle's multilang
spans, CDATA sections, and a file name from an id."""
from __future__ import annotations

import html
import re

from kesos.exports.bank import LANGS


def html_text(text: str) -> str:
    """Plain content text as escaped HTML: a blank line starts a new paragraph (``<br><br>``),
    a newline is ``<br>``. Nothing of the content is ever passed through as markup."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return "<br><br>".join("<br>".join(html.escape(line, quote=False) for line in p.split("\n")) for p in paras)


def html_lang(text: dict[str, str], lang: str) -> str:
    """Escaped HTML in ``lang``; for ``both``, Moodle's multilang spans, one per language, adjacent
    (the multilang filter only joins spans with nothing between them)."""
    if lang != "both":
        return html_text(text.get(lang, ""))
    if text.get("id", "") == text.get("en", ""):
        return html_text(text.get("id", ""))
    return "".join(f'<span lang="{lg}" class="multilang">{html_text(text.get(lg, ""))}</span>' for lg in LANGS)


def cdata(s: str) -> str:
    """``s`` in a CDATA section (a literal ``]]>`` is split across two sections)."""
    return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def safe_name(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", s).strip("-") or "kesos"
