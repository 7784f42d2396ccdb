"""Interface strings in both languages, and the notebook's current language.

A notebook states its language once, in its setup cell (``kesos.setup("en")``). We never call
``gettext.install()``: IPython owns ``_``. Strings live in ``kesos/ui.yaml`` and ``kesos/ui_*.yaml``; a test proves every
key has both languages.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

LANGUAGES = ("id", "en")
_current = {"lang": "id"}


def set_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {lang!r}")
    _current["lang"] = lang
    return lang


def get_language() -> str:
    return _current["lang"]


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    """All interface strings: kesos/ui.yaml plus kesos/ui_*.yaml (one file per part of the engine)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(Path(__file__).parent.glob("ui*.yaml")):
        for key, entry in (yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}).items():
            if key in merged:
                raise ValueError(f"{path.name}: interface string {key!r} is defined twice")
            merged[key] = entry
    return merged


def t(key: str, lang: str | None = None, **fields) -> str:
    """The interface string ``key`` in ``lang`` (default: the notebook's), formatted with ``fields``."""
    entry = catalog().get(key)
    if entry is None:
        raise KeyError(f"no interface string {key!r} in kesos/ui.yaml")
    text = entry[lang or _current["lang"]]
    return text.format(**fields) if fields else text
