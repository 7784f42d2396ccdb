"""Load, validate and cross-check all course content.

``load_course()`` returns a :class:`Course` or raises :class:`ContentError`, whose lines each name
the file, the item id, the field and the fix — one line per problem, never a traceback.
``kesos validate`` (``main``) prints every problem at once and exits 1 when there is an error.

How it stays one line per problem (docs/content-format.md): files are read with
:class:`StrictLoader` (no duplicate keys, aliases, tags, huge ints or impossible dates; line and
column for every read error); each item is validated on its own so one broken item hides nothing;
references are checked on every item that parsed, but never into a file or item that failed
(no follow-on "unknown id"); values are shortened with :mod:`reprlib`; at most
:data:`MAX_PROBLEMS_PER_FILE` lines per file. :func:`problems_view` shows the same lines in a
notebook.
"""
from __future__ import annotations

import difflib
import glob
import os
import re
import reprlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import ValidationError

from kesos import schema as S

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
    """One problem, printed as one line: ``file[:line[:column]]: item 'id': field f: [warning: ]message``.

    ``severity`` is ``"error"`` (the content cannot be used) or ``"warning"`` (the engine would
    ignore something; see docs/decisions.md). Every part is shortened and made single-line when
    printed, so a 1 MB id or a pasted line break can never flood or split the output.
    """

    file: str
    item: str | None
    field: str | None
    message: str
    severity: str = "error"
    line: int | None = None
    column: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity != "warning"

    def __str__(self) -> str:
        loc = _clip(self.file, 200)
        if self.line:
            loc += f":{self.line}" + (f":{self.column}" if self.column else "")
        parts = [loc]
        if self.item:
            parts.append(f"item {_label(self.item)}")
        if self.field:
            parts.append(f"field {_clip(self.field, 80)}")
        msg = _clip(self.message, 400)
        if not self.is_error:
            msg = "warning: " + msg
        return ": ".join(parts) + f": {msg}"


# --------------------------------------------------------------------------- safe text

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


def _one_line(s: str) -> str:
    """``s`` with every line break and control character written as an escape (``\\n``, ``\\x01``)."""
    def esc(m: re.Match) -> str:
        ch = m.group()
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch) or (
            f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
        )

    return _UNPRINTABLE.sub(esc, s)


def _clip(s: Any, limit: int = 80) -> str:
    """``str(s)`` on one line, cut to about ``limit`` characters (the cut is marked with '…')."""
    s = s if isinstance(s, str) else _short(s)
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return _one_line(s)


class _SafeRepr(reprlib.Repr):
    """reprlib with small limits that never fails: huge integers and odd objects included."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 2
        self.maxstring = self.maxother = 50
        self.maxlong = 30
        self.maxlist = self.maxtuple = self.maxdict = self.maxset = self.maxfrozenset = 4

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 200:  # repr() of an int over 4300 digits raises; never build it
            return f"<a number with about {int(x.bit_length() * 0.30103) + 1} digits>"
        return super().repr_int(x, level)

    def repr_str(self, x: str, level: int) -> str:
        if len(x) > self.maxstring:
            return repr(x[: self.maxstring]) + f"… ({len(x)} characters)"
        return repr(x)

    def repr_instance(self, x: Any, level: int) -> str:  # floats, dates, bytes …
        try:
            s = repr(x)
        except Exception:  # noqa: BLE001
            return f"<{type(x).__name__}>"
        return s if len(s) <= self.maxother else s[: self.maxother - 1] + "…"


_REPR = _SafeRepr()


def _short(v: Any) -> str:
    """A short, single-line, never-failing repr of any value from a content file."""
    try:
        s = _REPR.repr(v)
    except Exception:  # noqa: BLE001 - a message must never fail
        s = f"<{type(v).__name__}>"
    return _one_line(s if len(s) <= 120 else s[:119] + "…")


def _label(v: Any) -> str:
    """An id as shown in a message: quoted, short, single-line."""
    if isinstance(v, str) and len(v) <= 80:
        return _one_line(repr(v))
    return _short(v)


class ContentError(Exception):
    """Content failed validation. ``str()`` is one line per problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UnknownItemError(KeyError):
    def __init__(self, kind: str, key: str, nearest: list[str]):
        self.kind, self.key, self.nearest = kind, key, nearest
        hint = f" — did you mean {', '.join(repr(n) for n in nearest)}?" if nearest else ""
        super().__init__(f"unknown {kind} id {_label(key)}{hint}")

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
        if err.get("suggest"):
            return f"unknown field — did you mean {err['suggest']!r}? (see docs/content-format.md)"
        return "unknown field — remove it or fix its spelling (see docs/content-format.md)"
    if kind in ("string_too_short", "too_short"):
        return "must not be empty — fill it in"
    if kind == "string_too_long":
        return f"too long ({len(got) if isinstance(got, str) else '?'} characters) — {str(err['msg']).lower()}"
    if kind == "string_pattern_mismatch":
        return f"{_short(got)} is not a valid id — use lowercase letters, digits, '-' or '_'"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"{_short(got)} is not allowed — use one of {expected}"
    if kind == "union_tag_invalid":
        tag = err.get("ctx", {}).get("tag", got)
        return f"unknown activity type {_short(tag)} — use one of {', '.join(S.ACTIVITY_TYPES)}"
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


