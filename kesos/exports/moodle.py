"""Moodle XML: one question category per chapter, every activity type.

=================  ===============================================================================
kesos              Moodle question type
=================  ===============================================================================
choice (single)    ``multichoice``, ``single=true``: the key 100 %, others 0 %, per-answer feedback
choice (multiple)  ``multichoice``, ``single=false``: each right option 100/k %, each wrong one
                   −100/k % (Moodle adds the ticked grades and clamps at 0, which is exactly
                   kesos' ``max(0, right − wrong) / k``)
matching           ``matching``: definition → author; unused authors are distractors
classification     ``matching``: entry → category (Moodle merges repeated answers into one choice)
ordering           ``ordering`` (qtype_ordering, in Moodle core since 4.4), or ``matching`` entry →
                   position with ``ordering="matching"`` for sites without it
vignette           one ``multichoice`` per role list: best roles 100 %, acceptable roles the credit
                   kesos gives (½ by default), "none fits" when checking knows it
open / recall      ``essay`` with the model answer, rubric or key elements as grader information
=================  ===============================================================================

Grades are what :mod:`kesos.checking` gives for each choice (see :mod:`kesos.exports.bank`).
With ``lang="both"`` every text carries both languages in Moodle's multilang spans.
"""
from __future__ import annotations

import html
from pathlib import Path
from xml.sax.saxutils import escape

from kesos.exports.bank import Bank, Question, Summary, langs_of, plain
from kesos.exports.text import cdata, html_lang
from kesos.i18n import t

FORMAT = "moodle"
ORDERING_MODES = ("ordering", "matching")


def _text(tag: str, html: str, indent: str = "    ") -> str:
    return f'{indent}<{tag} format="html"><text>{cdata(html)}</text></{tag}>\n'


def _plain_ui(key: str, **kw) -> dict[str, str]:
    return {lg: t(key, lg, **kw) for lg in ("id", "en")}


def _name(q: Question, lang: str) -> str:
    # names are plain text in Moodle; the id first so a lecturer can find the item in the course
    title = plain(q.title, "id" if lang == "both" else lang)
    suffix = f" [{q.role_list}]" if q.role_list else ""
    return f"{q.activity.id} {title}{suffix}"


def _general_feedback(q: Question, bank: Bank, lang: str) -> str:
    parts = []
    if any(q.explanation.values()):
        parts.append(html_lang(q.explanation, lang))
    cites = {lg: "; ".join(dict.fromkeys(c for c in (bank.course.citation_of(r, lg) for r in q.activity.cites) if c))
             for lg in ("id", "en")}
    if any(cites.values()):
        parts.append(html_lang(cites, lang))
    return "<br><br>".join(p for p in parts if p)


def _header(q: Question, bank: Bank, lang: str, qtype: str) -> str:
    out = f'  <question type="{qtype}">\n'
    out += f"    <name><text>{escape(_name(q, lang))}</text></name>\n"
    out += _text("questiontext", f"<p>{html_lang(q.prompt, lang)}</p>")
    out += _text("generalfeedback", _general_feedback(q, bank, lang))
    out += "    <defaultgrade>1</defaultgrade>\n    <penalty>0.3333333</penalty>\n    <hidden>0</hidden>\n"
    out += f"    <idnumber>{escape(q.qid)}</idnumber>\n"
    return out


