"""The vignette format's richer keys (issue 10): "none of these roles fits" as an answer and as a
key, all_of combinations, per-role credit, case-specific why_not rationales, and linked cases —
scored by kesos.checking and validated by the schema and kesos.content."""
from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from kesos import checking as C
from kesos import schema as S
from kesos.content import load_course

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "minimal"
T = {"id": "teks", "en": "text"}


@pytest.fixture(scope="module")
def course():
    return load_course(FIXTURE)


def vignette(fit: dict, **extra) -> S.VignetteActivity:
    data = {
        "id": "t-vig", "type": "vignette", "chapter": "ch01",
        "title": {"id": "Kasus", "en": "Case"}, "prompt": {"id": "Peran?", "en": "Role?"},
        "case": {"id": "Pak Budi ...", "en": "Pak Budi ..."}, "fits": {"huda": fit},
    }
    data.update(extra)
    return S.VignetteActivity.model_validate(data)


def why(*roles):
    return {r: {"id": f"alasan {r}", "en": f"reason {r}"} for r in roles}


NONE_KEY = {"none_fits": True, "acceptable": ["broker"], "why": why("broker"),
            "why_none": {"id": "Tidak ada yang cocok.", "en": "No role fits."}}


def test_none_fits_key_rewards_none_fits_answer(course):
    """Key none_fits: the learner's "none fits" scores full with the key's why_none; the closest
    (acceptable) role earns half; the answer key and the wrong answer follow the key."""
    a = vignette(NONE_KEY)
    r = C.check(a, {"role_list": "huda", "none_fits": True}, "en", course)
    assert r.correct and r.score == 1.0
    assert [(p.id, p.verdict, p.feedback) for p in r.parts] == [(C.NONE_FITS, "best", "No role fits.")]
    close = C.check(a, {"role_list": "huda", "roles": ["broker"]}, "en", course)
    assert close.score == 0.5 and not close.correct
    assert ("none_fits", "missing") in [(p.id, p.verdict) for p in close.parts]
    assert C.check(a, {"role_list": "huda", "roles": ["enabler"]}, "en", course).score == 0
    assert C.keyed_answer(a, course, "id")["none_fits"] is True
    assert C.check(a, C.keyed_answer(a, course, "id"), "id", course).correct
    assert not C.check(a, C.wrong_answer(a, course, "en"), "en", course).correct


def test_none_fits_answer_where_a_role_fits_is_wrong_and_names_it(course):
    """Answering "none fits" when a role does fit scores 0 and names the fitting role; the roles
    ticked alongside "none fits" are ignored (the choice is exclusive)."""
    a = vignette({"best": ["broker"], "why": why("broker")})
    r = C.check(a, {"role_list": "huda", "roles": ["broker"], "none_fits": True}, "en", course)
    assert r.score == 0 and not r.correct and not r.empty
    none = next(p for p in r.parts if p.id == C.NONE_FITS)
    assert none.verdict == "no_fit" and "Broker" in none.feedback
    assert ("broker", "missing") in [(p.id, p.verdict) for p in r.parts]
    assert C.check(a, {"role_list": "huda", "roles": [], "none_fits": False}, "en", course).empty
    assert C.check(a, {"role_list": "huda", "none_fits": "yes"}, "en", course).empty  # only true counts


def test_all_of_needs_every_best_role(course):
    """all_of: ticking one of two required roles is partial (0.5), both is full, an extra
    role lowers the score; any_of with the same roles gives full marks for either one."""
    fit = {"best": ["broker", "enabler"], "mode": "all_of", "why": why("broker", "enabler")}
    a = vignette(fit)
    one = C.check(a, {"role_list": "huda", "roles": ["broker"]}, "en", course)
    assert one.score == 0.5 and not one.correct
    missing = next(p for p in one.parts if p.id == "enabler")
    assert missing.verdict == "missing" and "combination" in missing.feedback
    both = C.check(a, {"role_list": "huda", "roles": ["broker", "enabler"]}, "en", course)
    assert both.correct and both.score == 1.0
    assert C.check(a, C.wrong_answer(a, course, "en"), "en", course).score == 0.5
    any_of = vignette({**fit, "mode": "any_of"})
    assert C.check(any_of, {"role_list": "huda", "roles": ["broker"]}, "en", course).correct
    assert C.vignette_score(a.fits["huda"], ["broker", "enabler", "x"], False) == (pytest.approx(2 / 3), False)


def test_per_role_credit_overrides_half(course):
    """credit: an acceptable role earns its own credit instead of 0.5; others keep 0.5."""
    a = vignette({"best": ["broker"], "acceptable": ["enabler"], "credit": {"enabler": 0.25},
                  "why": why("broker", "enabler")})
    assert C.check(a, {"role_list": "huda", "roles": ["enabler"]}, "en", course).score == 0.25
    assert C.check(a, {"role_list": "huda", "roles": ["enabler", "broker"]}, "en", course).score == 0.625
    assert C.role_credit(vignette({"best": ["broker"], "acceptable": ["enabler"], "why": why("broker", "enabler")})
                         .fits["huda"], "enabler") == 0.5


def test_why_not_replaces_generic_no_fit_text(course):
    """why_not: a tempting wrong role gets the case's own reason, not the role's definition."""
    a = vignette({"best": ["broker"], "why": why("broker"),
                  "why_not": {"enabler": {"id": "Bukan di sini.", "en": "Not here: violence."}}})
    r = C.check(a, {"role_list": "huda", "roles": ["enabler"]}, "en", course)
    part = next(p for p in r.parts if p.id == "enabler")
    assert part.verdict == "no_fit" and part.feedback == "Not here: violence."
    plain = C.check(vignette({"best": ["broker"], "why": why("broker")}), {"role_list": "huda", "roles": ["enabler"]},
                    "en", course)
    assert "does not fit" in next(p for p in plain.parts if p.id == "enabler").feedback


