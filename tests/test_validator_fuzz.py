"""`kesos validate` under a seeded corpus of broken copies of the course's own YAML (issue 8).

Every case mutates one file of a temporary copy of content/ and glossary/ — type swaps, duplicate
keys, truncation, tabs, non-UTF-8 bytes, control characters, huge numbers and strings, deep
nesting, alias bombs, ``!!python/…`` tags, impossible dates — and runs the validator's ``main``
in-process. Each must: raise nothing (no traceback), finish in under 5 s, exit 1, print every
problem on one line starting with its file, and print at most 21 lines per file (20 + "… and N
more"). A hypothesis property test does the same with randomly drawn mutations.
"""
from __future__ import annotations

import contextlib
import io
import random
import re
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kesos import content as C

REPO = Path(__file__).resolve().parent.parent
FILES = sorted(
    [p.relative_to(REPO).as_posix() for p in (REPO / "content").rglob("*.yaml")] + ["glossary/terms.yaml"]
)
ORIGINAL = {rel: (REPO / rel).read_text(encoding="utf-8") for rel in FILES}
LINE = re.compile(r"^(content|glossary)/[\w./-]+\.yaml(:\d+(:\d+)?)?: \S")
# "key: value" lines whose value is complete on the line (no block scalar, no open quote)
KV = re.compile(r'^(?P<indent> *)(?P<dash>- )?(?P<key>[a-z_]+): (?P<value>[^\s|>&*!].*)$', re.M)
CONTROL = [chr(c) for c in range(32) if chr(c) not in "\t\n\r"] + ["\x7f", "\x80", "\x9b", "\ufffe"]


def _bomb(width: int, depth: int) -> str:
    lines = [f'lol0: &a0 [{", ".join(["lol"] * width)}]']
    for i in range(1, depth):
        lines.append(f'lol{i}: &a{i} [{", ".join([f"*a{i - 1}"] * width)}]')
    return "\n".join(lines) + "\n"


def _kv_lines(text: str) -> list[re.Match]:
    out = []
    for m in KV.finditer(text):
        v = m["value"]
        if v.startswith('"') and not (v.endswith('"') and len(v) > 1):
            continue
        if v.startswith("'") and not (v.endswith("'") and len(v) > 1):
            continue
        out.append(m)
    return out


def _replace_value(text: str, m: re.Match, value: str) -> str:
    line = f'{m["indent"]}{m["dash"] or ""}{m["key"]}: {value}'
    return text[: m.start()] + line + text[m.end():]


def _pick(rng: random.Random, seq):
    return seq[rng.randrange(len(seq))] if seq else None


# Each mutator: (text, rng) -> bytes of the broken file, or None when the file offers no spot.
def type_swap(text, rng):
    m = _pick(rng, _kv_lines(text))
    swap = _pick(rng, ["{unexpected: [1, 2]}", "[[1], {x: 2}]", "{id: [1], en: {x: 1}}"])
    return m and _replace_value(text, m, swap).encode()


def duplicate_key(text, rng):
    m = _pick(rng, _kv_lines(text))
    if not m:
        return None
    indent = m["indent"] + ("  " if m["dash"] else "")
    copy = f'\n{indent}{m["key"]}: {m["value"]}'
    return (text[: m.end()] + copy + text[m.end():]).encode()


def truncation(text, rng):
    spots = [m.end() for m in re.finditer(r'\{id: "', text)]
    pos = _pick(rng, spots)
    return pos and (text[:pos] + text[pos:pos + rng.randrange(0, 3)].replace('"', "")).encode()


def tab(text, rng):
    m = _pick(rng, _kv_lines(text))
    return m and (text[: m.start()] + "\t" + text[m.start():]).encode()


def non_utf8(text, rng):
    raw = text.encode()
    pos = rng.randrange(len(raw))
    while pos < len(raw) and 0x80 <= raw[pos] < 0xC0:  # not inside a multi-byte character
        pos += 1
    bad = _pick(rng, [b"\xff", b"\xe9", b"\xc3(", b"\x80\x80", b"\xed\xa0\x80"])
    return raw[:pos] + bad + raw[pos:]


def control_char(text, rng):
    pos = rng.randrange(len(text))
    return (text[:pos] + _pick(rng, CONTROL) + text[pos:]).encode()


def huge_number(text, rng):
    m = _pick(rng, _kv_lines(text))
    digits = _pick(rng, [4301, 5000, 20000, 100000])
    return m and _replace_value(text, m, "9" * digits).encode()


