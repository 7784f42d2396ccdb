"""The autograded exercise questions, derived from the course content (for tests and authoring only).

The exercise notebooks print each question's items (numbered) and choices (lettered) in their
Markdown, and their hidden nbgrader tests hold the key as letters. This module recomputes both from
``content/*.yaml`` so ``tests/test_exercises.py`` can prove that the notebooks agree with the
content. It lives under ``tests/``: nothing a student notebook imports can reveal a key.

Items and choices are shown in a fixed order given by a hash of their ids, so the order gives
nothing away (e.g. items of one list are not grouped) and never changes between runs.
"""
from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass


def _hashed(ids, salt: str = ""):
    return sorted(ids, key=lambda i: hashlib.sha1((salt + i).encode("utf-8")).hexdigest())


def _text(value, lang: str) -> str:
    return value.get(lang) if hasattr(value, "get") and not isinstance(value, (str, dict)) else str(value)


@dataclass
class Question:
    """One autograded question: ``kind`` is classification, matching, set or order."""

    id: str
    kind: str
    items: list[tuple[str, str]]  # (id, text) numbered 1.. (empty for set and order)
    choices: list[tuple[str, str]]  # (id, text) lettered A..
    key_ids: list[str]  # classification/matching: choice id per item; set: ids; order: ids in order

    @property
    def letters(self) -> dict[str, str]:
        return {cid: string.ascii_uppercase[n] for n, (cid, _) in enumerate(self.choices)}

    @property
    def key(self) -> str:
        """The key as the letters a learner writes (set: sorted)."""
        out = "".join(self.letters[k] for k in self.key_ids)
        return "".join(sorted(out)) if self.kind == "set" else out


def _list(course, list_id):
    return course.lists[list_id]


def _mapping(qid, kind, course, lang, entries, options, shuffle_choices=False):
    by_id = {i: (text, key) for i, text, key in entries}
    items = [(i, _text(by_id[i][0], lang)) for i in _hashed(by_id)]
    opts = [(o, _text(label, lang)) for o, label in options]
    if shuffle_choices:
        order = _hashed([o for o, _ in opts], "choices")
        opts = sorted(opts, key=lambda o: order.index(o[0]))
    return Question(qid, kind, items, opts, [by_id[i][1] for i, _ in items])


def _list_entries(course, *list_ids):
    return [(e.id, e.label, lid) for lid in list_ids for e in _list(course, lid).entries]


def _functioning(course, lang, qid):
    defs = [d for d in course.definitions.values() if d.topic.en == "social functioning" and d.cite.author]
    authors = [d.cite.author for d in defs]
    sukoco = _list(course, "list-sukoco-functioning").cite
    if sukoco and sukoco.author and sukoco.author not in authors:
        authors.append(sukoco.author)
    entries = [(d.id, d.summary, d.cite.author) for d in defs]
    options = [(a, course.authors[a].name) for a in sorted(authors)]
    return _mapping(qid, "matching", course, lang, entries, options)


def _set(qid, course, lang, universe, key):
    choices = [(i, _text(universe[i], lang)) for i in _hashed(universe, "choices")]
    return Question(qid, "set", [], choices, sorted(key))


def question(qid: str, course, lang: str) -> Question:
    c = course
    if qid == "welfare-views":
        return _mapping(qid, "classification", c, lang,
                        [(d.id, d.summary, d.view) for d in c.definitions.values() if d.view],
                        [(e.id, e.label) for e in _list(c, "list-welfare-views").entries])
    if qid in ("services-shared", "services-only-ideal"):
        a = {e.id for e in _list(c, "list-sainsbury-scope").entries}
        b = {e.id for e in _list(c, "list-services-ideal").entries}
        universe = {e.id: e.label for lid in ("list-sainsbury-scope", "list-services-ideal")
                    for e in _list(c, lid).entries}
        return _set(qid, c, lang, universe, a & b if qid == "services-shared" else b - a)
    if qid == "functions":
        lids = ("list-welfare-functions", "list-cswe-functions")
        return _mapping(qid, "classification", c, lang, _list_entries(c, *lids),
                        [(lid, _list(c, lid).title) for lid in lids])
    if qid == "strategies-goals":
        a, b = _list(c, "list-dubois-miley-strategies").entries, _list(c, "list-nasw-practice-goals").entries
        return _mapping(qid, "matching", c, lang, [(x.id, x.label, y.id) for x, y in zip(a, b)],
                        [(e.id, e.label) for e in b], shuffle_choices=True)
    if qid == "functioning-authors":
        return _functioning(c, lang, qid)
    if qid == "roles-shared":
        sets = [{e.role for e in rl.entries} for rl in c.role_lists.values()]
        return _set(qid, c, lang, {r.id: r.name for r in c.roles.values()}, set.intersection(*sets))
    if qid == "methods":
        lids = ("list-methods-primary", "list-methods-auxiliary")
        return _mapping(qid, "classification", c, lang, _list_entries(c, *lids),
                        [(lid, _list(c, lid).title) for lid in lids])
    if qid == "casework-components":
        entries = [(e.id, e.detail or e.label, e.id) for e in _list(c, "list-casework-components").entries]
        return _mapping(qid, "matching", c, lang, entries,
                        [(e.id, e.label) for e in _list(c, "list-casework-components").entries],
                        shuffle_choices=True)
    if qid == "stage-order":
        entries = _list(c, "list-siporin-stages").entries
        return Question(qid, "order", [], [(e.id, _text(e.label, lang)) for e in _hashed_entries(entries)],
                        [e.id for e in entries])
    if qid == "stage-contents":
        lids = ("list-contract-contents", "list-assessment-contents", "list-evaluation-aspects",
                "list-termination-triggers")
        return _mapping(qid, "classification", c, lang, _list_entries(c, *lids),
                        [(lid, _list(c, lid).title) for lid in lids])
    raise KeyError(qid)


def _hashed_entries(entries):
    order = _hashed([e.id for e in entries], "choices")
    return sorted(entries, key=lambda e: order.index(e.id))


QUESTIONS = ["welfare-views", "services-shared", "services-only-ideal", "functions", "functioning-authors",
             "strategies-goals", "roles-shared", "methods", "casework-components", "stage-order",
             "stage-contents"]
