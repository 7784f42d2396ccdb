"""The ``kesos`` command line: one entry point, one subcommand per build or check step.

Each subcommand lives in its own module and exposes ``main(argv) -> int`` (or the function
named after a colon, ``module:function``); this file only dispatches, so importing it stays cheap.
"""
from __future__ import annotations

import importlib
import sys

# name -> (module, one-line help). Order is the order shown in --help.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("kesos.content", "check all course content and list every error"),
    "clean": ("kesos.hygiene", "strip outputs and widget state from notebooks (--check to only report)"),
    "nav": ("kesos.nav", "regenerate previous/contents/next links in the notebooks"),
    "exercises": ("kesos.exercises", "generate exercises/ from solutions/ (--check to detect drift)"),
    "handout": ("kesos.handout", "printable chapter handouts and answer keys (HTML, or PDF through Chromium)"),
    "glossary": ("kesos.glossary", "rebuild the glossary pages (Markdown and HTML) from glossary/terms.yaml"),
    "export": ("kesos.exports", "export activities: Moodle XML, GIFT, QTI (Canvas), Anki decks, CSV"),
    "itembank": ("kesos.itembank", "write the item bank overview for lecturers (one HTML page)"),
    "review": ("kesos.study.commands:review", "how many review items are due today (spaced review, FSRS)"),
    "exam": ("kesos.study.commands:exam", "draw a mock exam paper (--seed) and print it or write it as HTML"),
    "weak": ("kesos.study.commands:weak", "write an Anki deck (.apkg) of the items you keep missing"),
    "lint": ("kesos.lint", "measure item-writing cues (length, absolute words, feedback, ...) and fail on thresholds"),
    "session": ("kesos.session.cli", "run the group-session server: session serve [--port N] [--lan] [--db URL_OR_DIR]"),
}


def _usage() -> str:
    lines = ["usage: kesos <command> [options]", "", "commands:"]
    lines += [f"  {name:<10} {help_}" for name, (_, help_) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"kesos: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    modname, _, func = COMMANDS[name][0].partition(":")
    module = importlib.import_module(modname)
    return int(getattr(module, func or "main")(rest) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
