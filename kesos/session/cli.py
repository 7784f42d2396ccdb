"""``kesos session serve [--port N] [--lan] [--db URL_OR_DIR]`` — run the group-session server."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "serve":
        argv = argv[1:]
    elif argv and argv[0] in ("-h", "--help"):
        print("usage: kesos session serve [--port N] [--lan] [--db FOLDER_OR_POSTGRESQL_URL] [--lang id|en]")
        return 0
    from kesos.session.server import main as serve

    return serve(argv)
