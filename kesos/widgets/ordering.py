"""Ordering: a Select list with "Move up" / "Move down" buttons (keyboard-operable, not drag-only).

Keyboard: arrow keys choose a line in the list, Tab reaches the buttons, Enter or Space moves it.
"""
from __future__ import annotations

import ipywidgets as W

from kesos.checking import seeded_order
from kesos.i18n import t
from kesos.widgets.base import ActivityWidget, button, esc, register


@register("ordering")
class OrderingWidget(ActivityWidget):
    """``select`` (value = selected entry id), ``up_button``, ``down_button``; ``order`` is the
    learner's current order of entry ids."""

    def build(self):
        a, lang = self.activity, self.lang
        self.texts = {e.id: e.text.get(lang) for e in a.entries}
        keyed = [e.id for e in sorted(a.entries, key=lambda e: e.position)]
        start = seeded_order(keyed, self.learner_id, a.id)
        if start == keyed:  # never start in the right order
            start = start[1:] + start[:1]
        self.initial = start
        self.order = list(start)
        self.select = W.Select(
            options=self._labels(), rows=len(self.order), description=t("order_label", lang),
            layout=W.Layout(width="100%"),
        )
        self.options_widget = self.select
        self.up_button = button(t("move_up", lang), "kesos-move-up", icon="arrow-up")
        self.down_button = button(t("move_down", lang), "kesos-move-down", icon="arrow-down")
        self.up_button.on_click(lambda _b: self.move(-1))
        self.down_button.on_click(lambda _b: self.move(+1))
        note = W.HTML(f"<em>{esc(t('order_instructions', lang))}</em>")
        return [note, self.select, W.HBox([self.up_button, self.down_button])]

    def _labels(self):
        return [(f"{k}. {self.texts[i]}", i) for k, i in enumerate(self.order, 1)]

    def _refresh(self, selected):
        with self.quiet():
            self.select.options = self._labels()
            self.select.value = selected

    def move(self, delta: int) -> None:
        """Move the selected entry one place up (-1) or down (+1)."""
        sel = self.select.value
        if sel is None:
            return
        i = self.order.index(sel)
        j = i + delta
        if not 0 <= j < len(self.order):
            return
        self.order[i], self.order[j] = self.order[j], self.order[i]
        self._refresh(sel)
        self._changed()  # the learner changed the answer

    def get_answer(self):
        return list(self.order)

    def set_answer(self, answer):
        given = [i for i in dict.fromkeys(answer) if i in self.texts] if isinstance(answer, list) else []
        self.order = given + [i for i in self.initial if i not in given] if given else list(self.initial)
        self._refresh(self.order[0])

    def reset(self):
        self.set_answer(list(self.initial))
