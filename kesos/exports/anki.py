"""Anki decks (.apkg, written with genanki) for the selected chapters.

Three sub-decks under ``kesos``:

* glossary terms, both directions (term → definition and definition → term: one note, two cards);
* who said what: an attributed definition (its quotation, else the course's summary) → author and
  source;
* the chapter's lists: title → its entries.

Every note's GUID is ``genanki.guid_for("kesos", lang, kind, id)``: exporting again and importing
the new file updates the notes a student already has instead of adding duplicates. The note types
and deck ids are fixed numbers for the same reason.

:func:`write_deck` is the reusable part (the exam preparation exports a student's weak items
with it): give it :class:`Card` objects with a stable ``id`` and HTML fronts and backs.
"""
from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import genanki

from kesos.exports.bank import LANGS, Bank, Summary, langs_of
from kesos.exports.text import html_text
from kesos.i18n import t

FORMAT = "anki"

_CSS = """.card { font-family: system-ui, sans-serif; font-size: 20px; text-align: left; color: #1b1b1b;
  background: #fff; line-height: 1.45; max-width: 40em; margin: 0 auto; }
.nightMode .card, .card.nightMode { color: #eee; background: #222; }
.prompt { font-size: 0.8em; opacity: 0.75; }
.en { font-style: italic; }
.extra { font-size: 0.75em; opacity: 0.8; margin-top: 1em; }"""

_FIELDS = [{"name": "Front"}, {"name": "Back"}, {"name": "Extra"}, {"name": "KesosId"}]
_BACK = '{{FrontSide}}<hr id="answer">{{Back}}{{#Extra}}<div class="extra">{{Extra}}</div>{{/Extra}}'

# Fixed ids: changing one makes Anki treat every exported note as new.
MODEL_BASIC = genanki.Model(
    1607392319, "kesos card", fields=_FIELDS,
    templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": _BACK}], css=_CSS,
)
MODEL_BOTH_WAYS = genanki.Model(
    1607392320, "kesos card (both directions)", fields=_FIELDS,
    templates=[
        {"name": "Forward", "qfmt": "{{Front}}", "afmt": _BACK},
        {"name": "Reverse", "qfmt": "{{Back}}",
         "afmt": '{{Back}}<hr id="answer">{{Front}}{{#Extra}}<div class="extra">{{Extra}}</div>{{/Extra}}'},
    ],
    css=_CSS,
)


@dataclass
class Card:
    """One note. ``id`` must be stable (it makes the GUID); ``front``/``back``/``extra`` are HTML
    that the caller has escaped. ``both_ways`` adds the reverse card."""

    id: str
    front: str
    back: str
    extra: str = ""
    both_ways: bool = False
    tags: list[str] = field(default_factory=list)

    def note(self) -> genanki.Note:
        model = MODEL_BOTH_WAYS if self.both_ways else MODEL_BASIC
        tags = [tg.replace(" ", "_") for tg in self.tags]
        return genanki.Note(model=model, fields=[self.front, self.back, self.extra, html.escape(self.id)],
                            guid=genanki.guid_for("kesos", self.id), tags=tags)


def deck_id_for(name: str) -> int:
    """A stable deck id from the deck's name."""
    return (1 << 30) | (int(hashlib.sha1(name.encode("utf-8")).hexdigest()[:8], 16) & 0x3FFFFFFF)


def write_decks(decks: Iterable[tuple[str, int | None, Iterable[Card]]], path) -> Path:
    """Write several decks ``(name, id or None, cards)`` into one .apkg file."""
    out = []
    for name, deck_id, cards in decks:
        deck = genanki.Deck(deck_id or deck_id_for(name), name)
        for card in cards:
            deck.add_note(card.note())
        out.append(deck)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    genanki.Package(out).write_to_file(str(path))
    return path


def write_deck(cards: Iterable[Card], path, deck_name: str, deck_id: int | None = None) -> Path:
    """Write ``cards`` as one deck called ``deck_name`` (``::`` makes sub-decks) to ``path``."""
    return write_decks([(deck_name, deck_id, cards)], path)


# --------------------------------------------------------------------------- the course's decks


def _h(text: dict[str, str], lang: str) -> str:
    """Escaped HTML in one language, or Indonesian with the English below it in italics."""
    if lang != "both":
        return html_text(text.get(lang, ""))
    if text.get("id") == text.get("en"):
        return html_text(text["id"])
    return f'{html_text(text["id"])}<br><span class="en" lang="en">{html_text(text["en"])}</span>'


