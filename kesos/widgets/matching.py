"""Matching: one Dropdown of authors per definition ("who said what")."""
from __future__ import annotations

from kesos.checking import author_name, display_text, matching_choices
from kesos.i18n import t
from kesos.widgets.base import ActivityWidget, esc, labelled_dropdown, register, set_choice


@register("matching")
class MatchingWidget(ActivityWidget):
    """``dropdowns``: {definition id: Dropdown of author keys (None = not chosen)}."""

    def build(self):
        a, c, lang = self.activity, self.course, self.lang
        names = {k: author_name(c, k, lang) for k in matching_choices(a, c)}
        # alphabetical: the order of the choices gives nothing away
        options = [(t("choose_placeholder", lang), None)] + sorted(
            ((n, k) for k, n in names.items()), key=lambda nk: nk[0].casefold()
        )
        self.dropdowns, rows = {}, []
        for n, pair in enumerate(a.pairs, 1):
            text = display_text(c.definitions[pair.definition], pair.show, lang)
            row, dd = labelled_dropdown(f"<strong>{n}.</strong> {esc(text)}", t("definition_n", lang, n=n), options)
            self.dropdowns[pair.definition] = dd
            rows.append(row)
        self.watch(*self.dropdowns.values())
        return rows

    def get_answer(self):
        return {d: dd.value for d, dd in self.dropdowns.items() if dd.value is not None}

    def set_answer(self, answer):
        answer = answer if isinstance(answer, dict) else {}
        for d, dd in self.dropdowns.items():
            set_choice(dd, answer.get(d))
