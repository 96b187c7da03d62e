"""Load the Chinook sample database (fixtures/chinook, MIT) into a test database.

The upstream scripts create and switch to their own database first; those lines are dropped so
the tables land in the fresh database the test made. Each script runs through its driver's
multi-statement path (one round trip), which is much faster than splitting 15,607 rows' worth
of INSERTs in Python.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

DATASET = Path(__file__).resolve().parents[1] / "fixtures" / "chinook"
SCRIPTS = {
    "sqlite": "Chinook_Sqlite.sql",
    "postgresql": "Chinook_PostgreSql.sql",
    "mysql": "Chinook_MySql.sql",
}
# the same 11 tables in every dialect; PostgreSQL's script names them in snake case
TABLES = {
    "sqlite": [
        "Album", "Artist", "Customer", "Employee", "Genre", "Invoice", "InvoiceLine",
        "MediaType", "Playlist", "PlaylistTrack", "Track",
    ],
    "postgresql": [
        "album", "artist", "customer", "employee", "genre", "invoice", "invoice_line",
        "media_type", "playlist", "playlist_track", "track",
    ],
}  # fmt: skip
TABLES["mysql"] = TABLES["sqlite"]
ROWS = {
    "Album": 347, "Artist": 275, "Customer": 59, "Employee": 8, "Genre": 25, "Invoice": 412,
    "InvoiceLine": 2240, "MediaType": 5, "Playlist": 18, "PlaylistTrack": 8715, "Track": 3503,
}  # fmt: skip
_DATABASE_LINES = re.compile(
    r"^\s*(DROP DATABASE|CREATE DATABASE|\\c |USE ).*$", re.IGNORECASE | re.MULTILINE
)


def chinook_script(dialect: str) -> str:
    path = DATASET / SCRIPTS[dialect]
    return _DATABASE_LINES.sub("", path.read_text(encoding="utf-8-sig"))


def load_chinook(url: str) -> None:
    """Create and fill the 11 Chinook tables in the (empty) database at `url`."""
    parsed = make_url(url)
    dialect = parsed.get_backend_name()
    script = chinook_script(dialect)
    if dialect == "sqlite":
        with sqlite3.connect(parsed.database or ":memory:") as conn:
            conn.executescript(script)
    elif dialect == "postgresql":
        import psycopg

        with psycopg.connect(
            host=parsed.host,
            port=parsed.port,
            user=parsed.username,
            password=parsed.password,
            dbname=parsed.database,
            autocommit=True,
        ) as conn:
            conn.execute(script.encode())
    elif dialect == "mysql":
        import pymysql
        from pymysql.constants import CLIENT

        conn = pymysql.connect(
            host=parsed.host,
            port=parsed.port or 3306,
            user=parsed.username,
            password=parsed.password or "",
            database=parsed.database,
            client_flag=CLIENT.MULTI_STATEMENTS,
            charset="utf8mb4",
            autocommit=True,
        )
        try:
            with conn.cursor() as cursor:
                cursor.execute(script)
                while cursor.nextset():
                    pass
        finally:
            conn.close()
    else:
        raise ValueError(f"no Chinook script for dialect {dialect!r}")


def chinook_table_name(dialect: str, name: str) -> str:
    """The dialect's spelling of a Chinook table given its SQLite/MySQL name."""
    return TABLES[dialect][TABLES["sqlite"].index(name)]
