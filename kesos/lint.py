"""Item-writing lint: measures the cues that let a learner answer without knowing the chapter.

``kesos lint`` prints, per chapter and for the whole bank, the figures below and exits 1 when a
threshold fails. The rules and their sources are in ``docs/item-writing.md``.

* **length cue** — in single-answer choice items: the share whose correct option is strictly the
  longest, and the mean ratio of the correct option's length to the mean length of the others.
  Length is counted in characters of both languages together (``id`` + ``en``).
* **absolute words** — "hanya", "selalu", "semua" / "only", "always", "all" ...: the share of
  right and of wrong choice options that contain one (in either language), in percentage points.
* **give-away hints** — a hint (or a vignette case) containing the key's distinctive words: for a
  choice item, words of the correct option found in no wrong option; for a vignette, the best
  role's name. Reported, not enforced (a hint may need a word of the key to guide).
* **near-duplicates** — two items of different chapters whose normalised prompt + options (or
  entries) share most words (Jaccard index of word sets). An item may declare
  ``review_of: <id>`` to mark a deliberate review of another item.
* **missing feedback** — options, matching pairs and ordering/classification entries without an
  explanatory text; a bare verdict ("Ya." / "Benar." / "Correct.") counts as missing.
* **role keys** — for vignettes, how often each role of each role list is keyed best.

Every measure is a plain function over activity objects (the pydantic models of
:mod:`kesos.schema`, or anything with the same attributes), so tests can feed tiny synthetic items.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Iterable

# --------------------------------------------------------------------------- thresholds

MAX_LONGEST_SHARE = 0.30  # correct option strictly longest in at most 30% of single-answer items
MAX_MEAN_RATIO = 1.30  # correct option length / mean of the others, averaged over items
MAX_ABSOLUTE_GAP = 5.0  # percentage points: wrong-option rate minus right-option rate
NEAR_DUPLICATE = 0.5  # Jaccard index of content-word sets at or above which two items clash
MIN_FEEDBACK_WORDS = 3  # an explanation has at least this many words after a leading verdict

ABSOLUTE_WORDS = {
    "id": ("hanya", "selalu", "semua", "semuanya", "tidak pernah", "tak pernah", "pasti", "seluruh",
           "seluruhnya", "sama sekali", "satu-satunya", "mutlak", "setiap", "senantiasa"),
    "en": ("only", "always", "all", "never", "every", "none", "entirely", "completely", "solely",
           "nothing", "everyone", "everything", "absolutely"),
}

# Leading verdict words stripped before counting the words of a feedback text.
VERDICTS = {
    "ya", "benar", "betul", "tepat", "salah", "bukan", "tidak", "kurang", "tepat", "yes", "right",
    "correct", "wrong", "no", "not", "quite", "incorrect", "exactly", "true", "false", "indeed",
}

STOPWORDS = set(
    """
    a an the of and or to in on at by for with from as is are was were be been being it its this
    that these those which who whom what when where why how not no but if then than so such into
    about over under between through their there they them he she his her him we our you your i
    can may must will would should could do does did has have had also more most other only all
    yang dan di ke dari dalam untuk pada dengan atau oleh itu ini adalah ialah sebagai tidak bukan
    juga akan ada para secara karena agar supaya bagi serta tetapi namun lebih sangat saja pun
    sudah belum telah harus dapat bisa mereka ia dia kita kami anda nya lain apa siapa mana
    bagaimana kapan mengapa tersebut hal satu dua tiga empat lima enam menurut dkk
    """.split()
)


# Words of role names too common in any case text to count as a give-away ("Dinas Sosial").
ROLE_NAME_GENERIC = {"social", "sosial"}


# --------------------------------------------------------------------------- text helpers


def normalise(text: str) -> str:
    """Lowercase, accents stripped, typographic quotes and dashes as spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.lower()


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", normalise(text))


def stem(word: str) -> str:
    """A crude stem shared by both languages: the first six letters of a long word."""
    return word[:6]


def content_words(text: str) -> set[str]:
    return {stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 2}


