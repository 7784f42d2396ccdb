"""The public view and result JSON the participant page gets (contract: docs/architecture.md).

Uses ``kesos.activity.view`` (the activity component) when it is installed; until then a
minimal placeholder with the same contract fields. The key never leaves the server before reveal.
"""
from __future__ import annotations

import dataclasses

from kesos import checking
from kesos.i18n import t

try:  # the activity component (issue 9)
    from kesos.activity.view import public_view as _component_view, result_json as _component_result
except ImportError:  # pragma: no cover - depends on the merge order
    _component_view = _component_result = None

SESSION_TYPES = ("choice", "classification", "vignette", "open")


def public_view(activity, course, lang: str, learner_id: str) -> dict:
    if _component_view is not None:
        return _component_view(activity, course, lang, learner_id)
    v = {"v": 1, "id": activity.id, "type": activity.type, "lang": lang, "title": activity.title.get(lang),
         "prompt": activity.prompt.get(lang), "hint_count": len(activity.hints)}
    if activity.type == "choice":
        opts = {o.id: o.text.get(lang) for o in activity.options}
        v["multiple"] = activity.multiple
        v["options"] = [{"id": i, "text": opts[i]} for i in checking.seeded_order(list(opts), learner_id, activity.id)]
    elif activity.type == "classification":
        v["categories"] = [{"id": c.id, "label": c.label.get(lang)} for c in activity.categories]
        v["entries"] = [{"id": e.id, "text": e.text.get(lang)} for e in activity.entries]
    elif activity.type == "vignette":
        v["case"] = activity.case.get(lang)
        lists = [activity.role_list] if activity.role_list else [k for k in activity.fits if k in course.role_lists]
        v["role_lists"] = [
            {"id": k, "title": course.role_lists[k].title.get(lang), "citation": course.citation_of(k, lang),
             "roles": [{"id": e.role, "label": checking.role_label(course, k, e.role, lang)}
                       for e in course.role_lists[k].entries]}
            for k in lists
        ]
        v["confidence"] = [{"id": c, "label": t(f"session_conf_{c}", lang)} for c in checking.CONFIDENCE]
    return v


def result_json(result: checking.Result, stage: str = "revealed") -> dict:
    if _component_result is not None:
        return _component_result(result, stage)
    d = dataclasses.asdict(result)
    d["parts"] = [dict(p) for p in d["parts"]]
    d["citations"] = list(d["citations"])
    return {"v": 1, **d, "revealed": stage == "revealed", "saved": True}
