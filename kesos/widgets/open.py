"""Open questions: write, compare with the model answer, tick the rubric, save (self-assessed)."""
from __future__ import annotations

import ipywidgets as W

from kesos.i18n import t
from kesos.widgets.base import ActivityWidget, button, esc, paragraphs, register


@register("open")
class OpenWidget(ActivityWidget):
    """``text`` (Textarea), ``reveal_button``, ``model_answer`` (HTML, hidden until revealed),
    ``rubric_boxes`` (list of Checkbox); ``check_button`` is labelled "Save"."""

    check_key = "save"
    show_explanation = False  # the model answer has its own area

    def build(self):
        a, lang = self.activity, self.lang
        self.revealed = False
        self.text = W.Textarea(
            placeholder=t("open_placeholder", lang), description=t("open_label", lang),
            rows=6, layout=W.Layout(width="100%"), style={"description_width": "initial"},
        )
        self.reveal_button = button(t("show_model_answer", lang), "kesos-reveal", icon="eye")
        self.reveal_button.on_click(lambda _b: self.reveal())
        self.model_answer = W.HTML(
            f'<div class="kesos-model-answer"><strong>{esc(t("model_answer_title", lang))}</strong>'
            f"{paragraphs(a.model_answer.get(lang))}</div>",
            layout=W.Layout(display="none"),
        )
        self.rubric_title = W.HTML(f"<strong>{esc(t('rubric_title', lang))}</strong>")
        self.rubric_boxes = [
            W.Checkbox(value=False, description=item.get(lang), indent=False, layout=W.Layout(width="auto"))
            for item in a.rubric
        ]
        self.watch(self.text, *self.rubric_boxes)
        return [self.text, self.model_answer, self.rubric_title, *self.rubric_boxes]

    def extra_buttons(self):
        return [self.reveal_button]

    def reveal(self, shown: bool = True) -> None:
        if shown and not self.revealed and not self._quiet_depth:
            self._dirty = True
        self.revealed = shown
        self.model_answer.layout.display = None if shown else "none"

    def get_answer(self):
        return {"text": self.text.value, "rubric": [b.value for b in self.rubric_boxes], "revealed": self.revealed}

    def set_answer(self, answer):
        answer = answer if isinstance(answer, dict) else {}
        text = answer.get("text")
        self.text.value = text if isinstance(text, str) else ""
        ticks = answer.get("rubric") if isinstance(answer.get("rubric"), list) else []
        for i, box in enumerate(self.rubric_boxes):
            box.value = bool(ticks[i]) if i < len(ticks) else False
        self.reveal(bool(answer.get("revealed")))

    def submit(self):
        result = super().submit()
        if result is not None and not result.empty:
            with self.quiet():
                self.reveal()  # after saving, always show the model answer to compare with
        return result

    def verdict(self, result):
        return None if result.empty else "saved"