def _combined() -> str:
    return "".join(_text(tag, "") for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"))


def _grade(g: float) -> str:
    return f"{g:.7g}"


def _multichoice(q: Question, bank: Bank, lang: str) -> str:
    out = _header(q, bank, lang, "multichoice")
    out += f"    <single>{'true' if q.kind == 'single' else 'false'}</single>\n"
    out += "    <shuffleanswers>true</shuffleanswers>\n    <answernumbering>abc</answernumbering>\n"
    out += "    <showstandardinstruction>1</showstandardinstruction>\n"
    out += _combined()
    for o in q.options:
        out += f'    <answer fraction="{_grade(o.fraction)}" format="html">\n'
        out += f"      <text>{cdata(html_lang(o.text, lang))}</text>\n"
        out += _text("feedback", html_lang(o.feedback, lang), "      ")
        out += "    </answer>\n"
    return out + "  </question>\n"


def _matching(q: Question, bank: Bank, lang: str, pairs=None, distractors=None) -> str:
    out = _header(q, bank, lang, "matching")
    out += "    <shuffleanswers>true</shuffleanswers>\n" + _combined()
    for p in pairs if pairs is not None else q.pairs:
        left, right = p
        out += f'    <subquestion format="html">\n      <text>{cdata(html_lang(left, lang))}</text>\n'
        # a matching answer is plain text in Moodle (shown in a drop-down): no HTML but the spans
        out += f"      <answer><text>{escape(_answer_text(right, lang))}</text></answer>\n    </subquestion>\n"
    for d in distractors if distractors is not None else [d for _, d in q.distractors]:
        out += '    <subquestion format="html">\n      <text></text>\n'
        out += f"      <answer><text>{escape(_answer_text(d, lang))}</text></answer>\n    </subquestion>\n"
    return out + "  </question>\n"


def _answer_text(text: dict[str, str], lang: str) -> str:
    if lang != "both" or text.get("id") == text.get("en"):
        return plain(text, "id" if lang == "both" else lang)
    return "".join(f'<span lang="{lg}" class="multilang">{html.escape(text[lg], quote=False)}</span>' for lg in ("id", "en"))


def _ordering(q: Question, bank: Bank, lang: str) -> str:
    out = _header(q, bank, lang, "ordering")
    out += "    <layouttype>VERTICAL</layouttype>\n    <selecttype>ALL</selecttype>\n"
    out += f"    <selectcount>{len(q.order)}</selectcount>\n"
    out += "    <gradingtype>ABSOLUTE_POSITION</gradingtype>\n    <showgrading>SHOW</showgrading>\n"
    out += "    <numberingstyle>none</numberingstyle>\n" + _combined()
    for i, o in enumerate(q.order, 1):  # in the keyed order: that order is the answer
        out += f'    <answer fraction="{i}" format="html">\n      <text>{cdata(html_lang(o.text, lang))}</text>\n'
        out += _text("feedback", html_lang(o.feedback, lang), "      ")
        out += "    </answer>\n"
    return out + "  </question>\n"


def _ordering_as_matching(q: Question, bank: Bank, lang: str) -> str:
    pairs = [(o.text, _plain_ui("export_position", n=i)) for i, o in enumerate(q.order, 1)]
    return _matching(q, bank, lang, pairs=pairs, distractors=[])


def _essay(q: Question, bank: Bank, lang: str) -> str:
    out = _header(q, bank, lang, "essay")
    out += "    <responseformat>editor</responseformat>\n    <responserequired>1</responserequired>\n"
    out += "    <responsefieldlines>10</responsefieldlines>\n    <attachments>0</attachments>\n"
    out += "    <attachmentsrequired>0</attachmentsrequired>\n"
    out += _text("graderinfo", grader_info(q, lang))
    out += _text("responsetemplate", "")
    return out + "  </question>\n"


def grader_info(q: Question, lang: str) -> str:
    """Model answer, then the rubric (open) or the key elements (recall), as escaped HTML."""
    html = f"<p><strong>{html_lang(_plain_ui('export_model_answer'), lang)}</strong></p>"
    html += f"<p>{html_lang(q.model_answer, lang)}</p>"
    for key, items in (("export_rubric", q.rubric), ("export_elements", q.elements)):
        if items:
            html += f"<p><strong>{html_lang(_plain_ui(key), lang)}</strong></p><ol>"
            html += "".join(f"<li>{html_lang(item, lang)}</li>" for item in items)
            html += "</ol>"
    return html


def _category(path: str) -> str:
    return (f'  <question type="category">\n    <category><text>{escape(path)}</text></category>\n'
            f"    <info format=\"html\"><text></text></info>\n  </question>\n")


def category_path(bank: Bank, chapter, lang: str) -> str:
    title = plain({"id": chapter.title.id, "en": chapter.title.en}, lang, " | ")
    title = title.replace("/", "-")  # Moodle splits category paths on "/"
    return f"$course$/top/kesos/{chapter.number:02d} {title}"


def render(bank: Bank, lang: str, ordering: str = "ordering") -> tuple[str, Summary]:
    """The Moodle XML text and what it holds."""
    langs_of(lang)
    if ordering not in ORDERING_MODES:
        raise ValueError(f"ordering must be one of {ORDERING_MODES}, not {ordering!r}")
    questions, skipped = bank.questions()
    summary = Summary(FORMAT, skipped=list(skipped))
    out = '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
    for chapter in bank.chapters:
        out += _category(category_path(bank, chapter, lang))
        for q in (q for q in questions if q.chapter == chapter.id):
            if q.kind in ("single", "multiple"):
                out += _multichoice(q, bank, lang)
                summary.add(f"multichoice-{q.kind}")
            elif q.kind == "matching":
                out += _matching(q, bank, lang, pairs=[(p.left, p.right) for p in q.pairs])
                summary.add("matching")
            elif q.kind == "ordering" and ordering == "ordering":
                out += _ordering(q, bank, lang)
                summary.add("ordering")
            elif q.kind == "ordering":
                out += _ordering_as_matching(q, bank, lang)
                summary.add("matching (ordering)")
            elif q.kind == "essay":
                out += _essay(q, bank, lang)
                summary.add("essay")
            summary.notes += [f"{q.qid}: {n}" for n in q.notes]
    out += "</quiz>\n"
    return out, summary


def write(bank: Bank, out_dir, lang: str = "id", ordering: str = "ordering") -> Summary:
    """Write ``kesos-moodle-<lang>.xml`` into ``out_dir``."""
    text, summary = render(bank, lang, ordering)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"kesos-moodle-{lang}.xml"
    path.write_text(text, encoding="utf-8")
    summary.files.append(path)
    return summary
