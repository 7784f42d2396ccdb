"""Exports of the item bank for lecturers: Moodle XML, GIFT, QTI 1.2 (Canvas), Anki and CSV.

One small module per format, each with ``write(bank, out_dir, lang) -> Summary``; the bank (a
selection of activities) comes from :func:`kesos.exports.bank.select`. Every key an exporter writes
comes from :mod:`kesos.checking` (``tests/test_exports.py`` proves it for each format).

CLI::

    kesos export --format moodle --lang both --out exports/
    kesos export --format gift,qti,csv --chapters 01,04 --out exports/
    kesos export --format anki --lang id --ids c04-v01-pkh-p2k2,c01-midgley-view --out exports/
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

FORMATS = {
    "moodle": "kesos.exports.moodle",
    "gift": "kesos.exports.gift",
    "qti": "kesos.exports.qti",
    "anki": "kesos.exports.anki",
    "csv": "kesos.exports.csv",
}

__all__ = ["FORMATS", "export", "main"]


def export(course, formats, out_dir, lang: str = "id", chapters=None, ids=None, ordering: str = "ordering"):
    """Write each of ``formats`` for the selected activities; returns the summaries."""
    from kesos.exports.bank import langs_of, select

    langs_of(lang)
    bank = select(course, chapters, ids)
    summaries = []
    for fmt in formats:
        module = importlib.import_module(FORMATS[fmt])
        kwargs = {"ordering": ordering} if fmt == "moodle" else {}
        summaries.append(module.write(bank, Path(out_dir), lang, **kwargs))
    return summaries


def main(argv: list[str] | None = None) -> int:
    import argparse

    from kesos.content import ContentError, load_course
    from kesos.exports.bank import LANG_CHOICES, SelectionError, split_list

    ap = argparse.ArgumentParser(
        prog="kesos export",
        description="Export activities for an LMS (Moodle XML, GIFT, QTI for Canvas), Anki or a spreadsheet.",
    )
    ap.add_argument("--format", required=True,
                    help=f"one or more of {', '.join(FORMATS)} (comma-separated), or 'all'")
    ap.add_argument("--lang", default="id", choices=LANG_CHOICES,
                    help="language of the texts; 'both' puts Indonesian and English in one file")
    sel = ap.add_mutually_exclusive_group()
    sel.add_argument("--chapters", help="chapters to export, e.g. 01,04 (also ch04 or 04_roles); default all")
    sel.add_argument("--ids", help="activity ids to export, comma-separated")
    ap.add_argument("--out", required=True, help="folder to write into (created if missing)")
    ap.add_argument("--moodle-ordering", default="ordering", choices=("ordering", "matching"),
                    help="Moodle: ordering activities as the 'ordering' question type (Moodle 4.4+, "
                         "default) or as matching entry → position for older sites")
    args = ap.parse_args(argv)

    formats = list(FORMATS) if args.format.strip() == "all" else split_list(args.format) or []
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        print(f"kesos export: unknown format {unknown[0] if unknown else args.format!r} — use one of "
              f"{', '.join(FORMATS)} or all", file=sys.stderr)
        return 2
    try:
        course = load_course()
        summaries = export(course, formats, args.out, args.lang, split_list(args.chapters),
                           split_list(args.ids), args.moodle_ordering)
    except ContentError as e:
        print(e, file=sys.stderr)
        print("kesos export: fix the content first (kesos validate lists every problem)", file=sys.stderr)
        return 1
    except SelectionError as e:
        print(f"kesos export: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"kesos export: cannot write to {args.out}: {e.strerror or e}", file=sys.stderr)
        return 1
    for s in summaries:
        print("\n".join(s.lines()))
    return 0