def _both(text: Any) -> str:
    """Both languages of a Text (or a plain string) as one string."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return f"{text.id} {text.en}"


def _length(text: Any) -> int:
    if isinstance(text, str):
        return len(text.strip())
    return len(text.id.strip()) + len(text.en.strip())


_ABSOLUTE_RE = {
    lang: re.compile(r"(?<![a-z0-9-])(" + "|".join(re.escape(w) for w in ws) + r")(?![a-z0-9-])")
    for lang, ws in ABSOLUTE_WORDS.items()
}


def absolute_words_in(text: Any) -> list[str]:
    """The absolute words in a Text (Indonesian list on ``id``, English list on ``en``)."""
    if isinstance(text, str):
        parts = [("id", text), ("en", text)]
    else:
        parts = [("id", text.id), ("en", text.en)]
    found: list[str] = []
    for lang, s in parts:
        found += _ABSOLUTE_RE[lang].findall(normalise(s))
    return found


def is_explanatory(text: Any) -> bool:
    """True when the text explains: after a leading verdict ("Ya.", "Correct:"), at least
    ``MIN_FEEDBACK_WORDS`` words remain, in every language."""
    if text is None:
        return False
    parts = [text] if isinstance(text, str) else [text.id, text.en]
    for s in parts:
        ws = words(s)
        while ws and ws[0] in VERDICTS:
            ws = ws[1:]
        if len(ws) < MIN_FEEDBACK_WORDS:
            return False
    return True


# --------------------------------------------------------------------------- measures


def _single_choices(items: Iterable) -> list:
    return [a for a in items if getattr(a, "type", None) == "choice" and not getattr(a, "multiple", False)]


@dataclass
class LengthCue:
    items: int = 0
    longest: list[str] = field(default_factory=list)  # ids of items whose key is strictly longest
    ratios: dict[str, float] = field(default_factory=dict)

    @property
    def longest_share(self) -> float:
        return len(self.longest) / self.items if self.items else 0.0

    @property
    def mean_ratio(self) -> float:
        return sum(self.ratios.values()) / len(self.ratios) if self.ratios else 0.0


def length_cue(items: Iterable) -> LengthCue:
    """Single-answer choice items: is the correct option the longest, and by how much?"""
    out = LengthCue()
    for a in _single_choices(items):
        right = [o for o in a.options if o.correct]
        wrong = [o for o in a.options if not o.correct]
        if len(right) != 1 or not wrong:
            continue
        out.items += 1
        key = _length(right[0].text)
        others = [_length(o.text) for o in wrong]
        if key > max(others):
            out.longest.append(a.id)
        out.ratios[a.id] = key / (sum(others) / len(others))
    return out


@dataclass
class AbsoluteWords:
    right: int = 0
    right_hits: list[str] = field(default_factory=list)  # "item/option"
    wrong: int = 0
    wrong_hits: list[str] = field(default_factory=list)

    @property
    def right_rate(self) -> float:
        return 100.0 * len(self.right_hits) / self.right if self.right else 0.0

    @property
    def wrong_rate(self) -> float:
        return 100.0 * len(self.wrong_hits) / self.wrong if self.wrong else 0.0

    @property
    def gap(self) -> float:
        """Percentage points by which wrong options carry absolute words more often than right ones."""
        return self.wrong_rate - self.right_rate


def absolute_words(items: Iterable) -> AbsoluteWords:
    """Absolute words in right vs wrong options of all choice items."""
    out = AbsoluteWords()
    for a in items:
        if getattr(a, "type", None) != "choice":
            continue
        for o in a.options:
            hit = bool(absolute_words_in(o.text))
            if o.correct:
                out.right += 1
                if hit:
                    out.right_hits.append(f"{a.id}/{o.id}")
            else:
                out.wrong += 1
                if hit:
                    out.wrong_hits.append(f"{a.id}/{o.id}")
    return out


def _key_words(a, role_names: dict[str, Any] | None) -> set[str]:
    """The key's distinctive words: in a single-answer choice, words of the correct option that no
    wrong option uses; in a vignette, the names of the best roles."""
    if a.type == "choice" and not a.multiple:
        right = [o for o in a.options if o.correct]
        wrong = set().union(*(content_words(_both(o.text)) for o in a.options if not o.correct))
        return set().union(*(content_words(_both(o.text)) for o in right)) - wrong
    if a.type == "vignette" and role_names:
        best = {r for fit in a.fits.values() for r in (getattr(fit, "best", None) or [])}
        names = set().union(*(content_words(_both(role_names[r])) for r in best if r in role_names))
        return names - ROLE_NAME_GENERIC
    return set()


def giveaway_hints(items: Iterable, role_names: dict[str, Any] | None = None) -> list[tuple[str, str, list[str]]]:
    """(item id, where, words): hints — and vignette cases — that contain the key's distinctive words.

    A choice hint is flagged when it holds at least half of the key's distinctive words (and at
    least one); a vignette's case or hint when it names a best role.
    """
    out = []
    for a in items:
        key = _key_words(a, role_names)
        if not key:
            continue
        places = [(f"hints[{i}]", h) for i, h in enumerate(getattr(a, "hints", []) or [])]
        if a.type == "vignette":
            places.insert(0, ("case", a.case))
        for where, text in places:
            found = sorted(key & content_words(_both(text)))
            need = 1 if a.type == "vignette" else max(1, (len(key) + 1) // 2)
            if len(found) >= need:
                out.append((a.id, where, found))
    return out


def item_text(a) -> str:
    """The text compared for near-duplicates: prompt plus options, pairs, entries, case or recall elements."""
    parts = [_both(a.prompt)]
    kind = a.type
    if kind == "choice":
        parts += [_both(o.text) for o in a.options]
    elif kind == "matching":
        parts += [p.definition for p in a.pairs]
    elif kind in ("ordering", "classification"):
        parts += [_both(e.text) for e in a.entries]
        parts += [_both(c.label) for c in getattr(a, "categories", [])]
    elif kind == "vignette":
        parts.append(_both(a.case))
    elif kind == "recall":
        parts += [_both(e.label) for e in a.elements]
    return " ".join(parts)


def near_duplicates(items: Iterable, threshold: float = NEAR_DUPLICATE) -> list[tuple[str, str, float]]:
    """(id, id, Jaccard) for pairs of items in different chapters whose word sets overlap at or
    above ``threshold`` — unless one declares ``review_of`` the other."""
    items = list(items)
    sets = {a.id: content_words(item_text(a)) for a in items}
    out = []
    for a, b in combinations(items, 2):
        if a.chapter == b.chapter:
            continue
        if getattr(a, "review_of", None) == b.id or getattr(b, "review_of", None) == a.id:
            continue
        sa, sb = sets[a.id], sets[b.id]
        if not sa or not sb:
            continue
        j = len(sa & sb) / len(sa | sb)
        if j >= threshold:
            out.append((a.id, b.id, round(j, 2)))
    return sorted(out, key=lambda t: -t[2])


def missing_feedback(items: Iterable) -> list[tuple[str, str]]:
    """(item id, field) for every option, matching pair and ordering/classification entry whose
    feedback is missing or a bare verdict."""
    out = []
    for a in items:
        if a.type == "choice":
            out += [(a.id, f"options[{i}].feedback") for i, o in enumerate(a.options) if not is_explanatory(o.feedback)]
        elif a.type == "matching":
            out += [(a.id, f"pairs[{i}].feedback") for i, p in enumerate(a.pairs) if not is_explanatory(p.feedback)]
        elif a.type == "ordering":
            out += [(a.id, f"entries[{i}].why") for i, e in enumerate(a.entries) if not is_explanatory(e.why)]
        elif a.type == "classification":
            out += [(a.id, f"entries[{i}].feedback") for i, e in enumerate(a.entries) if not is_explanatory(e.feedback)]
    return out


def role_keys(items: Iterable, role_lists: dict[str, Iterable[str]]) -> dict[str, dict[str, int]]:
    """For each role list, how many vignettes key each of its roles best."""
    counts = {lst: {r: 0 for r in roles} for lst, roles in role_lists.items()}
    for a in items:
        if getattr(a, "type", None) != "vignette":
            continue
        for lst, fit in a.fits.items():
            if lst not in counts:
                continue
            for r in getattr(fit, "best", None) or []:
                if r in counts[lst]:
                    counts[lst][r] += 1
    return counts


# --------------------------------------------------------------------------- the report


@dataclass
class Report:
    lines: list[str]
    failures: list[str]

    @property
    def ok(self) -> bool:
        return not self.failures

    def __str__(self) -> str:
        return "\n".join(self.lines)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def lint(course) -> Report:
    """All measures over a loaded :class:`kesos.content.Course`, per chapter and for the bank."""
    items = list(course.activities.values())
    role_names = {r.id: r.name for r in course.roles.values()}
    lists = {lid: [e.role for e in rl.entries] for lid, rl in course.role_lists.items()}
    lines: list[str] = []
    failures: list[str] = []

    lines.append("Length cue and absolute words (single-answer choice items; words in all choice options)")
    lines.append(f"{'chapter':<8} {'items':>5} {'longest':>8} {'ratio':>6} {'abs right':>10} {'abs wrong':>10} {'gap':>6}")
    chapters = sorted({a.chapter for a in items})
    for ch in chapters + ["all"]:
        sel = items if ch == "all" else [a for a in items if a.chapter == ch]
        lc, aw = length_cue(sel), absolute_words(sel)
        if not lc.items and not aw.right:
            continue
        lines.append(
            f"{ch:<8} {lc.items:>5} {len(lc.longest):>3} {_pct(lc.longest_share):>4} {lc.mean_ratio:>6.2f} "
            f"{len(aw.right_hits):>3}/{aw.right:<3} {aw.right_rate:>3.0f}% {len(aw.wrong_hits):>3}/{aw.wrong:<3} "
            f"{aw.wrong_rate:>3.0f}% {aw.gap:>+5.1f}"
        )
    lc, aw = length_cue(items), absolute_words(items)
    if lc.longest_share > MAX_LONGEST_SHARE:
        failures.append(
            f"correct option strictly longest in {_pct(lc.longest_share)} of single-answer items "
            f"(at most {_pct(MAX_LONGEST_SHARE)}): {', '.join(lc.longest)}"
        )
    if lc.mean_ratio > MAX_MEAN_RATIO:
        worst = sorted(lc.ratios.items(), key=lambda kv: -kv[1])[:8]
        failures.append(
            f"correct option is {lc.mean_ratio:.2f}x the others on average (at most {MAX_MEAN_RATIO}): "
            + ", ".join(f"{k} {v:.1f}x" for k, v in worst)
        )
    if aw.gap > MAX_ABSOLUTE_GAP:
        failures.append(
            f"absolute words in {aw.wrong_rate:.0f}% of wrong options vs {aw.right_rate:.0f}% of right ones "
            f"(gap {aw.gap:.1f} points, at most {MAX_ABSOLUTE_GAP:.0f}): {', '.join(aw.wrong_hits)}"
        )

    lines.append("")
    hints = giveaway_hints(items, role_names)
    lines.append(f"Hints or cases containing the key's distinctive words: {len(hints)} (reported, not enforced)")
    lines += [f"  {i} {w}: {', '.join(ws)}" for i, w, ws in hints]

    lines.append("")
    dups = near_duplicates(items)
    lines.append(f"Near-duplicate items across chapters (Jaccard >= {NEAR_DUPLICATE}): {len(dups)}")
    lines += [f"  {a} ~ {b}: {j:.2f}" for a, b, j in dups]
    if dups:
        failures.append(
            "near-duplicate items (rewrite one, or mark it `review_of: <id>`): "
            + ", ".join(f"{a} ~ {b}" for a, b, _ in dups)
        )

    lines.append("")
    missing = missing_feedback(items)
    lines.append(f"Options, pairs and entries without explanatory feedback: {len(missing)}")
    lines += [f"  {i} {f}" for i, f in missing]
    if missing:
        failures.append(f"{len(missing)} options/pairs/entries without explanatory feedback: "
                        + ", ".join(f"{i} {f}" for i, f in missing))

    lines.append("")
    keys = role_keys(items, lists)
    lines.append("Vignettes: how often each role is keyed best")
    for lst, counts in keys.items():
        lines.append(f"  {lst}: " + ", ".join(f"{r} {n}" for r, n in counts.items()))
        never = [r for r, n in counts.items() if n == 0]
        if never:
            failures.append(f"role list {lst}: never keyed best: {', '.join(never)}")

    lines.append("")
    if failures:
        lines.append(f"FAILED ({len(failures)}):")
        lines += [f"  - {f}" for f in failures]
    else:
        lines.append("All item-writing thresholds pass.")
    return Report(lines, failures)


def main(argv: list[str] | None = None) -> int:
    from kesos.content import ContentError, load_course

    argv = list(argv or [])
    if argv and argv[0] in ("-h", "--help"):
        print("usage: kesos lint\n\nMeasure item-writing cues in content/activities and fail on thresholds "
              "(see docs/item-writing.md).")
        return 0
    try:
        course = load_course()
    except ContentError as e:
        print(e, file=sys.stderr)
        print("kesos lint: content does not validate — run `kesos validate` first", file=sys.stderr)
        return 1
    report = lint(course)
    print(report)
    return 0 if report.ok else 1
