"""Printable handouts and answer keys (kesos/handout.py), checked in the PDF the system Chromium prints.

One Chromium prints the handout and the answer key of EVERY chapter that has activities, in both
languages (``kesos.handout.build``); ``pdftotext`` (poppler) reads each PDF back. Proves: every
activity's prompt and every printed item (options, statements, entries, the case) is in the handout
text, so no activity prints empty; the handout holds no feedback, explanation or rationale, while
the key holds them and marks exactly the keyed options (``checking.keyed_answer``); page 1 of each
handout is kept as a PNG (``pdftoppm -png -r 50``) in test-artifacts/handouts/. Also: chapter names
resolve, the HTML escapes content, and ``jupyter nbconvert --to webpdf`` works with the system
Chromium through etc/jupyter/jupyter_nbconvert_config.py.
"""
from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from kesos import checking, handout
from kesos.content import load_course
from kesos.i18n import LANGUAGES, t

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "handouts"


def norm(text: str) -> str:
    """Compare text across line breaks, hyphenation and ligatures: NFKC, no hyphens and no
    whitespace at all (a PDF breaks lines anywhere); page footers are removed before."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    # hyphens go on both sides: pdftotext drops the hyphen of a word split at a line end
    return re.sub(r"[\s\-\u2010\u2011]+", "", text)


def plain(markdown_or_text: str) -> str:
    """What a Markdown field prints as: rendered, tags stripped, entities decoded."""
    rendered = handout._markdown()(markdown_or_text)
    return html.unescape(re.sub(r"<[^>]+>", " ", rendered))


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = [re.sub(r"\n\s*\d+\s*/\s*\d+\s*$", "", page.rstrip()) for page in out.split("\f")]
    return "\n".join(pages)


@pytest.fixture(scope="module")
def course():
    return load_course()


@pytest.fixture(scope="module")
def printed(course, tmp_path_factory):
    """{(chapter id, lang): (handout text, key text)} from PDFs printed by one Chromium."""
    out_dir = tmp_path_factory.mktemp("handouts")
    chapters = handout.resolve_chapters(course, "all")
    pages = []
    for ch in chapters:
        for lang in LANGUAGES:
            pages.append((ch, lang, False, handout.render_html(course, ch, lang)))
            pages.append((ch, lang, True, handout.render_html(course, ch, lang, key=True)))
    result: dict = {}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with handout.PdfPrinter() as printer:
        for ch, lang, key, text in pages:
            pdf = printer.print(text, out_dir / f"{ch.slug}_{lang}{'_key' if key else ''}.pdf")
            assert pdf.stat().st_size > 1000
            result.setdefault((ch.id, lang), {})["key" if key else "handout"] = pdf_text(pdf)
            if not key:
                subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf),
                                str(ARTIFACTS / f"{ch.slug}_{lang}")], check=True)
    return result


def _printed_items(activity, course, lang) -> list[str]:
    """The texts an activity prints besides its prompt (its answer space's labels)."""
    kind = activity.type
    if kind == "choice":
        return [o.text.get(lang) for o in activity.options]
    if kind == "matching":
        return [checking.display_text(course.definitions[p.definition], p.show, lang) for p in activity.pairs]
    if kind in ("ordering", "classification"):
        return [e.text.get(lang) for e in activity.entries]
    if kind == "vignette":
        return [plain(activity.case.get(lang))]
    return []


def _key_only(activity, course, lang) -> list[str]:
    """Texts only the answer key may print: feedback, explanations, rationales, model answers."""
    kind = activity.type
    if kind == "choice":
        return [o.feedback.get(lang) for o in activity.options] + (
            [activity.explanation.get(lang)] if activity.explanation else [])
    if kind == "matching":
        return [p.feedback.get(lang) for p in activity.pairs if p.feedback]
    if kind == "ordering":
        return [e.why.get(lang) for e in activity.entries]
    if kind == "classification":
        return [e.feedback.get(lang) for e in activity.entries]
    if kind == "vignette":
        return [w.get(lang) for fit in activity.fits.values() for w in fit.why.values()]
    return [plain(activity.model_answer.get(lang))]


def test_every_chapter_with_activities_is_printed(course, printed):
    """`all` means every chapter that has activities; each gives a handout and a key in both languages,
    and a page-1 screenshot exists for each handout."""
    with_activities = {c.id for c in course.chapters.values() if course.activities_in(c.id)}
    assert with_activities and {ch for ch, _ in printed} == with_activities
    for ch in with_activities:
        slug = course.chapters[ch].slug
        for lang in LANGUAGES:
            assert (ARTIFACTS / f"{slug}_{lang}-1.png").exists() or (ARTIFACTS / f"{slug}_{lang}-01.png").exists()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_prompt_and_item_is_in_the_handout_and_no_key(course, printed, lang):
    """Every activity's title, prompt and printed items are in its chapter's handout PDF (no empty
    activity); none of its feedback or rationales is."""
    missing, leaked = [], []
    for (ch, lg), texts in printed.items():
        if lg != lang:
            continue
        text = norm(texts["handout"])
        for a in handout.chapter_activities(course, course.chapters[ch], lang):
            for piece in [a.title.get(lang), plain(a.prompt.get(lang)), *_printed_items(a, course, lang)]:
                if norm(piece) not in text:
                    missing.append(f"{ch}/{lang} {a.id}: {piece[:60]!r}")
            for piece in _key_only(a, course, lang):
                if len(norm(piece)) > 30 and norm(piece) in text:
                    leaked.append(f"{ch}/{lang} {a.id}: {piece[:60]!r}")
    assert not missing, "not printed:\n" + "\n".join(missing[:20])
    assert not leaked, "key text in a handout:\n" + "\n".join(leaked[:20])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_answer_key_holds_the_keys(course, printed, lang):
    """The key of each chapter prints every activity's feedback/rationale/model answer and marks as
    correct exactly the options checking.keyed_answer chooses."""
    missing = []
    for (ch, lg), texts in printed.items():
        if lg != lang:
            continue
        key_text = texts["key"]
        flat = norm(key_text)
        marks = 0
        for a in handout.chapter_activities(course, course.chapters[ch], lang):
            for piece in _key_only(a, course, lang):
                if norm(piece) not in flat:
                    missing.append(f"{ch}/{lang} {a.id}: {piece[:60]!r}")
            if a.type == "choice":
                marks += len(checking.keyed_answer(a, course, lang))
        assert flat.count(norm(f"✓ {t('handout_key_correct', lang)}")) == marks, f"{ch}/{lang}: correct marks"
    assert not missing, "not in the key:\n" + "\n".join(missing[:20])


def test_chapter_names_and_bad_input(course, capsys):
    """04, 4, ch04 and 04_roles name the same chapter; an unknown one is one line and exit 2."""
    assert {handout.resolve_chapters(course, s)[0].id for s in ("04", "4", "ch04", "04_roles")} == {"ch04"}
    assert handout.main(["99", "--out", "/nonexistent"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no chapter '99'" in err[0]


def test_html_escapes_content_and_has_print_css(course):
    """Content text is escaped (a '<' in a prompt prints as text), pages are A4 with no script."""
    ch = course.chapters["ch04"]
    a = handout.chapter_activities(course, ch, "en")[0]
    evil = a.model_copy(update={"title": a.title.model_copy(update={"en": "<script>x</script>"})})
    assert "<script>x" not in handout.activity_html(course, evil, "en", "4.1")
    page = handout.render_html(course, ch, "en")
    assert "@page { size: A4" in page and "<script" not in page and "break-inside: avoid" in page


def test_nbconvert_webpdf_uses_the_system_chromium(tmp_path):
    """`jupyter nbconvert --to webpdf` with the course's nbconvert config prints a chapter through the
    system Chromium (no Playwright browser download)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "webpdf",
         "--config", str(ROOT / "etc/jupyter/jupyter_nbconvert_config.py"),
         str(ROOT / "notebooks/en/04_roles.ipynb"), "--output-dir", str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = pdf_text(tmp_path / "04_roles.pdf")
    assert "The social worker's roles" in text.replace("’", "'")


def test_cli_writes_handout_and_key_as_html(tmp_path, capsys):
    """`kesos handout 04_roles --lang en --format html --key --out DIR` writes the handout and the key."""
    from kesos import cli

    assert cli.main(["handout", "04_roles", "--lang", "en", "--format", "html", "--key", "--out", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["04_roles_en.html", "04_roles_en_key.html"]
    assert "Answer key" in (tmp_path / "04_roles_en_key.html").read_text(encoding="utf-8")
    assert "wrote" in capsys.readouterr().out