def _ui(key: str) -> dict[str, str]:
    return {lg: t(key, lg) for lg in LANGS}


def _name(key: str, lang: str) -> str:
    if lang == "both":
        return f"{t(key, 'id')} | {t(key, 'en')}"
    return t(key, lang)


def _tx(text) -> dict[str, str]:
    return {lg: text.get(lg) for lg in LANGS}


def glossary_cards(bank: Bank, lang: str) -> list[Card]:
    course, chapters = bank.course, {c.id for c in bank.chapters}
    cards = []
    for term in course.glossary.values():
        if term.chapter not in chapters:
            continue
        cite = {lg: course.cite(term.cite, lg) for lg in LANGS} if term.cite else {lg: "" for lg in LANGS}
        cards.append(Card(
            f"{lang}:glossary:{term.id}", f"<b>{_h(_tx(term.term), lang)}</b>", _h(_tx(term.definition), lang),
            _h(cite, lang) if any(cite.values()) else "", both_ways=True, tags=["kesos", term.chapter, "glossary"],
        ))
    return cards


def who_said_what_cards(bank: Bank, lang: str) -> list[Card]:
    course, chapters = bank.course, {c.id for c in bank.chapters}
    cards = []
    for d in course.definitions.values():
        if d.chapter not in chapters:
            continue
        if d.quote:
            shown = {lg: f"“{d.quote.text}”" for lg in LANGS}
            if d.translation:
                shown[d.translation.lang] += f" ({d.translation.text})"
        else:
            shown = _tx(d.summary)
        author = d.cite.author
        who = {lg: (course.authors[author].name.get(lg) if author else course.sources[d.cite.via].short) for lg in LANGS}
        cite = {lg: course.cite(d.cite, lg) for lg in LANGS}
        front = f'<div class="prompt">{_h(_ui("export_card_who_prompt"), lang)} — {_h(_tx(d.topic), lang)}</div>{_h(shown, lang)}'
        cards.append(Card(f"{lang}:who:{d.id}", front, f"<b>{_h(who, lang)}</b><br>{_h(cite, lang)}",
                          tags=["kesos", d.chapter, "who-said-what"]))
    return cards


def list_cards(bank: Bank, lang: str) -> list[Card]:
    course, chapters = bank.course, {c.id for c in bank.chapters}
    cards = []
    for lst in course.lists.values():
        if lst.chapter not in chapters:
            continue
        tag = "ol" if lst.ordered else "ul"
        items = "".join(f"<li>{_h(_tx(e.label), lang)}</li>" for e in lst.entries)
        cite = {lg: course.cite(lst.cite, lg) for lg in LANGS} if lst.cite else None
        front = f'<div class="prompt">{_h(_ui("export_card_list_prompt"), lang)}</div><b>{_h(_tx(lst.title), lang)}</b>'
        cards.append(Card(f"{lang}:list:{lst.id}", front, f"<{tag}>{items}</{tag}>", _h(cite, lang) if cite else "",
                          tags=["kesos", lst.chapter, "list"]))
    return cards


def decks(bank: Bank, lang: str) -> list[tuple[str, int | None, list[Card]]]:
    out = []
    for key, fn in (("export_deck_glossary", glossary_cards), ("export_deck_who", who_said_what_cards),
                    ("export_deck_lists", list_cards)):
        name = f"kesos::{_name(key, lang)}"
        out.append((name, deck_id_for(f"{key}:{lang}"), fn(bank, lang)))
    return out


def write(bank: Bank, out_dir, lang: str = "id") -> Summary:
    """Write ``kesos-<lang>.apkg`` into ``out_dir``: glossary, who-said-what and list decks for
    the chapters of ``bank``."""
    langs_of(lang)
    summary = Summary(FORMAT)
    ds = decks(bank, lang)
    path = write_decks(ds, Path(out_dir) / f"kesos-{lang}.apkg")
    for name, _, cards in ds:
        summary.add(name.split("::", 1)[1], len(cards))
    summary.notes.append(f"{sum(2 if c.both_ways else 1 for _, _, cs in ds for c in cs)} cards "
                         "(glossary terms are asked both ways)")
    summary.files.append(path)
    return summary
