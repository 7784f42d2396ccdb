"""The lecturer's class view over the class store (class mode, :mod:`kesos.session.classmode`).

``ClassView()`` reads the attempts of the user running it (``$JUPYTERHUB_USER``): a learner sees
only their own rows; a user named in ``$KESOS_LECTURERS`` (comma-separated) sees the whole class.

* :meth:`ClassView.difficulty` — per item: learners, attempts, share right at the first attempt;
* :meth:`ClassView.wrong_options` — the most chosen wrong options, with the misconception each names;
* :meth:`ClassView.mastery` / :meth:`ClassView.heatmap` — per learner and chapter, the mean score
  of each item's latest attempt.
"""
from __future__ import annotations

import os
from collections import Counter, defaultdict

from kesos.session.classmode import class_store, hub_user


def lecturers() -> set[str]:
    return {u.strip() for u in os.environ.get("KESOS_LECTURERS", "").split(",") if u.strip()}


class ClassView:
    def __init__(self, store=None, user: str | None = None, course=None, lang: str = "id"):
        self.store = store or class_store()
        if self.store is None:  # class mode not configured: the session store's (empty) class table
            from kesos.session.store import open_store

            self.store = open_store()
        self.user = user or hub_user()
        self.is_lecturer = self.user in lecturers()
        if course is None:
            from kesos.content import load_course

            course = load_course()
        self.course, self.lang = course, lang

    def attempts(self) -> list[dict]:
        """The rows this user may see: everyone's for a lecturer, else only their own."""
        return self.store.class_attempts(None if self.is_lecturer else self.user)

    def _title(self, item_id: str) -> str:
        a = self.course.activities.get(item_id)
        return a.title.get(self.lang) if a else item_id

    def difficulty(self):
        import pandas as pd

        first: dict[tuple[str, str], dict] = {}
        tries = Counter()
        for r in self.attempts():
            tries[r["item_id"]] += 1
            first.setdefault((r["user_name"], r["item_id"]), r)
        rows = defaultdict(lambda: {"learners": 0, "right_first": 0, "score_first": 0.0})
        for (_, item), r in first.items():
            d = rows[item]
            d["learners"] += 1
            d["right_first"] += bool(r["correct"])
            d["score_first"] += r["score"] or 0.0
        out = pd.DataFrame([
            {"item": item, "title": self._title(item), "learners": d["learners"], "attempts": tries[item],
             "right_first_%": round(100 * d["right_first"] / d["learners"]),
             "mean_first_score": round(d["score_first"] / d["learners"], 2)}
            for item, d in rows.items()
        ], columns=["item", "title", "learners", "attempts", "right_first_%", "mean_first_score"])
        return out.sort_values("right_first_%").reset_index(drop=True)

    def wrong_options(self, top: int = 10):
        """Wrong choice options by how often they were chosen, with the misconception each names."""
        import pandas as pd

        counts = Counter()
        for r in self.attempts():
            act = self.course.activities.get(r["item_id"])
            if act is None or act.type != "choice":
                continue
            ans = r["answer"]
            chosen = ans.get("choice", []) if isinstance(ans, dict) else ans if isinstance(ans, list) else [ans]
            for o in act.options:
                if o.id in chosen and not o.correct:
                    counts[(act.id, o.id)] += 1
        rows = []
        for (item, opt), n in counts.most_common(top):
            o = next(x for x in self.course.activities[item].options if x.id == opt)
            m = self.course.misconceptions.get(o.misconception) if o.misconception else None
            rows.append({"item": item, "option": o.text.get(self.lang), "chosen": n,
                         "misconception": m.text.get(self.lang) if m else ""})
        return pd.DataFrame(rows, columns=["item", "option", "chosen", "misconception"])

    def mastery(self):
        """Learners × chapters: mean score of each item's latest attempt (0–1)."""
        import pandas as pd

        latest: dict[tuple[str, str], dict] = {}
        for r in self.attempts():
            latest[(r["user_name"], r["item_id"])] = r  # ordered by time: the last one wins
        cells = defaultdict(list)
        for (user, item), r in latest.items():
            act = self.course.activities.get(item)
            if act is not None and r["score"] is not None:
                cells[(user, act.chapter)].append(r["score"] / (r["max_score"] or 1))
        df = pd.DataFrame([{"learner": u, "chapter": c, "mastery": sum(v) / len(v)} for (u, c), v in cells.items()],
                          columns=["learner", "chapter", "mastery"])
        if df.empty:
            return pd.DataFrame(dtype=float)
        return df.pivot(index="learner", columns="chapter", values="mastery").sort_index(axis=1)

    def heatmap(self):
        import matplotlib.pyplot as plt

        m = self.mastery()
        if m.empty:
            fig, ax = plt.subplots(figsize=(4, 1), dpi=90)
            ax.text(0.5, 0.5, "—", ha="center", va="center")
            ax.set_axis_off()
            plt.close(fig)
            return fig
        fig, ax = plt.subplots(figsize=(1.2 + 0.7 * max(1, m.shape[1]), 1 + 0.35 * max(1, m.shape[0])), dpi=90)
        im = ax.imshow(m.values, vmin=0, vmax=1, cmap="viridis", aspect="auto")
        ax.set_xticks(range(m.shape[1]), m.columns)
        ax.set_yticks(range(m.shape[0]), m.index)
        fig.colorbar(im, ax=ax, fraction=0.05)
        ax.set_title("mastery" if self.lang == "en" else "penguasaan", fontsize=10)
        fig.tight_layout()
        plt.close(fig)
        return fig
