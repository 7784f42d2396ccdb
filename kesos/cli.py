"""The ``kesos`` command line: one entry point, one subcommand per build or check step.

Each subcommand lives in its own module and exposes ``main(argv) -> int``; this file only
dispatches, so importing it stays cheap.
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
    "glossary": ("kesos.glossary", "rebuild the glossary pages (Markdown and HTML) from glossary/terms.yaml"),
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
    module = importlib.import_module(COMMANDS[name][0])
    return int(module.main(rest) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
