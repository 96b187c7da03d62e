"""Dialect names: one canonical spelling per database family, whatever the user typed.

Users write dialects the way their tools do (``pg``, ``postgres``, ``mariadb``, a SQLAlchemy URL
``postgresql+psycopg://...``); everything below this module sees only the names in `DIALECTS`.
"""

from __future__ import annotations

import difflib

from gitmigrate.errors import UsageError

DIALECTS: tuple[str, ...] = ("sqlite", "postgresql", "mysql")
# a SQL step's claim (`dialect = "any"` in step.toml) that its SQL runs on every dialect;
# it is checked against each, when written and again against the target when applied
ANY_DIALECT = "any"

_ALIASES: dict[str, str] = {
    "sqlite": "sqlite",
    "sqlite3": "sqlite",
    "postgresql": "postgresql",
    "postgres": "postgresql",
    "pg": "postgresql",
    "psql": "postgresql",
    "mysql": "mysql",
    "mariadb": "mysql",
}

_SQLGLOT: dict[str, str] = {"sqlite": "sqlite", "postgresql": "postgres", "mysql": "mysql"}


def normalize_dialect(name: str) -> str:
    """Map any accepted spelling (case-insensitive, ``+driver`` suffix allowed) to our name."""
    key = name.strip().lower().split("+", 1)[0]
    if key in _ALIASES:
        return _ALIASES[key]
    accepted = ", ".join(_ALIASES)
    nearest = difflib.get_close_matches(key, list(_ALIASES), n=1)
    hint = f"accepted names: {accepted}"
    if nearest:
        hint = f"did you mean '{nearest[0]}'? {hint}"
    raise UsageError(f"unknown dialect '{name}'", hint)


def sqlglot_dialect(name: str) -> str:
    """The name sqlglot knows our dialect by (it calls PostgreSQL "postgres")."""
    return _SQLGLOT[normalize_dialect(name)]


def dialect_of_url(url: str) -> str:
    """The dialect of a database URL, read from its scheme alone (no SQLAlchemy import)."""
    scheme, sep, _rest = url.partition("://")
    if not sep or not scheme:
        # The URL is not echoed: it may hold a password.
        raise UsageError(
            "cannot tell the dialect of a database URL without a scheme",
            "give a URL such as sqlite:///app.db or postgresql+psycopg://user@host/db",
        )
    return normalize_dialect(scheme)
