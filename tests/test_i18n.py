"""kesos/ui.yaml: every interface string exists in both languages with the same placeholders."""
from __future__ import annotations

import string

import pytest

from kesos import i18n

CATALOG = i18n.catalog()


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_key_has_both_languages_with_the_same_placeholders(key):
    entry = CATALOG[key]
    assert isinstance(entry, dict) and set(entry) == {"id", "en"}, f"{key}: needs exactly id and en, got {entry!r}"
    for lang in ("id", "en"):
        assert isinstance(entry[lang], str) and entry[lang].strip(), f"{key}.{lang} is empty"
    assert _fields(entry["id"]) == _fields(entry["en"]), f"{key}: placeholders differ between id and en"


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_key_formats_in_both_languages(key):
    """Filling every placeholder works (no stray braces, no positional fields)."""
    for lang in ("id", "en"):
        fields = {name: "X" for name in _fields(CATALOG[key][lang])}
        assert "" not in fields, f"{key}.{lang}: positional {{}} placeholder — name it"
        i18n.t(key, lang, **fields) if fields else i18n.t(key, lang)


def test_language_switch():
    old = i18n.get_language()
    try:
        i18n.set_language("en")
        assert i18n.t("check") == "Check"
        i18n.set_language("id")
        assert i18n.t("check") == "Periksa"
        with pytest.raises(ValueError):
            i18n.set_language("fr")
    finally:
        i18n.set_language(old)
