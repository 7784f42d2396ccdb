"""A section quiz: activities stacked, with a running score that updates on every check."""
from __future__ import annotations

import ipywidgets as W

from kesos.i18n import t
from kesos.widgets.base import ActivityWidget, esc, number


class QuizWidget(W.VBox):
    """``activities``: the stacked widgets (an unknown id shows its message and does not count);
    ``score``: the running score (HTML); ``total`` / ``maximum`` / ``answered``: its numbers."""

    def __init__(self, widgets: list, title: str | None = None, *, lang: str):
        super().__init__()
        self.lang = lang
        self.activities = list(widgets)
        self.scored = [w for w in self.activities if isinstance(w, ActivityWidget)]
        self.title = W.HTML(f'<h3 class="kesos-quiz-title">{esc(title or t("quiz_title", lang))}</h3>')
        self.score = W.HTML()
        self.score.add_class("kesos-quiz-score")
        self.add_class("kesos-quiz")
        for w in self.scored:
            w.on_result(lambda _w, _r: self.update())
        self.children = [self.title, self.score, *self.activities]
        self.update()

    def update(self) -> None:
        results = [w.result for w in self.scored if w.result is not None and not w.result.empty]
        self.total = sum(r.score for r in results)
        self.maximum = sum(w.result.max_score if w.result else 1.0 for w in self.scored)
        self.answered = len(results)
        text = t(
            "quiz_score", self.lang, score=number(self.total, self.lang), total=number(self.maximum, self.lang),
            answered=self.answered, count=len(self.scored),
        )
        self.score.value = f'<p role="status"><strong>{esc(text)}</strong></p>'