def huge_string(text, rng):
    ids = [m for m in _kv_lines(text)  # values that are ids (not a Text's "id:" language line)
           if m["key"] in ("id", "chapter", "role", "author", "via", "role_list")
           and re.fullmatch(r"[a-z0-9][a-z0-9_-]*", m["value"])]
    m = _pick(rng, ids)
    size = _pick(rng, [100, 10_000, 1_000_000])
    big = _pick(rng, ["a" * size, "x-" * (size // 2), '"' + "<b>" * (size // 3) + '"'])
    return m and _replace_value(text, m, big).encode()


def huge_key(text, rng):
    m = _pick(rng, [m for m in _kv_lines(text) if m["dash"]])
    if not m:
        return None
    key = "k" * _pick(rng, [200, 100_000])
    line = f'\n{m["indent"]}  {key}: 1'
    return (text[: m.end()] + line + text[m.end():]).encode()


def deep_nesting(text, rng):
    m = _pick(rng, _kv_lines(text))
    depth = _pick(rng, [60, 900, 1200, 50_000])
    left, right = _pick(rng, [("[", "]"), ("{a: ", "}")])
    return m and _replace_value(text, m, left * depth + "1" + right * depth).encode()


def alias_bomb(text, rng):
    bomb = _bomb(rng.randrange(2, 12), rng.randrange(2, 12))
    head, _, rest = text.partition("\n")
    m = _pick(rng, _kv_lines(rest))
    if m and rng.random() < 0.5:
        rest = _replace_value(rest, m, "*a0")
    return (head + "\n" + bomb + rest).encode()


def python_tag(text, rng):
    m = _pick(rng, _kv_lines(text))
    tag = _pick(rng, [
        '!!python/object/apply:os.system ["echo owned"]', "!!python/name:os.system",
        "!!python/object:collections.OrderedDict {}", '!!binary "aGVsbG8="', "!!set {a, b}",
        '!custom "x"', "!!python/tuple [1, 2]",
    ])
    return m and _replace_value(text, m, tag).encode()


def bad_date(text, rng):
    m = _pick(rng, _kv_lines(text))
    return m and _replace_value(text, m, _pick(rng, ["2026-13-45", "2026-02-30", "0000-00-00", "2026-12-06"])).encode()


MUTATORS = [type_swap, duplicate_key, truncation, tab, non_utf8, control_char, huge_number, huge_string,
            huge_key, deep_nesting, alias_bomb, python_tag, bad_date]
PER_KIND = 24  # 13 kinds x 24 = 312 cases


def _corpus() -> list[tuple[str, str, bytes]]:
    cases = []
    for k, mutate in enumerate(MUTATORS):
        for i in range(PER_KIND):
            rng = random.Random(f"issue8-{mutate.__name__}-{i}")
            for j in range(len(FILES)):
                rel = FILES[(i + k + j) % len(FILES)]
                data = mutate(ORIGINAL[rel], rng)
                if data:
                    cases.append((f"{mutate.__name__}-{i}-{rel.rsplit('/', 1)[-1]}", rel, data))
                    break
    return cases


CORPUS = _corpus()


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """One copy of the course's content and glossary for the whole module."""
    root = tmp_path_factory.mktemp("fuzz")
    for folder in ("content", "glossary"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def _run_mutated(root: Path, rel: str, data: bytes) -> None:
    """Write the broken file, validate in-process, restore; assert the validator's promises."""
    path = root / rel
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    try:
        start = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = C.main(["--root", str(root)])
        elapsed = time.perf_counter() - start
    finally:
        path.write_text(ORIGINAL[rel], encoding="utf-8")
    text = out.getvalue() + err.getvalue()
    assert "Traceback" not in text
    assert elapsed < 5, f"took {elapsed:.1f} s"
    lines = out.getvalue().splitlines()
    assert code == 1, lines[:5]
    assert lines, "exit 1 without a problem line"
    for line in lines:
        assert LINE.match(line), f"not one problem per line: {line[:200]!r}"
        assert len(line) < 1000, line[:200]
    per_file: dict[str, int] = {}
    for line in lines:
        f = re.split(r"[:]", line, maxsplit=1)[0]
        per_file[f] = per_file.get(f, 0) + 1
    assert max(per_file.values()) <= C.MAX_PROBLEMS_PER_FILE + 1, per_file


def test_corpus_is_large_and_covers_every_kind():
    """At least 300 seeded cases, every kind of mutation represented."""
    assert len(CORPUS) >= 300
    kinds = {name.rsplit("-", 2)[0] for name, _, _ in CORPUS}
    assert kinds == {m.__name__ for m in MUTATORS}


@pytest.mark.parametrize(("rel", "data"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS])
def test_seeded_mutation(root, rel, data):
    """One seeded broken file: exit 1, one line per problem, <= 21 lines per file, < 5 s, no traceback."""
    _run_mutated(root, rel, data)


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    rel=st.sampled_from(FILES),
    mutate=st.sampled_from(MUTATORS),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    extra=st.text(min_size=0, max_size=40),
)
def test_random_mutations_keep_the_validator_promises(root, rel, mutate, seed, extra):
    """Random mutations (any kind, any file, any spot, plus random text appended to the broken
    line's file) keep the same promises."""
    data = mutate(ORIGINAL[rel], random.Random(seed))
    if not data:
        data = control_char(ORIGINAL[rel], random.Random(seed))
    if extra:
        try:
            data = data + ("\n# " + extra.replace("\n", " ")).encode("utf-8", "surrogatepass")
        except UnicodeEncodeError:
            pass
    _run_mutated(root, rel, data)
