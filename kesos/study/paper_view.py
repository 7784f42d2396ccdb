"""The mock exam in a notebook: the paper, an optional timer, Submit, then the score report.

No answer is checked and no feedback is shown until Submit. After it, every question is scored by
``kesos.checking``; essays are self-assessed against their rubric with the model answer beside
them (the score updates as the learner ticks); the result is saved in the progress store and
can be written as a printable HTML file.
"""
from __future__ import annotations

import datetime as dt
import html
import threading
from pathlib import Path

from kesos.i18n import t
from kesos.study import paper as X


class ExamView:
    """``widget`` is the ipywidgets box to display. ``answers`` maps question number → what the
    learner gave; ``result`` is the :class:`~kesos.study.exam.ExamResult` after Submit."""

    def __init__(self, course, paper: X.Paper, lang: str, store=None):
        import ipywidgets as W

        self.course, self.paper, self.lang, self.store = course, paper, lang, store
        self.result: X.ExamResult | None = None
        self.started = dt.datetime.now(dt.timezone.utc)
        self._confirming = False
        self._stop = threading.Event()
        e = html.escape
        chapters = ", ".join(f"{course.chapters[c].number:02d}" for c in paper.blueprint.weights)
        head = W.HTML(
            f"<h3>{e(t('exam_title', lang))}</h3><p>{e(t('exam_intro', lang, n=len(paper.questions), points=paper.total_points, chapters=chapters, seed=paper.seed))}</p>"
        )
        self.timer = W.HTML()
        self.inputs: dict[int, object] = {}
        boxes = []
        for q in paper.questions:
            a = course.activity(q.item_id)
            kind = t(f"exam_kind_{q.kind}", lang)
            text = f"<p><b>{q.number}.</b> <span class='kesos-exam-kind'>[{e(kind)}, {q.points} {e(t('exam_points', lang))}]</span> {e(a.prompt.get(lang))}</p>"
            case = getattr(a, "case", None)
            if case is not None:
                text += f"<blockquote>{e(case.get(lang))}</blockquote>"
            label = W.HTML(text)
            if q.kind == "choice":
                opts = {o.id: o for o in a.options}
                field = W.RadioButtons(
                    options=[(f"{X.LETTERS[i]}. {opts[oid].text.get(lang)}", X.LETTERS[i]) for i, oid in enumerate(q.options)],
                    value=None, layout=W.Layout(width="auto"),
                )
            else:
                field = W.Textarea(placeholder=t("exam_write_here", lang), rows=4 if q.kind == "recall" else 8,
                                   layout=W.Layout(width="95%"))
            self.inputs[q.number] = field
            boxes.append(W.VBox([label, field], layout=W.Layout(margin="0 0 12px 0")))
        self.submit_button = W.Button(description=t("exam_submit", lang), button_style="", icon="check")
        self.submit_button.on_click(lambda _b: self.submit())
        self.message = W.HTML()
        self.report = W.VBox()
        self.widget = W.VBox([head, self.timer, *boxes, self.submit_button, self.message, self.report])
        self.widget.add_class("kesos-exam")
        if paper.blueprint.minutes:
            self.deadline = self.started + dt.timedelta(minutes=paper.blueprint.minutes)
            self._tick()
            threading.Thread(target=self._run_timer, daemon=True).start()

    # ---- timer -------------------------------------------------------------------------
    def _tick(self) -> bool:
        left = self.deadline - dt.datetime.now(dt.timezone.utc)
        secs = max(0, int(left.total_seconds()))
        self.timer.value = f"<p role='timer'>⏱ {html.escape(t('exam_time_left', self.lang, time=f'{secs // 60:02d}:{secs % 60:02d}'))}</p>"
        return secs > 0

    def _run_timer(self) -> None:
        while not self._stop.wait(1.0):
            if not self._tick():
                self.message.value = f"<p>{html.escape(t('exam_time_up', self.lang))}</p>"
                self.submit(force=True)
                return

    # ---- answers -----------------------------------------------------------------------
    @property
    def answers(self) -> dict[int, object]:
        out = {}
        for number, field in self.inputs.items():
            value = field.value
            if value not in (None, ""):
                out[number] = value
        return out

    def submit(self, force: bool = False) -> X.ExamResult | None:
        """Score the paper (asks once more when questions are unanswered, unless ``force``)."""
        if self.result is not None:
            return self.result
        missing = len(self.paper.questions) - len(self.answers)
        if missing and not force and not self._confirming:
            self._confirming = True
            self.message.value = f"<p>{html.escape(t('exam_confirm_unanswered', self.lang, n=missing))}</p>"
            return None
        self._stop.set()
        for field in self.inputs.values():
            field.disabled = True
        self.submit_button.disabled = True
        self._essay_ticks = {q.number: [False] * len(self.course.activity(q.item_id).rubric)
                             for q in self.paper.questions if q.kind == "open"}
        self._rescore()
        self._show_report()
        return self.result

    def _given(self) -> dict[int, object]:
        given = dict(self.answers)
        for number, ticks in self._essay_ticks.items():
            given[number] = {"text": given.get(number, ""), "rubric": list(ticks)}
        return given

    def _rescore(self) -> None:
        self.result = X.mark(self.course, self.paper, self._given(), self.lang, started=self.started)
        X.save(self.result, self.store)

    def assess(self, number: int, ticks: list[bool]) -> None:
        """Self-assessment of essay ``number``: which rubric points the answer meets."""
        self._essay_ticks[number] = [bool(x) for x in ticks]
        self._rescore()
        self.score.value = self._score_html()

    def _score_html(self) -> str:
        r = self.result
        return f"<h3>{html.escape(t('exam_report_summary', self.lang, earned=f'{r.earned:.1f}', total=self.paper.total_points, percent=f'{r.percent:.0f}', seed=self.paper.seed))}</h3>"

    def _show_report(self) -> None:
        import ipywidgets as W

        lang, e = self.lang, html.escape
        self.score = W.HTML(self._score_html())
        body = X.report_html(self.course, self.result)
        body = body[body.index("<body>") + 6: body.index("</body>")]
        body = body[body.index("</p>") + 4:]  # the summary line is shown live above
        essays = []
        for q in self.paper.questions:
            if q.kind != "open":
                continue
            a = self.course.activity(q.item_id)
            checks = [W.Checkbox(value=False, description=item.get(lang), indent=False, layout=W.Layout(width="auto"))
                      for item in a.rubric]

            def changed(_change, number=q.number, boxes=checks):
                self.assess(number, [b.value for b in boxes])

            for box in checks:
                box.observe(changed, names="value")
            essays.append(W.VBox([
                W.HTML(f"<h4>{q.number}. {e(t('exam_self_assess', lang))}</h4>"
                       f"<p><b>{e(t('exam_model_answer', lang))}:</b></p><blockquote>{e(a.model_answer.get(lang))}</blockquote>"),
                *checks,
            ]))
        save_button = W.Button(description=t("exam_save_html", lang), icon="download")
        saved = W.HTML()

        def save(_b):
            path = self.write_report()
            saved.value = f"<p>{e(t('exam_saved_html', lang, path=str(path)))}</p>"

        save_button.on_click(save)
        self.message.value = ""
        self.report.children = [self.score, *essays, W.HTML(body), save_button, saved]

    def write_report(self, path: str | Path | None = None) -> Path:
        """Write the printable report (HTML) and return its path."""
        path = Path(path or f"kesos-exam-{self.paper.seed}-{self.lang}.html")
        path.write_text(X.report_html(self.course, self.result), encoding="utf-8")
        return path
