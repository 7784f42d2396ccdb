"""Load, validate and cross-check all course content.

``load_course()`` returns a :class:`Course` or raises :class:`ContentError`, whose lines each name
the file, the item id, the field and the fix — one line per problem, never a traceback.
``kesos validate`` (``main``) prints every problem at once and exits 1 when there is one.
"""
from __future__ import annotations

import difflib
import glob
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import ValidationError

from kesos import schema as S

try:  # the C loader is several times faster; fall back when PyYAML was built without it
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

def find_root(package_parent: Path | None = None, cwd: Path | None = None) -> Path:
    """The course folder (the one holding content/course.yaml).

    ``$KESOS_ROOT`` if set; else this checkout (the editable install that ``bootstrap.py`` makes);
    else the nearest folder at or above the working directory that holds the content — which is
    where a notebook's kernel starts when the package was installed with a plain ``pip install .``
    (JupyterHub, Binder).
    """
    env = os.environ.get("KESOS_ROOT")
    if env:
        return Path(env).resolve()
    here = package_parent or Path(__file__).resolve().parent.parent
    if (here / "content" / "course.yaml").exists():
        return here
    cwd = (cwd or Path.cwd()).resolve()
    for folder in (cwd, *cwd.parents):
        if (folder / "content" / "course.yaml").exists():
            return folder
    return here  # nothing found: load_course then names the missing files


ROOT = find_root()


@dataclass(frozen=True)
class Problem:
    file: str
    item: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.item:
            parts.append(f"item {self.item!r}")
        if self.field:
            parts.append(f"field {self.field}")
        return ": ".join(parts) + f": {self.message}"


class ContentError(Exception):
    """Content failed validation. ``str()`` is one line per problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UnknownItemError(KeyError):
    def __init__(self, kind: str, key: str, nearest: list[str]):
        self.kind, self.key, self.nearest = kind, key, nearest
        hint = f" — did you mean {', '.join(repr(n) for n in nearest)}?" if nearest else ""
        super().__init__(f"unknown {kind} id {key!r}{hint}")

    def __str__(self) -> str:  # KeyError quotes its message otherwise
        return self.args[0]


# --------------------------------------------------------------------------- messages


def _loc_to_field(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


_LANG_NAMES = {"id": "Indonesian (id)", "en": "English (en)"}


def _friendly(err: dict, field_path: str) -> str:
    """Turn one pydantic error into a short instruction a lecturer can act on."""
    kind = err["type"]
    last = str(err["loc"][-1]) if err["loc"] else ""
    got = err.get("input")
    if kind == "missing":
        if last in _LANG_NAMES:
            return f"missing the {_LANG_NAMES[last]} text — add it"
        return "required field is missing — add it"
    if kind == "extra_forbidden":
        return "unknown field — remove it or fix its spelling (see docs/content-format.md)"
    if kind in ("string_too_short", "too_short"):
        return "must not be empty — fill it in"
    if kind == "string_pattern_mismatch":
        return f"{got!r} is not a valid id — use lowercase letters, digits, '-' or '_'"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"{got!r} is not allowed — use one of {expected}"
    if kind == "union_tag_invalid":
        tag = err.get("ctx", {}).get("tag", got)
        return f"unknown activity type {tag!r} — use one of {', '.join(S.ACTIVITY_TYPES)}"
    if kind == "union_tag_not_found":
        return f"'type' is missing — use one of {', '.join(S.ACTIVITY_TYPES)}"
    if kind.endswith("_type") or kind in ("model_type", "model_attributes_type"):
        wanted = {
            "string_type": "text",
            "bool_type": "true or false",
            "int_type": "a whole number",
            "list_type": "a list (lines starting with '- ')",
            "dict_type": "a mapping (key: value lines)",
            "model_type": "a mapping (key: value lines)",
            "model_attributes_type": "a mapping (key: value lines)",
        }.get(kind, kind.removesuffix("_type"))
        return f"wrong type: expected {wanted}, got {type(got).__name__} {_short(got)}"
    if kind in ("greater_than_equal", "less_than_equal"):
        return err["msg"].lower()
    if kind == "value_error":
        return str(err.get("ctx", {}).get("error", err["msg"]))
    return err["msg"]


def _short(v: Any) -> str:
    s = repr(v)
    return s if len(s) <= 40 else s[:37] + "..."


def _problems_from_validation(rel: str, data: Any, exc: ValidationError) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        item_id = None
        # loc starts with the top-level list name and an index: find that item's id
        if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(data, dict):
            seq = data.get(loc[0])
            if isinstance(seq, list) and loc[1] < len(seq) and isinstance(seq[loc[1]], dict):
                item_id = seq[loc[1]].get("id") or f"{loc[0]}[{loc[1]}]"
            else:
                item_id = f"{loc[0]}[{loc[1]}]"
            loc = loc[2:]
            # drop the discriminator tag pydantic inserts for unions (e.g. 'choice')
            if loc and loc[0] in S.ACTIVITY_TYPES:
                loc = loc[1:]
        msg = _friendly(err, _loc_to_field(loc))
        fld = _loc_to_field(loc) or None
        # model-level validators put "field: message" into the message; lift the field out
        if err["type"] == "value_error" and fld is None and ": " in msg and " " not in msg.split(": ", 1)[0]:
            fld, msg = msg.split(": ", 1)
        out.append(Problem(rel, str(item_id) if item_id else None, fld, msg))
    return out


# --------------------------------------------------------------------------- the course


@dataclass
class Course:
    root: Path
    title: S.Text
    chapters: dict[str, S.Chapter] = field(default_factory=dict)
    sources: dict[str, S.Source] = field(default_factory=dict)
    authors: dict[str, S.Author] = field(default_factory=dict)
    misconceptions: dict[str, S.Misconception] = field(default_factory=dict)
    definitions: dict[str, S.Definition] = field(default_factory=dict)
    lists: dict[str, S.EnumeratedList] = field(default_factory=dict)
    roles: dict[str, S.Role] = field(default_factory=dict)
    role_lists: dict[str, S.RoleList] = field(default_factory=dict)
    activities: dict[str, Any] = field(default_factory=dict)
    glossary: dict[str, S.GlossaryTerm] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # "namespace:id" -> file it came from

    def file_of(self, table: str, item_id: str) -> str:
        return self.files[f"{_NAMESPACE.get(table, table)}:{item_id}"]

    def activity(self, item_id: str):
        try:
            return self.activities[item_id]
        except KeyError:
            raise UnknownItemError(
                "activity", item_id, difflib.get_close_matches(item_id, list(self.activities), n=3, cutoff=0.5)
            ) from None

    def cite(self, citation: S.Citation | None, lang: str) -> str:
        """Render a citation in the chapter's form, e.g. 'Friedlander (1980), in Fahrudin 2012:9'."""
        if citation is None:
            return ""
        word = "dalam" if lang == "id" else "in"
        who = ""
        if citation.author and citation.via:
            # the author's own book: "Huda 2009:205", not "Huda, in Huda 2009:205"
            if self.sources[citation.via].short.startswith(self.authors[citation.author].name.get("en")):
                citation = citation.model_copy(update={"author": None})
        if citation.author:
            who = self.authors[citation.author].name.get(lang)
            if citation.year:
                who += f" ({citation.year})"
        where = ""
        if citation.via:
            where = self.sources[citation.via].short
            if citation.page:
                where += f":{citation.page}"
        elif citation.page:
            who += f":{citation.page}"
        if who and where:
            return f"{who}, {word} {where}"
        return who or where

    def citation_of(self, ref_id: str, lang: str) -> str:
        """The citation of a definition, list or role list, by id."""
        for table in (self.definitions, self.lists, self.role_lists):
            if ref_id in table:
                return self.cite(table[ref_id].cite, lang)
        return ""

    def activities_in(self, chapter: str) -> list:
        return [a for a in self.activities.values() if a.chapter == chapter]


