"""pytest fixtures shared by tests/test_session*.py: the two storage engines."""
from __future__ import annotations

import tempfile

import pytest

from helpers.session_pg import fresh_database, postgres_server

ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server for the whole test session (stopped afterwards)."""
    with postgres_server() as url:
        yield url


def new_location(engine: str, request) -> str:
    """A fresh, empty store location for ``engine``: an SQLite folder or a new PostgreSQL database."""
    if engine == "sqlite":
        return tempfile.mkdtemp(prefix="kesos-sessions-")
    return fresh_database(request.getfixturevalue("pg_server"))
