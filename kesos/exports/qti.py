"""QTI 1.2 package for Canvas (Settings → Import course content → "QTI .zip file").

One zip: ``imsmanifest.xml`` plus one assessment per chapter (Canvas makes each a quiz and a
question bank). Question types as Canvas names them in ``itemmetadata``:

=================  ===========================================================================
kesos              Canvas
=================  ===========================================================================
choice (single)    ``multiple_choice_question`` (the key scores 100)
choice (multiple)  ``multiple_answers_question`` (Canvas gives partial credit itself)
matching           ``matching_question`` (unused authors are extra choices)
classification     ``matching_question`` entry → category
ordering           ``matching_question`` entry → position (Canvas has no ordering type)
vignette           one ``multiple_choice_question`` per role list; only the best roles score
                   (Canvas multiple choice has no partial credit: acceptable roles score 0)
open / recall      ``essay_question``; the model answer and rubric are its general feedback
=================  ===========================================================================
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from kesos.exports.bank import LANGS, Bank, Question, Summary, langs_of, plain
from kesos.exports.moodle import grader_info
from kesos.exports.text import html_text, safe_name
from kesos.i18n import t

FORMAT = "qti"
QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

QTYPE = {
    "single": "multiple_choice_question",
    "multiple": "multiple_answers_question",
    "matching": "matching_question",
    "ordering": "matching_question",
    "essay": "essay_question",
}


def html_for(text: dict[str, str], lang: str) -> str:
    """Escaped HTML in one language, or (``both``) Indonesian then English in its own paragraph."""
    if lang != "both":
        return f"<p>{html_text(text.get(lang, ''))}</p>"
    if text.get("id") == text.get("en"):
        return f"<p>{html_text(text.get('id', ''))}</p>"
    return "".join(f'<p lang="{lg}">{html_text(text.get(lg, ""))}</p>' for lg in LANGS)


def _sub(parent, tag, text=None, **attrs):
    el = ET.SubElement(parent, tag, {k.rstrip("_"): str(v) for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _mat(parent, text: str, html: bool = True):
    m = _sub(parent, "material")
    _sub(m, "mattext", text, texttype="text/html" if html else "text/plain")
    return m


def _meta(item, qtype: str):
    md = _sub(_sub(item, "itemmetadata"), "qtimetadata")
    for label, entry in (("question_type", qtype), ("points_possible", "1.0")):
        f = _sub(md, "qtimetadatafield")
        _sub(f, "fieldlabel", label)
        _sub(f, "fieldentry", entry)


def _outcomes(rp):
    _sub(_sub(rp, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")


def _feedback(item, ident: str, html: str):
    fb = _sub(item, "itemfeedback", ident=ident)
    _mat(_sub(fb, "flow_mat"), html)


def _general(item, rp, html: str):
    """General feedback, shown whatever the answer (as Canvas writes it: an ``other`` condition)."""
    cond = _sub(rp, "respcondition", continue_="Yes")
    _sub(_sub(cond, "conditionvar"), "other")
    _sub(cond, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
    _feedback(item, "general_fb", html)


def _item(section, q: Question, lang: str, qtype: str):
    title = plain(q.title, "id" if lang == "both" else lang)
    item = _sub(section, "item", ident=safe_name(q.qid), title=f"{q.activity.id} {title}"
                + (f" [{q.role_list}]" if q.role_list else ""))
    _meta(item, qtype)
    pres = _sub(item, "presentation")
    _mat(pres, html_for(q.prompt, lang))
    return item, pres


def _choice(section, q: Question, lang: str):
    item, pres = _item(section, q, lang, QTYPE[q.kind])
    lid = _sub(pres, "response_lid", ident="response1", rcardinality="Single" if q.kind == "single" else "Multiple")
    rc = _sub(lid, "render_choice")
    idents = {o.id: f"o_{safe_name(o.id)}" for o in q.options}
    for o in q.options:
        _mat(_sub(rc, "response_label", ident=idents[o.id]), plain(o.text, lang), html=False)
    rp = _sub(item, "resprocessing")
    _outcomes(rp)
    if any(q.explanation.values()):
        _general(item, rp, html_for(q.explanation, lang))
    for o in q.options:  # per-answer feedback
        if any(o.feedback.values()):
            cond = _sub(rp, "respcondition", continue_="Yes")
            _sub(_sub(cond, "conditionvar"), "varequal", idents[o.id], respident="response1")
            _sub(cond, "displayfeedback", feedbacktype="Response", linkrefid=f"{idents[o.id]}_fb")
    if q.kind == "single":
        for o in q.options:
            if o.correct:
                cond = _sub(rp, "respcondition", continue_="No")
                _sub(_sub(cond, "conditionvar"), "varequal", idents[o.id], respident="response1")
                _sub(cond, "setvar", "100", action="Set", varname="SCORE")
    else:
        cond = _sub(rp, "respcondition", continue_="No")
        both_ = _sub(_sub(cond, "conditionvar"), "and")
        for o in q.options:
            if o.fraction > 0:
                _sub(both_, "varequal", idents[o.id], respident="response1")
            else:
                _sub(_sub(both_, "not"), "varequal", idents[o.id], respident="response1")
        _sub(cond, "setvar", "100", action="Set", varname="SCORE")
    for o in q.options:
        if any(o.feedback.values()):
            _feedback(item, f"{idents[o.id]}_fb", html_for(o.feedback, lang))


def _matching(section, q: Question, lang: str, pairs, extra):
    item, pres = _item(section, q, lang, "matching_question")
    rights: dict[str, tuple[str, str]] = {}  # text -> (ident, text): repeated answers are one choice
    for _, _, _, right in pairs:
        rights.setdefault(plain(right, lang), (f"r{len(rights) + 1}", plain(right, lang)))
    for right in extra:
        rights.setdefault(plain(right, lang), (f"r{len(rights) + 1}", plain(right, lang)))
    for n, (left_id, left, _, _) in enumerate(pairs, 1):
        lid = _sub(pres, "response_lid", ident=f"response_{n}")
        _mat(lid, plain(left, lang), html=False)
        rc = _sub(lid, "render_choice")
        for ident, text in rights.values():
            _mat(_sub(rc, "response_label", ident=ident), text, html=False)
    rp = _sub(item, "resprocessing")
    _outcomes(rp)
    share = f"{100 / len(pairs):.2f}"
    for n, (_, _, _, right) in enumerate(pairs, 1):
        cond = _sub(rp, "respcondition")
        _sub(_sub(cond, "conditionvar"), "varequal", rights[plain(right, lang)][0], respident=f"response_{n}")
        _sub(cond, "setvar", share, varname="SCORE", action="Add")


def _essay(section, q: Question, lang: str):
    item, pres = _item(section, q, lang, "essay_question")
    rs = _sub(pres, "response_str", ident="response1", rcardinality="Single")
    _sub(_sub(rs, "render_fib"), "response_label", ident="answer1", rshuffle="No")
    rp = _sub(item, "resprocessing")
    _outcomes(rp)
    _general(item, rp, grader_info(q, lang).replace(' class="multilang"', ""))
    cond = _sub(rp, "respcondition", continue_="No")
    _sub(_sub(cond, "conditionvar"), "other")


def assessment(bank: Bank, chapter, questions: list[Question], lang: str, summary: Summary) -> ET.Element:
    root = ET.Element("questestinterop", {"xmlns": QTI_NS})
    title = f"kesos {chapter.number:02d} {plain({'id': chapter.title.id, 'en': chapter.title.en}, lang)}"
    asmt = _sub(root, "assessment", ident=f"kesos-{chapter.id}-{lang}", title=title)
    section = _sub(asmt, "section", ident="root_section")
    lost: list[str] = []
    for q in questions:
        if q.kind in ("single", "multiple"):
            _choice(section, q, lang)
            if q.source_type == "vignette" and any(0 < o.fraction < 100 for o in q.options):
                lost.append(q.qid)
        elif q.kind == "matching":
            _matching(section, q, lang, [(p.left_id, p.left, p.right_id, p.right) for p in q.pairs],
                      [d for _, d in q.distractors])
        elif q.kind == "ordering":
            pos = [(o.id, o.text, str(i), {lg: t("export_position", lg, n=i) for lg in LANGS})
                   for i, o in enumerate(q.order, 1)]
            _matching(section, q, lang, pos, [])
        elif q.kind == "essay":
            _essay(section, q, lang)
        summary.add(QTYPE[q.kind] + (" (ordering)" if q.kind == "ordering" else ""))
    if lost:
        summary.notes.append(f"{chapter.id}: {len(lost)} vignette question(s) with acceptable roles — Canvas multiple "
                             f"choice has no partial credit, so acceptable roles score 0 there")
    return root


def manifest(files: list[str], lang: str) -> ET.Element:
    ET.register_namespace("", CP_NS)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(f"{{{CP_NS}}}manifest", {"identifier": f"kesos-qti-{lang}"})
    md = ET.SubElement(root, f"{{{CP_NS}}}metadata")
    ET.SubElement(md, f"{{{CP_NS}}}schema").text = "IMS Content"
    ET.SubElement(md, f"{{{CP_NS}}}schemaversion").text = "1.1.3"
    ET.SubElement(root, f"{{{CP_NS}}}organizations")
    res = ET.SubElement(root, f"{{{CP_NS}}}resources")
    for href in files:
        r = ET.SubElement(res, f"{{{CP_NS}}}resource",
                          {"identifier": Path(href).stem, "type": "imsqti_xmlv1p2", "href": href})
        ET.SubElement(r, f"{{{CP_NS}}}file", {"href": href})
    return root


def _bytes(el: ET.Element) -> bytes:
    ET.indent(el)
    return ET.tostring(el, encoding="utf-8", xml_declaration=True)


def write(bank: Bank, out_dir, lang: str = "id") -> Summary:
    """Write ``kesos-qti-<lang>.zip`` into ``out_dir``."""
    langs_of(lang)
    questions, skipped = bank.questions()
    summary = Summary(FORMAT, skipped=list(skipped))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"kesos-qti-{lang}.zip"
    members: dict[str, bytes] = {}
    for chapter in bank.chapters:
        qs = [q for q in questions if q.chapter == chapter.id]
        if not qs:
            continue
        name = f"kesos-{chapter.id}-{lang}/kesos-{chapter.id}-{lang}.xml"
        members[name] = _bytes(assessment(bank, chapter, qs, lang, summary))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("imsmanifest.xml", _bytes(manifest(list(members), lang)))
        for name, data in members.items():
            z.writestr(name, data)
    summary.files.append(path)
    return summary
