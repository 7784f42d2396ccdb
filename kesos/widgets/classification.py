"""Classification: one Dropdown of categories per entry."""
from __future__ import annotations

from kesos.i18n import t
from kesos.widgets.base import ActivityWidget, esc, labelled_dropdown, register, set_choice


@register("classification")
class ClassificationWidget(ActivityWidget):
    """``dropdowns``: {entry id: Dropdown of category ids (None = not chosen)}."""

    def build(self):
        a, lang = self.activity, self.lang
        options = [(t("choose_placeholder", lang), None)] + [(c.label.get(lang), c.id) for c in a.categories]
        self.dropdowns, rows = {}, []
        for n, e in enumerate(a.entries, 1):
            row, dd = labelled_dropdown(f"<strong>{n}.</strong> {esc(e.text.get(lang))}", t("entry_n", lang, n=n), options)
            self.dropdowns[e.id] = dd
            rows.append(row)
        self.watch(*self.dropdowns.values())
        return rows

    def get_answer(self):
        return {e: dd.value for e, dd in self.dropdowns.items() if dd.value is not None}

    def set_answer(self, answer):
        answer = answer if isinstance(answer, dict) else {}
        for e, dd in self.dropdowns.items():
            set_choice(dd, answer.get(e))