def _read_yaml(path: Path, rel: str) -> tuple[Any, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        return None, [Problem(rel, None, None, f"not UTF-8 text ({e.reason}) — save the file as UTF-8")]
    except OSError as e:
        return None, [Problem(rel, None, None, f"cannot read the file ({e.strerror})")]
    try:
        return yaml.load(text, Loader=_Loader), []
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = f":{mark.line + 1}" if mark else ""
        what = (e.problem or e.context or "syntax error").strip()
        return None, [
            Problem(f"{rel}{line}", None, None, f"YAML syntax error: {what} — check indentation, colons and quotes")
        ]
    except yaml.YAMLError as e:  # pragma: no cover - non-marked errors are rare
        return None, [Problem(rel, None, None, f"YAML error: {e}")]


def _files(root: Path) -> list[tuple[str, Path, type, bool]]:
    out = []
    for pattern, model, required in S.FILES:
        if any(ch in pattern for ch in "*?["):
            matches = sorted(glob.glob(str(root / pattern)))
            if not matches and required:
                out.append((pattern, root / pattern, model, True))
            out += [(Path(m).relative_to(root).as_posix(), Path(m), model, required) for m in matches]
        else:
            out.append((pattern, root / pattern, model, required))
    return out


def parse(root: Path | str | None = None) -> tuple[Course | None, list[Problem]]:
    """Parse and cross-check everything under ``root``. Returns (course or None, problems)."""
    root = Path(root) if root else ROOT
    problems: list[Problem] = []
    parsed: list[tuple[str, Any]] = []
    for rel, path, model, required in _files(root):
        if not path.exists():
            if required:
                problems.append(Problem(rel, None, None, "file is missing — restore it (git checkout) or create it"))
            continue
        data, errs = _read_yaml(path, rel)
        if errs:
            problems += errs
            continue
        if not isinstance(data, dict):
            problems.append(Problem(rel, None, None, "expected a mapping with 'schema_version' at the top"))
            continue
        try:
            parsed.append((rel, model.model_validate(data)))
        except ValidationError as e:
            problems += _problems_from_validation(rel, data, e)
    if not parsed:
        return None, problems
    course = Course(root=root, title=S.Text(id="Kesejahteraan Sosial", en="Social Welfare"))
    _collect(course, parsed, problems)
    _check_references(course, problems)
    return (course if not problems else None), problems


_TABLES = {
    "chapters": "chapters",
    "sources": "sources",
    "authors": "authors",
    "misconceptions": "misconceptions",
    "definitions": "definitions",
    "lists": "lists",
    "roles": "roles",
    "role_lists": "role_lists",
    "activities": "activities",
    "terms": "glossary",
}


# Definitions, lists and role lists share one namespace: activities refer to any of them in
# `practises` and `cites`. Every other table is its own namespace.
_NAMESPACE = {"definitions": "facts", "lists": "facts", "role_lists": "facts"}


def _collect(course: Course, parsed: list[tuple[str, Any]], problems: list[Problem]) -> None:
    seen: dict[str, str] = {}  # ids are unique within a namespace, so any id can be linked to
    for rel, model in parsed:
        if isinstance(model, S.CourseFile):
            course.title = model.title
        for attr, table in _TABLES.items():
            for item in getattr(model, attr, None) or []:
                key = f"{_NAMESPACE.get(table, table)}:{item.id}"
                if key in seen:
                    problems.append(
                        Problem(rel, item.id, "id", f"duplicate id, already used in {seen[key]} — rename one of them")
                    )
                    continue
                seen[key] = rel
                getattr(course, table)[item.id] = item
                course.files[key] = rel


def _check_references(c: Course, problems: list[Problem]) -> None:
    def ref(rel: str, item: str, fld: str, value: str | None, table: dict, kind: str) -> None:
        if value is None or value in table:
            return
        near = difflib.get_close_matches(value, list(table), n=2, cutoff=0.7)
        hint = f" — did you mean {' or '.join(repr(n) for n in near)}?" if near else f" — add it to the {kind} file"
        problems.append(Problem(rel, item, fld, f"unknown {kind} id {value!r}{hint}"))

    def cite(rel: str, item: str, fld: str, ct: S.Citation | None) -> None:
        if ct:
            ref(rel, item, f"{fld}.author", ct.author, c.authors, "author")
            ref(rel, item, f"{fld}.via", ct.via, c.sources, "source")

    practicable = {**c.definitions, **c.lists, **c.role_lists}
    for d in c.definitions.values():
        rel = c.file_of("definitions", d.id)
        ref(rel, d.id, "chapter", d.chapter, c.chapters, "chapter")
        cite(rel, d.id, "cite", d.cite)
    for lst in c.lists.values():
        rel = c.file_of("lists", lst.id)
        ref(rel, lst.id, "chapter", lst.chapter, c.chapters, "chapter")
        cite(rel, lst.id, "cite", lst.cite)
    for rl in c.role_lists.values():
        rel = c.file_of("role_lists", rl.id)
        cite(rel, rl.id, "cite", rl.cite)
        for i, e in enumerate(rl.entries):
            ref(rel, rl.id, f"entries[{i}].role", e.role, c.roles, "role")
    for t in c.glossary.values():
        rel = c.file_of("glossary", t.id)
        ref(rel, t.id, "chapter", t.chapter, c.chapters, "chapter")
        cite(rel, t.id, "cite", t.cite)
        for i, r in enumerate(t.related):
            ref(rel, t.id, f"related[{i}]", r, c.glossary, "glossary term")
    for a in c.activities.values():
        rel = c.file_of("activities", a.id)
        ref(rel, a.id, "chapter", a.chapter, c.chapters, "chapter")
        for i, p in enumerate(a.practises):
            ref(rel, a.id, f"practises[{i}]", p, practicable, "definition or list")
        for i, p in enumerate(a.cites):
            ref(rel, a.id, f"cites[{i}]", p, practicable, "definition or list")
        if a.type == "choice":
            for i, o in enumerate(a.options):
                ref(rel, a.id, f"options[{i}].misconception", o.misconception, c.misconceptions, "misconception")
        elif a.type == "matching":
            for i, p in enumerate(a.pairs):
                ref(rel, a.id, f"pairs[{i}].definition", p.definition, c.definitions, "definition")
                if p.show == "quote" and p.definition in c.definitions and not c.definitions[p.definition].quote:
                    problems.append(Problem(rel, a.id, f"pairs[{i}].show", "that definition has no quote — use summary"))
            for i, d in enumerate(a.distractors):
                ref(rel, a.id, f"distractors[{i}]", d, c.authors, "author")
        elif a.type == "vignette":
            ref(rel, a.id, "role_list", a.role_list, c.role_lists, "role list")
            for list_id, fit in a.fits.items():
                ref(rel, a.id, f"fits.{list_id}", list_id, c.role_lists, "role list")
                if list_id not in c.role_lists:
                    continue
                allowed = {e.role for e in c.role_lists[list_id].entries}
                for kind_ in ("best", "acceptable"):
                    for i, r in enumerate(getattr(fit, kind_)):
                        if r not in allowed:
                            problems.append(
                                Problem(
                                    rel, a.id, f"fits.{list_id}.{kind_}[{i}]",
                                    f"role {r!r} is not in role list {list_id!r} — use one of {sorted(allowed)}",
                                )
                            )
                for attr in ("why", "why_not", "credit"):
                    for r in getattr(fit, attr):
                        if r in allowed or (attr == "why" and r in fit.best + fit.acceptable):
                            continue  # keyed roles outside the list are reported above
                        near = difflib.get_close_matches(r, sorted(allowed), n=2, cutoff=0.5)
                        hint = (f"did you mean {' or '.join(repr(n) for n in near)}?" if near
                                else f"use one of {sorted(allowed)}")
                        problems.append(
                            Problem(
                                rel, a.id, f"fits.{list_id}.{attr}.{r}",
                                f"role {r!r} is not in role list {list_id!r}, so this is never shown — {hint}",
                            )
                        )
            missing = [rl for rl in c.role_lists if rl not in a.fits]
            if missing:
                problems.append(
                    Problem(rel, a.id, "fits", f"no answer key for role list {missing[0]!r} — add fits.{missing[0]}")
                )
            all_roles = {e.role for rl in c.role_lists.values() for e in rl.entries}
            for i, rd in enumerate(a.readings):
                for j, r in enumerate(rd.roles):
                    ref(rel, a.id, f"readings[{i}].roles[{j}]", r, {k: 1 for k in all_roles}, "role")
    _check_follows(c, problems)


def _check_follows(c: Course, problems: list[Problem]) -> None:
    """Linked vignettes: ``follows`` names an existing vignette, and following never loops."""
    vignettes = {i: a for i, a in c.activities.items() if a.type == "vignette"}
    for a in vignettes.values():
        if a.follows is None or a.follows == a.id:  # following itself is a schema error
            continue
        rel = c.file_of("activities", a.id)
        if a.follows not in vignettes:
            near = difflib.get_close_matches(a.follows, sorted(vignettes), n=2, cutoff=0.6)
            hint = f"did you mean {' or '.join(repr(n) for n in near)}?" if near else "name an existing vignette id"
            problems.append(Problem(rel, a.id, "follows", f"{a.follows!r} is not a vignette — {hint}"))
            continue
        seen, cur = [a.id], a.follows
        while cur in vignettes and cur not in seen:
            seen.append(cur)
            cur = vignettes[cur].follows
        if cur == a.id and a.id == min(seen):  # one line per loop, on its first id
            problems.append(
                Problem(rel, a.id, "follows", f"linked cases form a loop ({' → '.join(seen + [cur])}) — "
                        "the first case of a series has no follows")
            )


# --------------------------------------------------------------------------- cache and CLI

_cache: dict[Path, tuple[tuple, Course]] = {}


def _stamp(root: Path) -> tuple:
    paths = [p for _, p, _, _ in _files(root)]
    return tuple((str(p), p.stat().st_mtime_ns if p.exists() else 0) for p in paths)


def load_course(root: Path | str | None = None) -> Course:
    """The validated course; cached until a content file changes. Raises ContentError."""
    root = Path(root).resolve() if root else ROOT
    stamp = _stamp(root)
    hit = _cache.get(root)
    if hit and hit[0] == stamp:
        return hit[1]
    course, problems = parse(root)
    if problems or course is None:
        raise ContentError(problems or [Problem(str(root), None, None, "no content found")])
    _cache[root] = (stamp, course)
    return course


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="kesos validate", description="Check all course content.")
    ap.add_argument("--root", default=os.environ.get("KESOS_ROOT"), help="course folder (default: this checkout)")
    args = ap.parse_args(argv)
    course, problems = parse(args.root)
    if problems:
        for p in problems:
            print(p)
        n = len(problems)
        print(f"\n{n} problem{'s' if n != 1 else ''} found.", file=sys.stderr)
        return 1
    assert course is not None
    print(
        f"OK: {len(course.activities)} activities, {len(course.definitions)} definitions, "
        f"{len(course.lists)} lists, {len(course.role_lists)} role lists, {len(course.glossary)} glossary terms."
    )
    return 0
