"""Load the copy-fidelity fixtures (fixtures/copies, our own schemas) into a test database,
through each driver's multi-statement path as tests/chinook.py loads Chinook."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "copies"
SCRIPTS = {"postgresql": "postgresql.sql", "mysql": "mariadb.sql"}


def load_script(url: str, script: str) -> None:
    """Run `script` (several statements) in the empty database at `url`."""
    parsed = make_url(url)
    dialect = parsed.get_backend_name()
    if dialect == "postgresql":
        import psycopg

        with psycopg.connect(
            host=parsed.host, port=parsed.port, user=parsed.username,
            password=parsed.password, dbname=parsed.database, autocommit=True,
        ) as conn:  # fmt: skip
            conn.execute(script.encode())
        return
    import pymysql
    from pymysql.constants import CLIENT

    conn = pymysql.connect(
        host=parsed.host, port=parsed.port or 3306, user=parsed.username,
        password=parsed.password or "", database=parsed.database,
        client_flag=CLIENT.MULTI_STATEMENTS, charset="utf8mb4", autocommit=True,
    )  # fmt: skip
    try:
        with conn.cursor() as cursor:
            cursor.execute(script)
            while cursor.nextset():
                pass
    finally:
        conn.close()


def load_fixture(url: str) -> None:
    dialect = make_url(url).get_backend_name()
    load_script(url, (FIXTURES / SCRIPTS[dialect]).read_text(encoding="utf-8"))