def _fields_at(model: Any, loc: list) -> list[str]:
    """The field names allowed at ``loc`` (the path pydantic reports, ending with the bad key)."""
    from typing import Annotated, Literal, Union, get_args, get_origin

    from pydantic import BaseModel

    def unwrap(tp):
        while get_origin(tp) is Annotated:
            tp = get_args(tp)[0]
        if get_origin(tp) is Union:
            members = [a for a in get_args(tp) if a is not type(None)]
            if len(members) == 1:
                return unwrap(members[0])
        return tp

    tp = unwrap(model)
    for part in loc[:-1]:
        origin = get_origin(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            f = tp.model_fields.get(part) if isinstance(part, str) else None
            if f is None:
                return []
            tp = unwrap(f.annotation)
        elif origin is list and isinstance(part, int):
            tp = unwrap(get_args(tp)[0])
        elif origin is dict:
            tp = unwrap(get_args(tp)[1])
        elif origin is Union:  # a discriminated union: pydantic puts the tag into the path
            for member in get_args(tp):
                t = getattr(member, "model_fields", {}).get("type")
                if t is not None and get_origin(t.annotation) is Literal and part in get_args(t.annotation):
                    tp = member
                    break
            else:
                return []
        else:
            return []
    return list(tp.model_fields) if isinstance(tp, type) and issubclass(tp, BaseModel) else []


def _problems_from_validation(rel: str, data: Any, exc: ValidationError, model: Any = None) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        if err["type"] == "extra_forbidden" and model is not None and isinstance(loc[-1], str):
            try:
                near = difflib.get_close_matches(loc[-1][:100], _fields_at(model, loc), n=1, cutoff=0.6)
            except Exception:  # noqa: BLE001 - a suggestion is optional
                near = []
            if near:
                err = {**err, "suggest": near[0]}
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
        if item_id is not None and not isinstance(item_id, str):
            item_id = _short(item_id)
        out.append(Problem(rel, item_id or None, fld, msg))
    return out


# --------------------------------------------------------------------------- the safe loader

MAX_PROBLEMS_PER_FILE = 20
"""At most this many lines per file; then one line '… and N more problems in this file'."""


class _Rejected(yaml.MarkedYAMLError):
    """Something YAML allows but course content must not use; ``problem`` is the whole message."""


try:  # the C parser is several times faster; fall back when PyYAML was built without it
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader


class StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """yaml.SafeLoader that refuses what a lecturer never means and an attacker might send.

    - a key given twice in one mapping (YAML would silently keep the later value);
    - anchors and aliases (``&a`` / ``*a``: "billion laughs" files expand exponentially);
    - tags such as ``!!python/object`` (only plain text, numbers, lists and mappings);
    - integers over Python's 4300-digit limit and impossible dates (2026-13-45), which
      PyYAML would turn into a ValueError instead of an error with a line number.
    Each rejection is a :class:`_Rejected` error carrying the line and column.
    """

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _Rejected(
                None, None,
                "the value anchored here (&name) is reused through an alias (*name) — YAML anchors and aliases "
                "are not allowed; write the value out in full",
                node.start_mark,
            )
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            raise _Rejected(None, None, f"expected a mapping, found {node.id}", node.start_mark)
        self.flatten_mapping(node)
        mapping: dict = {}
        first_line: dict = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                raise _Rejected(None, None, "a list or mapping cannot be a key — use plain text", key_node.start_mark)
            if key in mapping:
                raise _Rejected(
                    None, None,
                    f"duplicate key {_short(key)} (first given on line {first_line[key]}) — keep only one",
                    key_node.start_mark,
                )
            first_line[key] = key_node.start_mark.line + 1
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_undefined(self, node):
        tag = str(node.tag)
        if tag.startswith("tag:yaml.org,2002:"):
            tag = "!!" + tag.removeprefix("tag:yaml.org,2002:")
        raise _Rejected(
            None, None,
            f"the YAML tag {_clip(tag, 60)!r} is not allowed — remove it (content is plain text, "
            "numbers, lists and mappings)",
            node.start_mark,
        )

    def _construct_int(self, node):
        try:
            return yaml.constructor.SafeConstructor.construct_yaml_int(self, node)
        except ValueError:
            raise _Rejected(
                None, None, "this number is far too long — write it as text in quotes if you need it",
                node.start_mark,
            ) from None

    def _construct_timestamp(self, node):
        try:
            return yaml.constructor.SafeConstructor.construct_yaml_timestamp(self, node)
        except (ValueError, OverflowError):
            raise _Rejected(
                None, None, f"{_clip(node.value, 40)!r} is not a real date — fix it or put it in quotes",
                node.start_mark,
            ) from None


StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader._construct_int)
StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", StrictLoader._construct_timestamp)
StrictLoader.add_constructor(None, StrictLoader.construct_undefined)

