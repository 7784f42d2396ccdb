"""Multiple choice: RadioButtons for one answer, a Checkbox per option for several."""
from __future__ import annotations

import ipywidgets as W

from kesos.checking import seeded_order
from kesos.i18n import t
from kesos.widgets.base import ActivityWidget, esc, register


@register("choice")
class ChoiceWidget(ActivityWidget):
    """``options_widget``: RadioButtons (single) or a VBox of Checkboxes (``boxes`` by option id).

    Options appear in an order shuffled once per learner and item (the same on every run)."""

    @property
    def verdict_words(self):
        # in a single-answer question the one option not chosen but keyed is "the right answer"
        return {} if self.activity.multiple else {"missing": "verdict_right_answer"}

    def build(self):
        a, lang = self.activity, self.lang
        by_id = {o.id: o for o in a.options}
        self.order = seeded_order(list(by_id), self.learner_id, a.id)
        labels = [(by_id[i].text.get(lang), i) for i in self.order]
        if a.multiple:
            self.boxes = {
                i: W.Checkbox(value=False, description=label, indent=False, layout=W.Layout(width="auto"))
                for label, i in labels
            }
            self.options_widget = W.VBox(list(self.boxes.values()))
            self.watch(*self.boxes.values())
            note = W.HTML(f"<em>{esc(t('choose_all', lang))}</em>")
            return [note, self.options_widget]
        self.boxes = {}
        self.options_widget = W.RadioButtons(options=labels, value=None, layout=W.Layout(width="auto"))
        self.watch(self.options_widget)
        return [self.options_widget]

    def get_answer(self):
        if self.activity.multiple:
            return [o.id for o in self.activity.options if self.boxes[o.id].value]
        v = self.options_widget.value
        return [v] if v is not None else []

    def set_answer(self, answer):
        chosen = set(answer) if isinstance(answer, (list, tuple)) else set()
        if self.activity.multiple:
            for i, box in self.boxes.items():
                box.value = i in chosen
        else:
            self.options_widget.value = next((i for i in self.order if i in chosen), None)