@pytest.mark.parametrize(
    "fit,message",
    [
        ({"best": [], "why": {}}, "best: name at least one role"),
        ({"none_fits": True, "best": ["broker"], "why": why("broker"), "why_none": T}, "no best role"),
        ({"none_fits": True, "acceptable": ["broker"], "why": why("broker")}, "needs why_none"),
        ({"best": ["broker"], "mode": "all_of", "why": why("broker")}, "at least two best roles"),
        ({"best": ["broker"], "acceptable": ["enabler"], "credit": {"enabler": 1.0}, "why": why("broker", "enabler")},
         "out of range"),
        ({"best": ["broker"], "credit": {"enabler": 0.3}, "why": why("broker")}, "only for acceptable roles"),
        ({"best": ["broker"], "why": why("broker"), "why_not": why("broker")}, "belongs in why"),
        ({"best": ["broker"], "why": why("broker"), "why_none": T}, "only used with none_fits"),
    ],
)
def test_inconsistent_keys_are_rejected_with_a_fix(fit, message):
    """The schema rejects keys the engine could not honour, naming the field and the fix."""
    with pytest.raises(ValidationError) as e:
        vignette(fit)
    assert message in str(e.value)


def test_follows_itself_is_rejected():
    with pytest.raises(ValidationError, match="cannot follow itself"):
        vignette({"best": ["broker"], "why": why("broker")}, follows="t-vig")


def test_linked_case_public_view_has_the_earlier_case_and_none_fits(course):
    """The public view of a vignette that follows another carries the earlier case (title and
    text) and always offers "none of these roles fits"; it never carries the key."""
    from kesos.activity.view import public_view

    first = course.activity("v-sample")
    a = vignette({"best": ["broker"], "why": why("broker"),
                  "why_not": {"enabler": {"id": "rahasia", "en": "secret reason"}}}, follows="v-sample")
    v = public_view(a, course, "en", "learner")
    assert v["earlier"] == [{"title": first.title.en, "case": first.case.en}]
    assert v["none_fits"] is True
    assert "secret reason" not in str(v) and "reason broker" not in str(v)


def test_recall_public_view_never_holds_the_elements():
    """The recall view is the prompt and a text box: no element labels, phrasings or model answer."""
    from kesos.activity.view import public_view

    course = load_course(FIXTURE)
    a = course.activity("q-recall")
    v = public_view(a, course, "id", "learner")
    assert v["type"] == "recall" and v["prompt"] == a.prompt.id and not v["self_assessed"]
    dumped = str(v)
    for el in a.elements:
        assert el.label.id not in dumped and all(p not in dumped for p in el.accept.id + el.accept.en)
    assert a.model_answer.id not in dumped


# --------------------------------------------------------------------------- the real course's vignettes

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def real():
    return load_course(REPO)


def _vignettes(real):
    return [a for a in real.activities.values() if a.type == "vignette"]


def test_enough_cases_and_every_role_keyed_best_somewhere(real):
    """Issue 10: at least 24 vignettes and 8 discussion cases, and every role of every role list is
    the best answer (under that list) in at least one vignette."""
    vs = _vignettes(real)
    assert len(vs) >= 24 and sum(a.discussion for a in vs) >= 8
    for rl in real.role_lists.values():
        keyed = {r for a in vs for r in a.fits[rl.id].best}
        assert not {e.role for e in rl.entries} - keyed, (rl.id, {e.role for e in rl.entries} - keyed)


def test_the_format_features_are_used(real):
    """At least one none_fits key, one all_of combination, a why_not for mediation in the domestic
    violence case, and a linked pair whose second part comes after the first in the notebooks."""
    vs = _vignettes(real)
    assert any(f.none_fits for a in vs for f in a.fits.values())
    assert any(f.mode == "all_of" for a in vs for f in a.fits.values())
    dv = real.activity("c04-v08-kdrt")
    assert "mediator" in dv.fits["parsons2010"].why_not
    linked = [a for a in vs if a.follows]
    assert linked
    for lang in ("id", "en"):
        cells = (REPO / "notebooks" / lang / "04_roles.ipynb").read_text(encoding="utf-8")
        for a in linked:
            assert cells.index(f'\\"{a.follows}\\"') < cells.index(f'\\"{a.id}\\"')  # kesos.show or a quiz's list


def test_no_cue_sentences_planted_in_cases(real):
    """Cases do not repeat a role's cue ("no agency is refusing", "equal rights")."""
    planted = ["tidak ada lembaga yang menolak", "hak yang setara", "no agency is refusing", "equal rights",
               "no institution is refusing"]
    for a in _vignettes(real):
        for lang in ("id", "en"):
            text = a.case.get(lang).casefold()
            assert not [p for p in planted if p in text], (a.id, lang)


def test_the_naive_refusal_rule_does_not_score_well(real):
    """"Advocate if anyone refuses, otherwise enabler" earns well under two thirds of the marks
    under every role list (it earned 12–13 of 16 before the rewrite)."""
    import re

    refusal = re.compile(r"refus|reject|turned away|unanswered|forbid|bars ", re.I)
    for rl in real.role_lists:
        vs = [a for a in _vignettes(real) if a.role_list in (None, rl)]
        total = sum(
            C.check(a, {"role_list": rl, "roles": ["advocate" if refusal.search(a.case.en) else "enabler"]}, "en",
                    real).score
            for a in vs
        )
        assert total / len(vs) < 0.6, (rl, total, len(vs))