# Characters YAML forbids (C0/C1 controls except tab and line breaks, surrogates, U+FFFE/FFFF).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _yaml_from_bytes(raw: bytes, rel: str) -> tuple[Any, list[Problem]]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        return None, [
            Problem(
                rel, None, None,
                f"not UTF-8 text: byte 0x{raw[e.start]:02X} at byte offset {e.start} cannot be read — "
                "save the file as UTF-8 (in your editor: Save As… → Encoding: UTF-8)",
                line=line,
            )
        ]
    bad = _FORBIDDEN.search(text)
    if bad:
        line, col = _line_col(text, bad.start())
        more = len(_FORBIDDEN.findall(text)) - 1
        extra = f" (and {more} more in this file)" if more else ""
        return None, [
            Problem(
                rel, None, None,
                f"control character U+{ord(bad.group()):04X} is not allowed{extra} — delete it "
                "(it often comes with text pasted from a word processor)",
                line=line, column=col,
            )
        ]
    try:
        return yaml.load(text, Loader=StrictLoader), []
    except _Rejected as e:
        mark = e.problem_mark
        return None, [Problem(rel, None, None, str(e.problem), line=mark.line + 1, column=mark.column + 1)]
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = col = None
        if mark is not None:
            line, col = mark.line + 1, mark.column + 1
        index = getattr(mark, "index", None)
        if isinstance(index, int) and 0 <= index < len(text) and text[index] == "\t":
            what = "a tab character — YAML indents with spaces only; replace the tab with spaces"
        else:
            what = "YAML syntax error: " + _clip((e.problem or e.context or "syntax error").strip(), 120) + (
                " — check indentation, colons and quotes"
            )
        return None, [Problem(rel, None, None, what, line=line, column=col)]
    except yaml.reader.ReaderError as e:  # pragma: no cover - _FORBIDDEN finds these first
        line, col = _line_col(text, max(0, min(e.position, len(text))))
        return None, [Problem(rel, None, None, f"character not allowed in YAML: {_clip(e.reason, 80)}", line=line, column=col)]
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, MemoryError, OverflowError) as e:
        return None, [Problem(rel, None, None, f"cannot be read as YAML ({type(e).__name__}: {_clip(str(e), 120)})")]


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


def _table_fields(model: type) -> dict[str, str]:
    """The file model's top-level lists that fill a course table: attribute -> table name."""
    return {attr: _TABLES[attr] for attr in model.model_fields if attr in _TABLES}


_ADAPTERS: dict[tuple[type, str], Any] = {}


def _item_adapter(model: type, attr: str):
    """A TypeAdapter for one entry of the file model's list ``attr`` (e.g. one activity)."""
    key = (model, attr)
    if key not in _ADAPTERS:
        from typing import get_args

        from pydantic import TypeAdapter

        (item_type,) = get_args(model.model_fields[attr].annotation)
        _ADAPTERS[key] = TypeAdapter(item_type)
    return _ADAPTERS[key]


@dataclass
class _Parsed:
    rel: str
    title: Any = None
    items: dict[str, list] = field(default_factory=dict)  # attribute ("activities") -> valid items


@dataclass
class _Gaps:
    """What failed to load, so that references to it are not reported as unknown ids."""

    tables: set[str] = field(default_factory=set)  # course tables with a file that failed to load
    ids: set[str] = field(default_factory=set)  # "namespace:id" of items that failed the schema

    def covers(self, table: str, value: str) -> bool:
        return table in self.tables or f"{_NAMESPACE.get(table, table)}:{value}" in self.ids


