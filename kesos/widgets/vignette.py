"""Case vignettes: which worker role(s) fit this case, in which role list?"""
from __future__ import annotations

import ipywidgets as W

from kesos.checking import CONFIDENCE, role_label, vignette_role_list
from kesos.i18n import t
from kesos.widgets.base import ActivityWidget, esc, paragraphs, register


@register("vignette")
class VignetteWidget(ActivityWidget):
    """``role_list_widget`` (Dropdown; disabled when the vignette fixes the list), ``role_boxes``
    ({role id: Checkbox}, rebuilt when the list changes), ``confidence`` (ToggleButtons),
    ``justification`` (Text)."""

    def build(self):
        a, c, lang = self.activity, self.course, self.lang
        earlier = ""
        if a.follows and a.follows in c.activities:  # a linked case: part 1 is shown above part 2
            first = c.activities[a.follows]
            earlier = (f'<p><em>{esc(t("vignette_follows", lang))} {esc(first.title.get(lang))}</em></p>'
                       f"{paragraphs(first.case.get(lang))}<hr>")
        self.case = W.HTML(f'<div class="kesos-case">{earlier}{paragraphs(a.case.get(lang))}</div>')
        lists = [
            (c.citation_of(rl.id, lang), rl.id)  # "Huda 2009:205", "Zastrow, in Huraerah 2008:149"
            for rl in c.role_lists.values() if rl.id in a.fits
        ]
        self.role_list_widget = W.Dropdown(
            options=lists, value=a.role_list or lists[0][1], description=t("role_list_label", lang),
            disabled=bool(a.role_list), style={"description_width": "initial"}, layout=W.Layout(width="auto"),
        )
        self.roles_title = W.HTML(f"<strong>{esc(t('roles_title', lang))}</strong>")
        self.roles_box = W.VBox()
        self.role_boxes: dict[str, W.Checkbox] = {}
        self.none_fits = W.Checkbox(
            value=False, description=t("vignette_none_fits", lang), indent=False, layout=W.Layout(width="auto"),
        )
        self._build_roles(self.role_list_widget.value)
        self.none_fits.observe(self._none_fits_changed, names="value")
        self.watch(self.none_fits)
        self.role_list_widget.observe(self._list_changed, names="value")
        self.confidence = W.ToggleButtons(
            options=[(t(f"confidence_{k}", lang), k) for k in CONFIDENCE], value=None,
            description=t("confidence_label", lang), style={"description_width": "initial", "button_width": "auto"},
        )
        self.justification = W.Text(
            description=t("justification_label", lang), placeholder=t("justification_placeholder", lang),
            style={"description_width": "initial"}, layout=W.Layout(width="100%"),
        )
        self.watch(self.confidence, self.justification)
        return [self.case, self.role_list_widget, self.roles_title, self.roles_box, self.confidence, self.justification]

    def _build_roles(self, list_id: str) -> None:
        for old in self.role_boxes.values():  # the previous list's boxes are not shown again
            old.close()
        rl = self.course.role_lists[list_id]
        self.role_boxes = {
            e.role: W.Checkbox(
                value=False, description=role_label(self.course, list_id, e.role, self.lang),
                tooltip=e.description.get(self.lang), indent=False, layout=W.Layout(width="auto"),
            )
            for e in rl.entries
        }
        self.watch(*self.role_boxes.values())
        for box in self.role_boxes.values():
            box.observe(self._role_ticked, names="value")
        self.roles_box.children = [*self.role_boxes.values(), self.none_fits]

    def _none_fits_changed(self, change) -> None:
        if change["new"]:  # "none of these roles fits" excludes every role
            for box in self.role_boxes.values():
                box.value = False

    def _role_ticked(self, change) -> None:
        if change["new"]:
            self.none_fits.value = False

    def _list_changed(self, change) -> None:
        self._build_roles(change["new"])
        self._changed()

    def get_answer(self):
        return {
            "role_list": self.role_list_widget.value,
            "roles": [r for r, box in self.role_boxes.items() if box.value],
            "none_fits": self.none_fits.value,
            "confidence": self.confidence.value,
            "justification": self.justification.value,
        }

    def set_answer(self, answer):
        answer = answer if isinstance(answer, dict) else {}
        list_id = vignette_role_list(self.activity, answer, self.course) or (
            self.activity.role_list or self.role_list_widget.options[0][1]
        )
        if list_id != self.role_list_widget.value:
            self.role_list_widget.value = list_id  # rebuilds the role boxes
        roles = answer.get("roles") if isinstance(answer.get("roles"), list) else []
        for r, box in self.role_boxes.items():
            box.value = r in roles
        self.none_fits.value = answer.get("none_fits") is True
        conf = answer.get("confidence")
        self.confidence.value = conf if conf in CONFIDENCE else None
        just = answer.get("justification")
        self.justification.value = just if isinstance(just, str) else ""

    def feedback_extras(self, answer):
        just = (answer or {}).get("justification")
        if isinstance(just, str) and just.strip():
            return [t("your_reasoning", self.lang, text=just.strip())]  # escaped by the renderer
        return []

    def verdict(self, result):
        if self.activity.discussion and not result.empty:
            return "discussion"
        return super().verdict(result)
