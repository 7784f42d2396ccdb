"""Written recall: write a definition or a list from memory; Check shows which key elements are
present or missing, the model answer and the citation (scored by ``kesos.checking``)."""
from __future__ import annotations

import ipywidgets as W

from kesos.i18n import t
from kesos.widgets.base import ActivityWidget, register


@register("recall")
class RecallWidget(ActivityWidget):
    """``text`` (Textarea). The elements are never shown before checking."""

    def build(self):
        lang = self.lang
        self.text = W.Textarea(
            placeholder=t("recall_placeholder", lang), description=t("recall_label", lang),
            rows=6, layout=W.Layout(width="100%"), style={"description_width": "initial"},
        )
        self.watch(self.text)
        return [self.text]

    def get_answer(self):
        return {"text": self.text.value}

    def set_answer(self, answer):
        text = answer.get("text") if isinstance(answer, dict) else None
        self.text.value = text if isinstance(text, str) else ""