def _validate_file(rel: str, data: Any, model: type, problems: list[Problem], gaps: _Gaps) -> _Parsed | None:
    """Validate one file. On schema errors, every item that is valid on its own is still kept
    (so its references are checked in the same run) and the broken ones are remembered."""
    tables = _table_fields(model)
    if not isinstance(data, dict):
        problems.append(Problem(rel, None, None, "expected a mapping with 'schema_version' at the top"))
        gaps.tables.update(tables.values())
        return None
    try:
        m = model.model_validate(data)
    except ValidationError as e:
        problems += _problems_from_validation(rel, data, e, model)
    else:
        return _Parsed(rel, getattr(m, "title", None), {attr: list(getattr(m, attr)) for attr in tables})
    out = _Parsed(rel)
    if "title" in model.model_fields:
        try:
            out.title = S.Text.model_validate(data.get("title"))
        except ValidationError:
            pass
    for attr, table in tables.items():
        seq = data.get(attr)
        if not isinstance(seq, list):
            gaps.tables.add(table)
            continue
        adapter, good = _item_adapter(model, attr), []
        for raw in seq:
            try:
                good.append(adapter.validate_python(raw))
            except ValidationError:
                item_id = raw.get("id") if isinstance(raw, dict) else None
                if isinstance(item_id, str):
                    gaps.ids.add(f"{_NAMESPACE.get(table, table)}:{item_id}")
                else:  # an item without a usable id: we cannot tell which ids are missing
                    gaps.tables.add(table)
        out.items[attr] = good
    return out


def _disk_cache_dir() -> Path | None:
    """Where parsed YAML is kept between kernels: ``$KESOS_CACHE_DIR``, else the user cache folder;
    ``KESOS_CACHE_DIR=off`` turns the cache off."""
    env = os.environ.get("KESOS_CACHE_DIR")
    if env == "off":
        return None
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_path("kesos", appauthor=False)) / "content"


def _loader_stamp() -> bytes:
    """Changes whenever this loader (and so what a YAML file parses to) changes."""
    import hashlib

    if not _LOADER_STAMP:
        src = Path(__file__).read_bytes() + yaml.__version__.encode()
        _LOADER_STAMP.append(hashlib.blake2b(src, digest_size=8).hexdigest().encode())
    return _LOADER_STAMP[0]


_LOADER_STAMP: list[bytes] = []


def _plain(data: Any) -> bool:
    """Only JSON's own types (string keys, no dates): what survives a JSON round trip unchanged."""
    if isinstance(data, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in data.items())
    if isinstance(data, list):
        return all(_plain(v) for v in data)
    return data is None or isinstance(data, (str, bool, int, float))


def _parsed_yaml(raw: bytes, rel: str, digest: bytes) -> tuple[Any, list[Problem]]:
    """:func:`_yaml_from_bytes`, remembered on disk by the file's bytes: parsing the course's YAML
    is most of what loading it costs a new kernel (about 0.2 s), reading the same data back as JSON
    a few milliseconds. Only files that parse without a problem and hold plain JSON types are
    kept; the schema still validates the data every time. A cache that cannot be read or written
    is skipped (the YAML is parsed as before)."""
    import json

    folder = _disk_cache_dir()
    path = folder / f"{digest.hex()}-{_loader_stamp().decode()}.json" if folder else None
    if path is not None:
        try:
            return json.loads(path.read_bytes()), []
        except (OSError, ValueError):
            pass
    data, errs = _yaml_from_bytes(raw, rel)
    if path is not None and not errs and _plain(data):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)  # whole file or nothing: a reader never sees half of it
            _prune(folder, "*.json", keep=200)
        except OSError:
            pass
    return data, errs


