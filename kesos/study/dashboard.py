""""My progress" / "Kemajuan saya": what a student's own answers say about them.

Tables first (pandas DataFrames, pure and tested), then charts drawn from them (matplotlib).
Every function reads only the current learner's attempts.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kesos.checking import author_key, author_name
from kesos.i18n import get_language, t
from kesos.study.history import Event, activity_authors, chapter_order, events, learner_attempts

if TYPE_CHECKING:  # pragma: no cover
    from kesos.content import Course


def _latest(evs: list[Event]) -> dict[str, Event]:
    latest: dict[str, Event] = {}
    for e in evs:
        latest[e.item_id] = e
    return latest


# --------------------------------------------------------------------------- tables


def mastery_by_chapter(course: "Course", evs: list[Event]):
    """Per chapter: activities, how many answered, mean score of the latest answers, and mastery
    (mean latest score over ALL the chapter's activities: an unanswered one counts 0)."""
    import pandas as pd

    latest = _latest([e for e in evs if e.kind == "activity"])
    rows = []
    for ch in chapter_order(course):
        ids = [a.id for a in course.activities_in(ch)]
        if not ids:
            continue
        scores = [latest[i].score for i in ids if i in latest]
        rows.append({
            "chapter": ch, "activities": len(ids), "answered": len(scores),
            "mean_score": sum(scores) / len(scores) if scores else float("nan"),
            "mastery": sum(scores) / len(ids),
        })
    return pd.DataFrame(rows, columns=["chapter", "activities", "answered", "mean_score", "mastery"])


def mastery_by_author(course: "Course", evs: list[Event]):
    """Per source author: mean score of the latest answers that involve them. A matching pair
    counts for its own author only; other activities count for every author they cite."""
    import pandas as pd

    latest = _latest([e for e in evs if e.kind == "activity"])
    got: dict[str, list[float]] = defaultdict(list)
    for e in latest.values():
        activity = course.activities[e.item_id]
        if activity.type == "matching" and isinstance(e.answer, dict):
            for p in activity.pairs:
                key = author_key(course.definitions[p.definition].cite)
                got[key].append(1.0 if e.answer.get(p.definition) == key else 0.0)
        else:
            for key in activity_authors(activity, course):
                got[key].append(e.score)
    rows = [{"author": k, "answers": len(v), "mastery": sum(v) / len(v)} for k, v in got.items()]
    df = pd.DataFrame(rows, columns=["author", "answers", "mastery"])
    return df.sort_values(["mastery", "author"]).reset_index(drop=True)


def author_confusion(course: "Course", evs: list[Event]):
    """Who-said-what: for every matching pair the learner answered (all attempts, not only the
    latest), the true author (row) against the author chosen (column). Off the diagonal are the
    authors this learner mixes up."""
    import pandas as pd

    counts: Counter = Counter()
    for e in evs:
        if e.type != "matching" or not isinstance(e.answer, dict):
            continue
        activity = course.activities[e.item_id]
        for p in activity.pairs:
            chosen = e.answer.get(p.definition)
            if isinstance(chosen, str) and chosen:
                counts[(author_key(course.definitions[p.definition].cite), chosen)] += 1
    keys = sorted({k for pair in counts for k in pair})
    df = pd.DataFrame(0, index=keys, columns=keys, dtype=int)
    for (true, chosen), n in counts.items():
        df.loc[true, chosen] = n
    df.index.name, df.columns.name = "true", "chosen"
    return df


def confusions(course: "Course", evs: list[Event], lang: str | None = None, n: int = 5) -> list[tuple[str, str, int]]:
    """The ``n`` most frequent mix-ups: (true author, author chosen instead, times), by name."""
    lang = lang or get_language()
    df = author_confusion(course, evs)
    pairs = [(df.index[i], df.columns[j], int(df.iat[i, j]))
             for i in range(len(df.index)) for j in range(len(df.columns))
             if df.index[i] != df.columns[j] and df.iat[i, j] > 0]
    pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
    return [(author_name(course, a, lang), author_name(course, b, lang), k) for a, b, k in pairs[:n]]


def calibration(evs: list[Event]):
    """Vignette answers by stated confidence: how many, how many fully right, and the share right.
    Confident and wrong is the most useful signal: it marks what to look at again first."""
    import pandas as pd

    rows = []
    for level in ("sure", "unsure", "guessing"):
        xs = [e for e in evs if e.type == "vignette" and e.confidence == level]
        right = sum(e.correct for e in xs)
        rows.append({"confidence": level, "answers": len(xs), "right": right,
                     "share_right": right / len(xs) if xs else float("nan")})
    return pd.DataFrame(rows, columns=["confidence", "answers", "right", "share_right"])


def activity_over_time(evs: list[Event]):
    """Answers per day, split into fully right and not."""
    import pandas as pd

    days: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    for e in evs:
        days[e.when.date()][0 if e.correct else 1] += 1
    rows = [{"day": d, "right": v[0], "not_right": v[1]} for d, v in sorted(days.items())]
    return pd.DataFrame(rows, columns=["day", "right", "not_right"])


@dataclass(frozen=True)
class NextItem:
    item_id: str
    chapter: str
    reason: str  # "due" | "missed" | "new"


def next_items(course: "Course", evs: list[Event], *, n: int = 5, now: dt.datetime | None = None) -> list[NextItem]:
    """What to do next: review cards due now (most overdue first, across chapters), then items
    whose latest answer was not right, then the first unanswered items where the learner is."""
    from kesos.study.spaced import due

    out: list[NextItem] = []
    seen: set[str] = set()

    def add(item_id, chapter, reason):
        if item_id not in seen and len(out) < n:
            seen.add(item_id)
            out.append(NextItem(item_id, chapter, reason))

    for c in due(course, evs, now=now):
        if c.kind == "activity":
            add(c.item_id, c.chapter, "due")
    for e in _latest([e for e in evs if e.kind == "activity"]).values():
        if not e.correct:
            add(e.item_id, e.chapter, "missed")
    here = continue_point(course, evs)
    if here is not None:
        answered = {e.item_id for e in evs}
        order = chapter_order(course)
        for ch in order[order.index(here[0]):]:
            for a in course.activities_in(ch):
                if a.id not in answered:
                    add(a.id, ch, "new")
    return out


def continue_point(course: "Course", evs: list[Event]) -> tuple[str, str | None] | None:
    """Where to continue: (chapter, first unanswered activity id or None) of the chapter last
    worked in; if that chapter is done, the next chapter with something unanswered. None for a
    learner who has answered nothing yet (start at the beginning)."""
    acts = [e for e in evs if e.kind == "activity"]
    if not acts:
        return None
    answered = {e.item_id for e in acts}
    order = chapter_order(course)
    start = order.index(acts[-1].chapter) if acts[-1].chapter in order else 0
    for ch in order[start:] + order[:start]:
        todo = [a.id for a in course.activities_in(ch) if a.id not in answered]
        if todo:
            return ch, todo[0]
    return acts[-1].chapter, None


# --------------------------------------------------------------------------- charts

_COLOURS = {"good": "#1a7f37", "bad": "#b3261e", "bar": "#3565a8", "grey": "#8c8c8c"}


class Chart:
    """A chart for the notebook: SVG (scales and prints) with a caption that says in words what
    it shows (for screen readers, printouts and the plain-text view nbval sees)."""

    def __init__(self, fig, title: str, caption: str):
        self.fig, self.title, self.caption = fig, title, caption

    def svg(self) -> str:
        import io

        import matplotlib

        buf = io.StringIO()
        with matplotlib.rc_context({"svg.fonttype": "none"}):
            self.fig.savefig(buf, format="svg")
        text = buf.getvalue()
        return text[text.index("<svg"):]

    def _repr_html_(self) -> str:
        import html

        return (f'<figure class="kesos-chart" role="group" aria-label="{html.escape(self.title)}" style="margin:0">'
                f'{self.svg()}<figcaption>{html.escape(self.caption)}</figcaption></figure>')

    def __repr__(self) -> str:
        return f"{self.title}: {self.caption}"


def _figure(width=7.5, height=3.6, *, left=0.1, bottom=0.16):
    """A figure with fixed margins (no tight layout: measuring every label is what makes
    matplotlib slow, and the charts' labels have known sizes)."""
    from matplotlib.figure import Figure  # no pyplot: nothing global, no backend to choose

    fig = Figure(figsize=(width, height), dpi=100)
    fig.subplots_adjust(left=left, right=0.97, bottom=bottom, top=0.88)
    return fig, fig.add_subplot()


def _empty(ax, lang):
    ax.text(0.5, 0.5, t("study_no_data", lang), ha="center", va="center", wrap=True)
    ax.set_axis_off()


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def chart_mastery(course, evs, lang):
    """Mastery per chapter (bars), with answered/total above each bar."""
    df = mastery_by_chapter(course, evs)
    title = t("study_chart_mastery", lang)
    fig, ax = _figure()
    if df.empty or not df["answered"].any():
        _empty(ax, lang)
        return Chart(fig, title, t("study_no_data", lang))
    labels = [f"{course.chapters[c].number:02d}" for c in df["chapter"]]
    ax.bar(labels, df["mastery"] * 100, color=_COLOURS["bar"])
    for i, (m, a, n) in enumerate(zip(df["mastery"], df["answered"], df["activities"])):
        ax.text(i, m * 100 + 2, f"{a}/{n}", ha="center", fontsize=8)
    ax.set_ylim(0, 110)
    ax.set_ylabel(t("study_axis_mastery", lang))
    ax.set_xlabel(t("study_axis_chapter", lang))
    ax.set_title(title)
    caption = "; ".join(f"{course.chapters[c].title.get(lang)} {_pct(m)} ({a}/{n})"
                        for c, m, a, n in zip(df["chapter"], df["mastery"], df["answered"], df["activities"]))
    return Chart(fig, title, caption)


def chart_authors(course, evs, lang):
    """Mastery per source author (horizontal bars, weakest first; red below 50%)."""
    df = mastery_by_author(course, evs)
    title = t("study_chart_authors", lang)
    names = [author_name(course, k, lang) for k in df["author"]]
    width = 7.5
    left = min(0.5, (0.25 + 0.075 * max((len(n) for n in names), default=0)) / width)  # ~0.075 in a character
    fig, ax = _figure(width, height=max(2.5, 0.32 * len(df) + 1), left=left, bottom=0.12)
    if df.empty:
        _empty(ax, lang)
        return Chart(fig, title, t("study_no_data", lang))
    colours = [_COLOURS["bad"] if m < 0.5 else _COLOURS["bar"] for m in df["mastery"]]
    ax.barh(names, df["mastery"] * 100, color=colours)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(t("study_axis_mastery", lang))
    ax.set_title(title)
    return Chart(fig, title, "; ".join(f"{n} {_pct(m)}" for n, m in zip(names, df["mastery"])))


def chart_confusion(course, evs, lang):
    """Who-said-what confusion matrix; mix-ups (off the diagonal) in red, in bold."""
    import numpy as np

    df = author_confusion(course, evs)
    title = t("study_chart_confusion", lang)
    if df.empty:
        fig, ax = _figure()
        _empty(ax, lang)
        return Chart(fig, title, t("study_no_data", lang))
    names = [author_name(course, k, lang) for k in df.index]
    label = 0.3 + 0.062 * max(len(n) for n in names)  # inches for the longest name at 8 pt
    cells = max(3.0, 0.45 * len(names))
    fig, ax = _figure(width=cells + label + 0.4, height=cells + label + 0.8,
                      left=label / (cells + label + 0.4), bottom=label / (cells + label + 0.8))
    off = df.to_numpy().copy()
    np.fill_diagonal(off, 0)
    ax.imshow(off, cmap="Reds", vmin=0, vmax=max(1, off.max()))
    ax.set_xticks(range(len(names)), names, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    for i in range(len(names)):
        for j in range(len(names)):
            v = int(df.iat[i, j])
            if v:
                ax.text(j, i, str(v), ha="center", va="center", fontsize=8,
                        color="white" if i != j and off[i, j] > off.max() / 2 else "black",
                        fontweight="bold" if i != j else "normal")
    ax.set_ylabel(t("study_axis_true_author", lang))
    ax.set_xlabel(t("study_axis_chosen_author", lang))
    ax.set_title(title)
    mixups = confusions(course, evs, lang)
    caption = ("; ".join(t("study_mixup", lang, true=a, chosen=b, times=k) for a, b, k in mixups)
               if mixups else t("study_no_mixups", lang))
    return Chart(fig, title, caption)


def chart_calibration(evs, lang):
    """Vignette answers per stated confidence, right (green) and not right (red)."""
    df = calibration(evs)
    title = t("study_chart_calibration", lang)
    fig, ax = _figure()
    if not df["answers"].any():
        _empty(ax, lang)
        return Chart(fig, title, t("study_no_data", lang))
    labels = [t(f"confidence_{c}", lang) for c in df["confidence"]]
    right = df["right"].tolist()
    wrong = (df["answers"] - df["right"]).tolist()
    ax.bar(labels, right, color=_COLOURS["good"], label=t("study_right", lang))
    ax.bar(labels, wrong, bottom=right, color=_COLOURS["bad"], label=t("study_not_right", lang), hatch="//")
    ax.set_ylabel(t("study_axis_answers", lang))
    ax.set_title(title)
    ax.legend()
    caption = "; ".join(f"{lab}: {r}/{n}" for lab, r, n in zip(labels, right, df["answers"]))
    sure_wrong = int(wrong[0])
    if sure_wrong:
        caption += ". " + t("study_sure_wrong", lang, n=sure_wrong)
    return Chart(fig, title, caption)


def chart_activity(evs, lang):
    """Answers per day (per week when the history is longer than six weeks), right and not right."""
    import matplotlib.dates as mdates

    df = activity_over_time(evs)
    title = t("study_chart_activity", lang)
    fig, ax = _figure()
    if df.empty:
        _empty(ax, lang)
        return Chart(fig, title, t("study_no_data", lang))
    n_days, width = len(df), 0.8
    if (df["day"].iloc[-1] - df["day"].iloc[0]).days > 42:
        week = df["day"].map(lambda d: d - dt.timedelta(days=d.weekday()))
        df = df.groupby(week).sum(numeric_only=True).reset_index().rename(columns={"index": "day"})
        width = 5.6
    days = mdates.date2num(list(df["day"]))
    ax.bar(days, df["right"], width=width, color=_COLOURS["good"], label=t("study_right", lang))
    ax.bar(days, df["not_right"], width=width, bottom=df["right"], color=_COLOURS["bad"],
           label=t("study_not_right", lang), hatch="//")
    locator = mdates.AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_ylabel(t("study_axis_answers", lang))
    ax.set_title(title)
    ax.legend()
    total = int(df["right"].sum() + df["not_right"].sum())
    return Chart(fig, title, t("study_activity_caption", lang, days=n_days, answers=total))