def _prune(folder: Path, pattern: str, keep: int) -> None:
    """Old entries go (by last write), so editing content for a term does not fill the disk."""
    try:
        entries = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in entries[keep:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


_FILE_CACHE: dict[tuple, tuple] = {}
_FILE_CACHE_SIZE = 64


def _load_file(rel: str, path: Path, model: type) -> tuple[_Parsed | None, list[Problem], _Gaps]:
    """Read and validate one file: (its items or None, its problems, what it leaves out).

    Cached by the file's bytes, so re-validating after an edit to one file re-reads only that
    file (``kesos.show`` after an edit, the validator's fuzz tests). Clear with ``_FILE_CACHE.clear()``.
    """
    import hashlib

    gaps = _Gaps()
    try:
        raw = path.read_bytes()
    except OSError as e:
        gaps.tables.update(_table_fields(model).values())
        return None, [Problem(rel, None, None, f"cannot read the file ({e.strerror or e}) — check it exists and is readable")], gaps
    key = (rel, model, len(raw), hashlib.blake2b(raw, digest_size=16).digest())
    hit = _FILE_CACHE.get(key)
    if hit is not None:
        return hit[0], list(hit[1]), hit[2]
    problems: list[Problem] = []
    data, errs = _parsed_yaml(raw, rel, key[-1])
    if errs:
        problems += errs
        gaps.tables.update(_table_fields(model).values())
        result = None
    else:
        result = _validate_file(rel, data, model, problems, gaps)
    if len(_FILE_CACHE) >= _FILE_CACHE_SIZE:
        _FILE_CACHE.pop(next(iter(_FILE_CACHE)))
    _FILE_CACHE[key] = (result, tuple(problems), gaps)
    return result, problems, gaps


def _cap(problems: list[Problem], limit: int = MAX_PROBLEMS_PER_FILE) -> list[Problem]:
    """Group problems by file (in order of first appearance), at most ``limit`` per file plus one
    line saying how many more there are."""
    by_file: dict[str, list[Problem]] = {}
    for p in problems:
        by_file.setdefault(p.file, []).append(p)
    out: list[Problem] = []
    for rel, ps in by_file.items():
        out += ps[:limit]
        if len(ps) > limit:
            rest = ps[limit:]
            n_err = sum(p.is_error for p in rest)
            out.append(
                Problem(
                    rel, None, None,
                    f"… and {len(rest)} more problem{'s' if len(rest) != 1 else ''} in this file — fix these, "
                    "then run kesos validate again",
                    severity="error" if n_err else "warning",
                )
            )
    return out


def _default_root() -> Path:
    env = os.environ.get("KESOS_ROOT")
    return Path(env).resolve() if env else ROOT


def parse(root: Path | str | None = None) -> tuple[Course | None, list[Problem]]:
    """Parse and cross-check everything under ``root`` (default: ``$KESOS_ROOT``, else this
    checkout). Returns (course or None, problems); the course is None when any problem is an
    error (warnings alone keep it). Never raises for anything found in the content."""
    root = Path(root) if root else _default_root()
    problems: list[Problem] = []
    parsed: list[_Parsed] = []
    gaps = _Gaps()
    for rel, path, model, required in _files(root):
        tables = _table_fields(model)
        try:
            if not path.exists():
                if required:
                    problems.append(
                        Problem(rel, None, None, "file is missing — restore it (git checkout) or create it")
                    )
                gaps.tables.update(tables.values())
                continue
            result, errs, file_gaps = _load_file(rel, path, model)
            problems += errs
            gaps.tables |= file_gaps.tables
            gaps.ids |= file_gaps.ids
            if result is not None:
                parsed.append(result)
        except Exception as e:  # noqa: BLE001 - whatever happens, one line, never a traceback
            problems.append(_internal(rel, None, e))
            gaps.tables.update(tables.values())
    if not parsed:
        return None, _cap(problems)
    course = Course(root=root, title=S.Text(id="Kesejahteraan Sosial", en="Social Welfare"))
    _collect(course, parsed, problems)
    _check_references(course, problems, gaps)
    problems = _cap(problems)
    return (course if not any(p.is_error for p in problems) else None), problems


def _internal(rel: str, item: str | None, e: BaseException) -> Problem:
    return Problem(
        rel, item, None,
        f"could not be checked ({type(e).__name__}: {_clip(str(e), 120)}) — look for an unusual value here, "
        "and please report it",
    )


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


def _collect(course: Course, parsed: list[_Parsed], problems: list[Problem]) -> None:
    seen: dict[str, str] = {}  # ids are unique within a namespace, so any id can be linked to
    for p in parsed:
        if p.title is not None:
            course.title = p.title
        for attr, items in p.items.items():
            table = _TABLES[attr]
            for item in items:
                key = f"{_NAMESPACE.get(table, table)}:{item.id}"
                if key in seen:
                    problems.append(
                        Problem(p.rel, item.id, "id", f"duplicate id, already used in {seen[key]} — rename one of them")
                    )
                    continue
                seen[key] = p.rel
                getattr(course, table)[item.id] = item
                course.files[key] = p.rel


# Where each kind of id is declared (named in "unknown id" messages).
_DECLARED_IN = {
    "chapters": "content/course.yaml",
    "sources": "content/sources.yaml",
    "authors": "content/authors.yaml",
    "misconceptions": "content/misconceptions.yaml",
    "definitions": "content/definitions.yaml",
    "facts": "content/definitions.yaml, content/lists.yaml or the role lists in content/roles.yaml",
    "roles": "content/roles.yaml",
    "role_lists": "content/roles.yaml (role_lists)",
    "glossary": "glossary/terms.yaml",
}


def _suggest(value: str, known: Iterable[str], where: str) -> str:
    """' — did you mean …?' with the nearest existing ids; when none is close, the existing ids
    themselves (a short table) or the three least far ones and where ids are declared."""
    known = sorted(known)
    if not isinstance(value, str) or len(value) > 200:
        return f" — use an id declared in {where}"
    near = difflib.get_close_matches(value, known, n=2, cutoff=0.7)
    if near:
        return f" — did you mean {' or '.join(repr(n) for n in near)}?"
    if not known:
        return f" — declare it in {where} first"
    if len(known) <= 8:
        return f" — use one of {', '.join(repr(k) for k in known)}"
    near = difflib.get_close_matches(value, known, n=3, cutoff=0.0)
    return f" — the nearest existing ids are {', '.join(repr(n) for n in near)}; or declare it in {where}"


def _check_references(c: Course, problems: list[Problem], gaps: _Gaps | None = None) -> None:
    """Every reference between items, on every item that parsed; plus warnings for content the
    engine would ignore. A reference into a file that failed to load is not reported (its own
    problem is), so one broken file never floods the output with follow-on 'unknown id' lines."""
    gaps = gaps or _Gaps()

    def ref(rel: str, item: str, fld: str, value: str | None, table: dict, kind: str, name: str) -> None:
        if value is None or value in table:
            return
        tables = ("definitions", "lists", "role_lists") if name == "facts" else (name,)
        if any(gaps.covers(t, value) for t in tables):
            return
        hint = _suggest(value, table, _DECLARED_IN.get(name, "its file"))
        problems.append(Problem(rel, item, fld, f"unknown {kind} id {_label(value)}{hint}"))

    def cite(rel: str, item: str, fld: str, ct: S.Citation | None) -> None:
        if ct:
            ref(rel, item, f"{fld}.author", ct.author, c.authors, "author", "authors")
            ref(rel, item, f"{fld}.via", ct.via, c.sources, "source", "sources")

    practicable = {**c.definitions, **c.lists, **c.role_lists}
    all_roles = {e.role: rl.id for rl in c.role_lists.values() for e in rl.entries}
    # role lists naming a role that does not exist (reported on the list itself): which roles they
    # offer is uncertain, so vignettes are not told "not in this list" because of it
    uncertain = {rl.id for rl in c.role_lists.values() if "roles" in gaps.tables
                 or any(e.role not in c.roles for e in rl.entries)}

    def guarded(table: str, check) -> None:
        for item in list(getattr(c, table).values()):
            rel = c.file_of(table, item.id)
            try:
                check(rel, item)
            except Exception as e:  # noqa: BLE001 - one line per problem, never a traceback
                problems.append(_internal(rel, item.id, e))

    def definition(rel, d):
        ref(rel, d.id, "chapter", d.chapter, c.chapters, "chapter", "chapters")
        cite(rel, d.id, "cite", d.cite)

    def enumerated(rel, lst):
        ref(rel, lst.id, "chapter", lst.chapter, c.chapters, "chapter", "chapters")
        cite(rel, lst.id, "cite", lst.cite)

    def role_list(rel, rl):
        cite(rel, rl.id, "cite", rl.cite)
        for i, e in enumerate(rl.entries):
            ref(rel, rl.id, f"entries[{i}].role", e.role, c.roles, "role", "roles")

    def term(rel, t):
        ref(rel, t.id, "chapter", t.chapter, c.chapters, "chapter", "chapters")
        cite(rel, t.id, "cite", t.cite)
        for i, r in enumerate(t.related):
            ref(rel, t.id, f"related[{i}]", r, c.glossary, "glossary term", "glossary")

    def activity(rel, a):
        ref(rel, a.id, "chapter", a.chapter, c.chapters, "chapter", "chapters")
        for i, p in enumerate(a.practises):
            ref(rel, a.id, f"practises[{i}]", p, practicable, "definition or list", "facts")
        for i, p in enumerate(a.cites):
            ref(rel, a.id, f"cites[{i}]", p, practicable, "definition or list", "facts")
        if a.type == "choice":
            for i, o in enumerate(a.options):
                ref(rel, a.id, f"options[{i}].misconception", o.misconception, c.misconceptions,
                    "misconception", "misconceptions")
        elif a.type == "matching":
            for i, p in enumerate(a.pairs):
                ref(rel, a.id, f"pairs[{i}].definition", p.definition, c.definitions, "definition", "definitions")
                if p.show == "quote" and p.definition in c.definitions and not c.definitions[p.definition].quote:
                    problems.append(Problem(rel, a.id, f"pairs[{i}].show", "that definition has no quote — use summary"))
            for i, d in enumerate(a.distractors):
                ref(rel, a.id, f"distractors[{i}]", d, c.authors, "author", "authors")
        elif a.type == "vignette":
            vignette(rel, a)

    def vignette(rel, a):
        ref(rel, a.id, "role_list", a.role_list, c.role_lists, "role list", "role_lists")
        for list_id, fit in a.fits.items():
            ref(rel, a.id, f"fits.{list_id}", list_id, c.role_lists, "role list", "role_lists")
            if list_id not in c.role_lists or list_id in uncertain:
                continue
            allowed = [e.role for e in c.role_lists[list_id].entries]
            for kind_ in ("best", "acceptable"):
                for i, r in enumerate(getattr(fit, kind_)):
                    if r not in allowed:
                        problems.append(
                            Problem(
                                rel, a.id, f"fits.{list_id}.{kind_}[{i}]",
                                f"role {_label(r)} is not in role list {list_id!r}"
                                + _suggest(r, allowed, f"role list {list_id!r}"),
                            )
                        )
            for attr in ("why_not", "credit"):  # case-specific feedback and credit: only for roles of the list
                for r in getattr(fit, attr):
                    if r not in allowed:
                        problems.append(
                            Problem(
                                rel, a.id, f"fits.{list_id}.{attr}.{r}",
                                f"role {_label(r)} is not in role list {list_id!r}, so this is never used"
                                + _suggest(r, allowed, f"role list {list_id!r}"),
                            )
                        )
            keyed = set(fit.best) | set(fit.acceptable)
            for r in fit.why:
                if r in keyed:
                    continue  # shown as feedback (or reported above when not in the list)
                fld = f"fits.{list_id}.why.{r}"
                if r in allowed:
                    what = (f"rationale for {r!r}, which is neither best nor acceptable here, is never shown "
                            "(learners who pick it see the role's own definition) — add the role to best or "
                            "acceptable, or remove the rationale")
                elif r in all_roles:
                    what = (f"rationale for role {r!r}, which is not in role list {list_id!r} (it is in "
                            f"{all_roles[r]!r}), is never shown — remove it")
                else:
                    what = (f"rationale for role {_label(r)}, which is in no role list, is never shown — "
                            "remove it or fix the id"
                            + _suggest(r, allowed, f"role list {list_id!r}").replace(" — ", "; ", 1))
                problems.append(Problem(rel, a.id, fld, what, severity="warning"))
        if "role_lists" not in gaps.tables:
            missing = [rl for rl in c.role_lists if rl not in a.fits]
            if missing:
                problems.append(
                    Problem(rel, a.id, "fits", f"no answer key for role list {missing[0]!r} — add fits.{missing[0]}")
                )
        for i, rd in enumerate(a.readings):
            for j, r in enumerate(rd.roles):
                ref(rel, a.id, f"readings[{i}].roles[{j}]", r, all_roles, "role (in any role list)", "roles")
        if a.readings and not a.discussion:
            problems.append(
                Problem(
                    rel, a.id, "readings",
                    "readings are only shown for discussion cases — set discussion: true or remove them",
                    severity="warning",
                )
            )

    guarded("definitions", definition)
    guarded("lists", enumerated)
    guarded("role_lists", role_list)
    guarded("glossary", term)
    guarded("activities", activity)
    if "activities" not in gaps.tables:
        _check_follows(c, problems)


def _check_follows(c: Course, problems: list[Problem]) -> None:
    """Linked vignettes: ``follows`` names an existing vignette, and following never loops."""
    vignettes = {i: a for i, a in c.activities.items() if a.type == "vignette"}
    for a in vignettes.values():
        if a.follows is None or a.follows == a.id:  # following itself is a schema error
            continue
        rel = c.file_of("activities", a.id)
        if a.follows not in vignettes:
            problems.append(Problem(rel, a.id, "follows", f"{_label(a.follows)} is not a vignette"
                                    + _suggest(a.follows, vignettes, "the activity files")))
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
_dirs_seen: dict[Path, tuple[tuple, list[Path]]] = {}


def _content_paths(root: Path) -> list[Path]:
    """The content files under ``root``; the globs are read again only when a folder changes
    (a file added, removed or renamed), so checking for edits costs a few stat calls."""
    folders = sorted({(root / pattern).parent for pattern, _, _ in S.FILES})
    dirs = tuple(_mtime(d) for d in folders)
    hit = _dirs_seen.get(root)
    if hit and hit[0] == dirs:
        return hit[1]
    paths = [p for _, p, _, _ in _files(root)]
    _dirs_seen[root] = (dirs, paths)
    return paths


def _mtime(p: Path) -> tuple:
    try:
        st = p.stat()
    except OSError:
        return (str(p), 0, -1)
    return (str(p), st.st_mtime_ns, st.st_size)


def _stamp(root: Path) -> tuple:
    return tuple(_mtime(p) for p in _content_paths(root))


def _course_cache_path(root: Path) -> Path | None:
    """The on-disk copy of the validated course made from exactly these files (by their bytes)."""
    import hashlib

    folder = _disk_cache_dir()
    if folder is None:
        return None
    h = hashlib.blake2b(_loader_stamp() + _schema_stamp(), digest_size=16)
    for p in _content_paths(root):
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        try:
            h.update(hashlib.blake2b(p.read_bytes(), digest_size=16).digest())
        except OSError:
            return None  # the parse below names the problem
    return folder / f"course-{h.hexdigest()}.pickle"


def _schema_stamp() -> bytes:
    """Changes whenever the schema's classes (and so a pickled course) change."""
    import hashlib

    import pydantic

    versions = f"{pydantic.VERSION} {sys.version_info[:2]}".encode()  # a shared home may see several Pythons
    return hashlib.blake2b(Path(S.__file__).read_bytes() + versions, digest_size=8).digest()


def _cached_course(path: Path | None, root: Path) -> Course | None:
    import pickle

    if path is None:
        return None
    try:
        with path.open("rb") as f:
            course = pickle.load(f)
    except Exception:  # noqa: BLE001 - missing, half-written by another version, corrupt: parse again
        return None
    if not isinstance(course, Course):
        return None
    course.root = root
    return course


def _keep_course(path: Path | None, course: Course) -> None:
    import pickle

    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(course, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
        _prune(path.parent, "course-*.pickle", keep=4)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is only slower
        try:
            tmp.unlink(missing_ok=True)
        except Exception:  # noqa: BLE001
            pass


def load_course(root: Path | str | None = None) -> Course:
    """The validated course (``root``, else ``$KESOS_ROOT``, else this checkout); cached until a
    content file changes. Raises ContentError when there is an error (warnings do not raise).

    A course that validated is also kept on disk (``$KESOS_CACHE_DIR``, else the user cache
    folder; ``off`` turns it off), keyed by the bytes of every content file and by the loader and
    schema code, so a new kernel reads it back in milliseconds instead of parsing and validating
    all the YAML again. Content with an error is never kept: it is parsed, and named, every time.
    """
    root = Path(root).resolve() if root else _default_root()
    stamp = _stamp(root)
    hit = _cache.get(root)
    if hit and hit[0] == stamp:
        return hit[1]
    disk = _course_cache_path(root)
    course = _cached_course(disk, root)
    if course is None:
        course, problems = parse(root)
        if course is None:
            raise ContentError(problems or [Problem(str(root), None, None, "no content found")])
        _keep_course(disk, course)
    _cache[root] = (stamp, course)
    return course


# --------------------------------------------------------------------------- notebooks


class ProblemsView:
    """What a notebook cell shows instead of a traceback when the content is broken: a heading
    in the notebook's language and the one-line problems, escaped (``_repr_html_``), or as plain
    text (``repr``). Used by ``kesos.show``, ``kesos.quiz`` and every figure."""

    def __init__(self, problems: list[Problem] | list[str], lang: str | None = None):
        from kesos.i18n import get_language

        self.lang = lang or get_language()
        self.lines = [str(p) for p in problems] or ["?"]

    @property
    def heading(self) -> str:
        from kesos.i18n import t

        return t("content_error_title", self.lang)

    def _repr_html_(self) -> str:
        import html

        items = "".join(f"<li><code>{html.escape(line, quote=True)}</code></li>" for line in self.lines)
        return (
            '<div class="kesos-content-error" role="alert" style="border-left:4px solid #b3261e;'
            'padding:4px 12px"><p><strong>✗ ' + html.escape(self.heading, quote=True) + f"</strong></p><ul>{items}</ul></div>"
        )

    @property
    def value(self) -> str:
        """The HTML, as on an ``ipywidgets.HTML`` (code written for the widgets reads ``.value``)."""
        return self._repr_html_()

    def __repr__(self) -> str:
        return "\n".join(["✗ " + self.heading, *(f"- {line}" for line in self.lines)])


def problems_view(problems: list[Problem] | list[str] | ContentError, lang: str | None = None) -> ProblemsView:
    """The broken-content display for a notebook (see :class:`ProblemsView`)."""
    if isinstance(problems, ContentError):
        problems = problems.problems or [str(problems)]
    return ProblemsView(list(problems), lang)


def main(argv: list[str] | None = None) -> int:
    """``kesos validate``: every problem, one line each; exit 1 when there is an error (or, with
    ``--strict``, a warning). Never a traceback."""
    import argparse

    ap = argparse.ArgumentParser(prog="kesos validate", description="Check all course content.")
    ap.add_argument("--root", default=os.environ.get("KESOS_ROOT"), help="course folder (default: this checkout)")
    ap.add_argument("--strict", action="store_true", help="also exit 1 when there are only warnings")
    args = ap.parse_args(argv)
    try:
        course, problems = parse(args.root)
    except Exception as e:  # noqa: BLE001 - last resort: still one line, never a traceback
        print(_internal(str(args.root or ROOT), None, e))
        return 1
    for p in problems:
        print(p)
    n_err = sum(p.is_error for p in problems)
    n_warn = len(problems) - n_err
    if problems:
        parts = []
        if n_err:
            parts.append(f"{n_err} problem{'s' if n_err != 1 else ''} found")
        if n_warn:
            parts.append(f"{n_warn} warning{'s' if n_warn != 1 else ''}")
        print("\n" + ", ".join(parts) + ".", file=sys.stderr)
    if course is None or n_err:
        return 1
    print(
        f"OK: {len(course.activities)} activities, {len(course.definitions)} definitions, "
        f"{len(course.lists)} lists, {len(course.role_lists)} role lists, {len(course.glossary)} glossary terms."
        + (f" {n_warn} warning{'s' if n_warn != 1 else ''}: the engine ignores what they name." if n_warn else "")
    )
    return 1 if (args.strict and n_warn) else 0
