"""Run one conformance case as a round trip through reflection, diff and the rendered DDL.

The README's "How to use a case", stage by stage (a failure names its stage):

    load-current   fresh database A <- setup + current (+ migra additions)
    load-desired   fresh database B <- setup + desired
    reflect        reflect A (the "current" schema) and B (the "desired" schema)
    blind          the peer expects changes, yet A and B reflect equal: the model misses them
    diff           plan = diff_schemas(A, B)
    render-up      plan.up_statements(dialect)
    lint-up        the steps `schema diff` would commit lint without needing --allow
    apply-up       run them on A
    compare-up     reflect A == reflect B (schema_differences empty)
    second-diff    diff_schemas(reflect A, reflect B) is empty
    render-down    plan.down_statements(dialect)
    apply-down     run them on A
    compare-down   reflect A == the reflection of A taken right after loading current, which
                   is a database built directly from the current schema (README step 4)

A case whose own SQL the server refuses is skipped, not failed, but only after the same script,
run whole through the driver (no statement splitting of ours), is refused too; otherwise our
loader is at fault and the case fails at its load stage. load_sql already retries statements
refused for a missing object after the others (a file out of dependency order loads, as the
peers reorder it), so a missing object it still reports is one the script never creates: the
case fails as not self-contained rather than being skipped.

Databases are slots reused across cases, reset cheaply: PostgreSQL drops every schema and
extension of the slot database, MariaDB/MySQL drops and recreates the slot database, SQLite
deletes the file. Nothing here imports pytest: make_expected.py runs cases directly.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from gitmigrate.db.connect import create_target_engine
from tests.conformance.cases import Case, ServerInfo, parse_version, skip_reason

SLOT_PREFIX = "gm_conf_"
ROLES_ENV = "GITMIGRATE_CONFORMANCE_CREATE_ROLES"  # "0": never create the roles cases grant to
MAX_DIFFERENCES_SHOWN = 8


@dataclass
class Outcome:
    status: str  # "pass" | "fail" | "skip"
    stage: str = ""
    message: str = ""
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        return f"[{self.stage}] {self.message}" if self.stage else self.message


class StageFailed(Exception):
    def __init__(self, stage: str, message: str) -> None:
        super().__init__(f"[{stage}] {message}")
        self.stage = stage
        self.message = message


class CaseSkipped(Exception):
    pass


# ---------------------------------------------------------------- database slots

UrlProvider = Callable[[str], str]


class Slots:
    """Two reusable databases (A and B) per dialect for this process, and the servers' facts."""

    def __init__(self, server_url: UrlProvider, tmp_dir: Path, roles: Sequence[str] = ()) -> None:
        self._server_url = server_url
        self._tmp = tmp_dir
        self._roles = sorted(set(roles))
        self._admins: dict[str, Engine] = {}
        self._urls: dict[str, str] = {}  # database name -> URL
        self._dialects: dict[str, str] = {}
        self._info: dict[str, ServerInfo] = {}
        self._tag = f"{SLOT_PREFIX}{os.getpid()}"
        self._sqlite_n = 0

    # -- facts

    def server_info(self, dialect: str) -> ServerInfo:
        if dialect not in self._info:
            self._info[dialect] = self._read_info(dialect)
        return self._info[dialect]

    def _read_info(self, dialect: str) -> ServerInfo:
        if dialect == "sqlite":
            return ServerInfo(
                "sqlite", parse_version(sqlite3.sqlite_version), "sqlite", sqlite3.sqlite_version
            )
        admin = self._admin(dialect)
        with admin.connect() as conn:
            if dialect == "postgresql":
                self._create_roles(conn)
                version_text = str(conn.execute(text("SHOW server_version")).scalar())
                extensions = frozenset(
                    (str(n), str(v))
                    for n, v in conn.execute(
                        text("SELECT name, version FROM pg_available_extension_versions")
                    )
                )
                roles = frozenset(
                    str(r) for r in conn.execute(text("SELECT rolname FROM pg_roles")).scalars()
                )
                return ServerInfo(
                    "postgresql",
                    parse_version(version_text),
                    "postgresql",
                    version_text,
                    extensions,
                    roles,
                )
            version_text = str(conn.execute(text("SELECT VERSION()")).scalar())
            lowered = version_text.lower()
            flavor = "mariadb" if "mariadb" in lowered else "tidb" if "tidb" in lowered else "mysql"
            return ServerInfo("mysql", parse_version(version_text), flavor, version_text)

    def _create_roles(self, conn: Any) -> None:
        """Roles the cases grant to are cluster-wide; create the missing ones (NOLOGIN)."""
        if os.environ.get(ROLES_ENV) == "0" or not self._roles:
            return
        existing = set(conn.execute(text("SELECT rolname FROM pg_roles")).scalars())
        quote = conn.dialect.identifier_preparer.quote_identifier
        for role in self._roles:
            if role not in existing:
                with suppress(Exception):  # no CREATEROLE, or a concurrent run made it: skip
                    conn.execute(text(f"CREATE ROLE {quote(role)} NOLOGIN"))

    # -- slots

    def _admin(self, dialect: str) -> Engine:
        if dialect not in self._admins:
            engine = create_target_engine(self._server_url(dialect))
            self._admins[dialect] = engine.execution_options(isolation_level="AUTOCOMMIT")
        return self._admins[dialect]

    def fresh(self, dialect: str, name: str | None = None) -> str:
        """The URL of an empty database of `dialect` (whatever the last case left is gone).

        `name` asks for a database of that name (MySQL cases that name sqldef's own test
        database, `mysqldef_test`); otherwise the slot of this process is used.
        """
        if dialect == "sqlite":
            self._sqlite_n += 1
            for old in self._tmp.glob("case*.db*"):
                old.unlink()
            return f"sqlite:///{self._tmp / f'case{self._sqlite_n}.db'}"
        name = name or f"{self._tag}_{dialect[:2]}"
        url = self._urls.get(name)
        if url is None or dialect == "mysql":
            url = self._recreate(dialect, name)
        else:
            with engine_for(url).begin() as conn:  # one transaction: one commit
                _reset_postgres(conn, self._roles)
        self._urls[name] = url
        return url

    def _recreate(self, dialect: str, name: str) -> str:
        """DROP + CREATE DATABASE: the reset on MariaDB/MySQL (fast there), the first use on PG."""
        with self._admin(dialect).connect() as conn:
            if dialect == "postgresql":
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            else:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(text(f"CREATE DATABASE {name}"))
        url = make_url(self._server_url(dialect)).set(database=name)
        if dialect == "postgresql":  # throwaway data: do not wait for fsync on commit
            url = url.update_query_dict({"options": _PG_FAST})
        self._dialects[name] = dialect
        return url.render_as_string(hide_password=False)

    @contextmanager
    def exclusive(self, case: Case) -> Iterator[None]:
        """Run a case that needs the server-wide database `mysqldef_test` alone.

        It holds GET_LOCK on that name meanwhile and drops the database before letting go, so
        parallel workers and other runs on the shared server wait instead of loading into one
        database (with no lock, a case saw "Table 'users' already exists").
        """
        name = fixed_database_name(case)
        if name is None:
            yield
            return
        lock = f"gitmigrate-conformance.{name}"
        with self._admin("mysql").connect() as conn:
            got = conn.execute(text("SELECT GET_LOCK(:n, 600)"), {"n": lock}).scalar()
            if got != 1:
                raise AssertionError(f"database {name} stayed busy for 10 minutes ({lock})")
            try:
                yield
            finally:
                self._urls.pop(name, None)
                self._dialects.pop(name, None)
                conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
                conn.execute(text("SELECT RELEASE_LOCK(:n)"), {"n": lock})

    def close(self) -> None:
        for name in self._urls:
            dialect = self._dialects[name]
            force = " WITH (FORCE)" if dialect == "postgresql" else ""
            with suppress(Exception), self._admin(dialect).connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name}{force}"))
        dispose_engines()
        for engine in self._admins.values():
            engine.dispose()
        self._urls.clear()
        self._admins.clear()


def _reset_postgres(conn: Any, roles: Sequence[str]) -> None:
    """Back to a new database's state: only an empty `public` schema and plpgsql."""
    quote = conn.dialect.identifier_preparer.quote_identifier
    for (trigger,) in conn.execute(text("SELECT evtname FROM pg_event_trigger")):
        conn.execute(text(f"DROP EVENT TRIGGER IF EXISTS {quote(trigger)} CASCADE"))
    for (ext,) in conn.execute(text("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'")):
        conn.execute(text(f"DROP EXTENSION IF EXISTS {quote(ext)} CASCADE"))
    schemas = conn.execute(
        text(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
            "AND nspname <> 'information_schema'"
        )
    ).scalars()
    for schema in list(schemas):
        conn.execute(text(f"DROP SCHEMA {quote(schema)} CASCADE"))
    for (pub,) in conn.execute(text("SELECT pubname FROM pg_publication")):
        conn.execute(text(f"DROP PUBLICATION {quote(pub)}"))
    present = set(conn.execute(text("SELECT rolname FROM pg_roles")).scalars())
    owned = [quote(r) for r in roles if r in present]
    if owned:  # default privileges and grants of the case roles in this database
        conn.execute(text(f"DROP OWNED BY {', '.join(owned)} CASCADE"))
    conn.execute(text("CREATE SCHEMA public AUTHORIZATION pg_database_owner"))
    conn.execute(text("GRANT USAGE ON SCHEMA public TO PUBLIC"))


# ---------------------------------------------------------------- one case


def run_case(case: Case, slots: Slots) -> Outcome:
    """Run `case` and say how it went; never raises for a failing case."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    try:
        reason = skip_reason(case, slots.server_info(case.dialect))
        if reason:
            return Outcome("skip", message=reason)
        _round_trip(case, slots, timings)
        outcome = Outcome("pass")
    except CaseSkipped as exc:
        outcome = Outcome("skip", message=str(exc))
    except StageFailed as exc:
        outcome = Outcome("fail", exc.stage, exc.message)
    outcome.seconds = time.perf_counter() - started
    outcome.timings = timings
    return outcome


@contextmanager
def _stage(name: str, timings: dict[str, float]) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    except (StageFailed, CaseSkipped):
        raise
    except Exception as exc:
        raise StageFailed(name, describe_error(exc)) from exc
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - started


def _round_trip(case: Case, slots: Slots, timings: dict[str, float]) -> None:
    """One database, used in turn: desired is built and reflected first, then current."""
    from gitmigrate.schema.compare import schema_differences
    from gitmigrate.schema.diff import diff_schemas

    dialect = case.dialect
    work_path = case.work_search_path or case.search_path
    current_parts = [
        ("setup", case.setup_sql),
        ("current", case.current_sql),
        ("additions", case.additions_sql),
    ]
    desired_parts = [("setup", case.setup_sql), ("desired", case.desired_sql)]

    with _stage("setup", timings):
        raw = slots.fresh(dialect, fixed_database_name(case))
    with _stage("load-desired", timings):
        _load(case, slots, raw, desired_parts, "load-desired")
    with _stage("reflect", timings):
        desired = reflect_url(_with_search_path(raw, work_path), case)
        desired_ext = _extension_versions(raw) if case.compare_extension_versions else None

    with _stage("setup", timings):
        raw = slots.fresh(dialect, fixed_database_name(case))
    work = _with_search_path(raw, work_path)
    with _stage("load-current", timings):
        _load(case, slots, raw, current_parts, "load-current")
    with _stage("reflect", timings):
        current = reflect_url(work, case)
        current_ext = _extension_versions(raw) if case.compare_extension_versions else None

    if case.expects_changes and not schema_differences(current, desired):
        first = _first_statement(case.expected_up or "")
        raise StageFailed(
            "blind",
            f"{case.source} expects changes ({first}) but current and desired reflect as "
            "equal: the schema model does not capture them",
        )

    with _stage("diff", timings):
        plan = diff_schemas(current, desired)
    with _stage("render-up", timings):
        up = plan.up_statements(dialect)
    with _stage("lint-up", timings):
        _expect_lint_clean(plan, dialect)
    _apply(work, up, "apply-up", timings)

    with _stage("compare-up", timings):
        after_up = reflect_url(work, case)
        _expect_equal(
            desired, after_up, "compare-up", "after up, the database differs from desired"
        )
        if desired_ext is not None:
            _expect_same_extensions(desired_ext, raw, "compare-up")

    with _stage("second-diff", timings):
        again = diff_schemas(after_up, desired)
        if not again.is_empty:
            try:
                shown = "; ".join(again.up_statements(dialect)[:5])
            except Exception:  # the message is what matters, not the rendering
                shown = "; ".join(repr(op) for op in again.operations[:5])
            raise StageFailed(
                "second-diff",
                f"{len(again.operations)} operation(s) still planned after up: {shown}",
            )

    with _stage("render-down", timings):
        down = plan.down_statements(dialect)
    _apply(work, down, "apply-down", timings)

    with _stage("compare-down", timings):
        after_down = reflect_url(work, case)
        _expect_equal(
            current, after_down, "compare-down", "after down, the database differs from current"
        )
        if current_ext is not None:
            _expect_same_extensions(current_ext, raw, "compare-down")


def _expect_lint_clean(plan: Any, dialect: str) -> None:
    """Issue 20: the steps `schema diff` would commit for this plan never need --allow: every
    blocking finding of our lint is one the step allows itself, with a reason (lint/generated.py)."""
    from gitmigrate.lint import LintOptions, lint_sql
    from gitmigrate.lint.engine import TRANSACTIONAL_DDL
    from gitmigrate.lint.generated import REASONS
    from gitmigrate.schema.safe_steps import plan_steps, script

    for part in plan_steps(plan, dialect):
        in_tx = part.transactional and dialect in TRANSACTIONAL_DDL
        options = LintOptions(assume_in_transaction=in_tx)
        found = lint_sql(script(part.up), dialect, options=options)
        unexplained = sorted({f.rule for f in found if f.blocking and f.rule not in REASONS})
        if unexplained:
            raise StageFailed(
                "lint-up", f"a generated step would need --allow {','.join(unexplained)}"
            )


def fixed_database_name(case: Case) -> str | None:
    """sqldef's MySQL cases run in a database named mysqldef_test; some name it in their SQL."""
    if case.dialect == "mysql" and "mysqldef_test" in (case.current_sql + case.desired_sql).lower():
        return "mysqldef_test"
    return None


def _expect_equal(expected: Any, actual: Any, stage: str, what: str) -> None:
    from gitmigrate.schema.compare import schema_differences

    differences = schema_differences(expected, actual)
    if differences:
        shown = "; ".join(differences[:MAX_DIFFERENCES_SHOWN])
        more = len(differences) - MAX_DIFFERENCES_SHOWN
        raise StageFailed(stage, f"{what}: {shown}" + (f" (+{more} more)" if more > 0 else ""))


def _expect_same_extensions(expected: dict[str, str], url: str, stage: str) -> None:
    actual = _extension_versions(url)
    if actual != expected:
        raise StageFailed(stage, f"extension versions differ: want {expected}, have {actual}")


def _extension_versions(url: str) -> dict[str, str]:
    with engine_for(url).connect() as conn:
        rows = conn.execute(text("SELECT extname, extversion FROM pg_extension"))
        return {str(n): str(v) for n, v in rows}


def reflect_url(url: str, case: Case | None = None) -> Any:
    """Every user schema, as `schema diff` reflects (migra's --schema / --exclude-schema from
    the case's flags)."""
    from gitmigrate.schema.reflect import reflect_schema
    from gitmigrate.schema.reflect_schemas import SchemaScope

    flags = case.flags if case is not None else {}
    exclude = flags.get("exclude_schema")
    scope = SchemaScope(only=flags.get("schema"), exclude=(exclude,) if exclude else ())
    with engine_for(url).connect() as conn:
        return reflect_schema(conn, scope=scope)


_ENGINES: dict[str, Engine] = {}


def engine_for(url: str) -> Engine:
    """One engine per slot URL (NullPool: no connection outlives its use, so resets never wait);
    reusing it saves SQLAlchemy's per-engine dialect set-up, which costs more than a reflection."""
    if url.startswith("sqlite"):  # a new file per case: do not keep engines for them
        return create_target_engine(url)
    if url not in _ENGINES:
        _ENGINES[url] = create_target_engine(url)
    return _ENGINES[url]


def dispose_engines() -> None:
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


def _apply(url: str, statements: Sequence[str], stage: str, timings: dict[str, float]) -> None:
    """Run the generated statements the way a step runs: one transaction where DDL has one."""
    started = time.perf_counter()
    # no_parameters: the statement goes to the driver as is; without it psycopg and PyMySQL
    # read every `%` (LIKE 'a%', the modulo operator) as a parameter placeholder
    engine = engine_for(url).execution_options(no_parameters=True)
    index = 0  # of the statement running, for the message
    try:
        if engine.dialect.name in ("mysql", "mariadb"):
            with engine.connect() as conn:
                for statement in statements:
                    conn.exec_driver_sql(statement)
                    conn.commit()
                    index += 1
        else:
            with engine.begin() as conn:
                for statement in statements:
                    conn.exec_driver_sql(statement)
                    index += 1
    except Exception as exc:
        shown = _clip(statements[index]) if index < len(statements) else "COMMIT"
        raise StageFailed(
            stage,
            f"statement {index + 1}/{len(statements)} `{shown}` failed: {describe_error(exc)}",
        ) from exc
    finally:
        timings[stage] = time.perf_counter() - started


def _load(case: Case, slots: Slots, raw: str, parts: Sequence[tuple[str, str]], stage: str) -> None:
    """load_sql each part; when the database refuses one, find out whose fault it is."""
    from gitmigrate.schema.scratch import SchemaLoadError, load_sql

    url = _with_search_path(raw, case.search_path)
    for label, sql in parts:
        if not sql.strip():
            continue
        try:
            load_sql(url, sql, origin=f"{case.origin}:{label}")
        except SchemaLoadError as exc:
            refusal = _server_refusal(case, slots, parts)
            if refusal is None:
                raise StageFailed(
                    stage,
                    f"load_sql failed ({exc.detail}) but the server runs the same script sent "
                    "whole through the driver: our statement splitting or loading is at fault",
                ) from exc
            message, missing = refusal
            if missing:
                raise StageFailed(
                    stage,
                    f"the {label} script is not self-contained: it uses an object it never "
                    f"creates, even with its statements retried out of order: {message}",
                ) from exc
            raise CaseSkipped(f"the server refuses the case's SQL: {label}: {message}") from exc


# errors saying that the script uses an object it has not created (yet): the case's SQL,
# not the server, is the problem (PostgreSQL SQLSTATEs; MySQL/MariaDB error numbers)
_PG_MISSING = {"42P01", "3F000"}  # undefined table, invalid schema name
_MYSQL_MISSING = {1146, 1049, 1005, 1824, 1215}  # no table, no database, FK to a missing table


def _server_refusal(
    case: Case, slots: Slots, parts: Sequence[tuple[str, str]]
) -> tuple[str, bool] | None:
    """Run `parts` on a fresh database as whole scripts through the driver.

    None when they all run; else (the error, whether it is a missing object)."""
    url = _with_search_path(slots.fresh(case.dialect, fixed_database_name(case)), case.search_path)
    for _label, sql in parts:
        if sql.strip():
            try:
                run_script(url, sql)
            except Exception as exc:
                return describe_error(exc), _is_missing_object(exc)
    return None


def _is_missing_object(exc: BaseException) -> bool:
    args = getattr(exc, "args", ())
    if args and isinstance(args[0], int):  # PyMySQL: (error number, message)
        return args[0] in _MYSQL_MISSING
    return getattr(exc, "sqlstate", None) in _PG_MISSING  # psycopg


def run_script(url: str, sql: str) -> None:
    """Execute a whole SQL script with the driver's own multi-statement support."""
    sa_url = make_url(url)
    backend = sa_url.get_backend_name()
    if backend == "sqlite":
        conn = sqlite3.connect(sa_url.database or ":memory:")
        try:
            conn.executescript(sql)
        finally:
            conn.close()
        return
    if backend == "postgresql":
        import psycopg

        conninfo = sa_url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True) as pg:
            pg.execute(sql.encode())  # no parameters: the simple protocol takes many statements
        return
    import pymysql
    from pymysql.constants import CLIENT

    my = pymysql.connect(
        host=sa_url.host or "127.0.0.1",
        port=sa_url.port or 3306,
        user=sa_url.username or "root",
        password=sa_url.password or "",
        database=sa_url.database,
        client_flag=CLIENT.MULTI_STATEMENTS,
        autocommit=True,
    )
    try:
        with my.cursor() as cursor:
            cursor.execute(sql)
            while cursor.nextset():
                pass
    finally:
        my.close()


_PG_FAST = "-csynchronous_commit=off"


def _with_search_path(url: str, search_path: str | None) -> str:
    if not search_path:
        return url
    sa_url = make_url(url)
    options = str(sa_url.query.get("options") or "")
    value = (options + " " if options else "") + "-csearch_path=" + search_path.replace(" ", "")
    return sa_url.update_query_dict({"options": value}).render_as_string(hide_password=False)


def describe_error(exc: BaseException) -> str:
    """One line: the exception type and the first line of its message (the driver's words)."""
    orig = getattr(exc, "orig", None)
    inner: BaseException = orig if isinstance(orig, BaseException) else exc
    lines = str(inner).strip().splitlines()
    first = lines[0] if lines else ""
    return f"{type(inner).__name__}: {_clip(first, 400)}"


def _first_statement(sql: str) -> str:
    for line in sql.splitlines():
        line = line.strip()
        if line and not line.startswith("--"):
            return _clip(line, 120)
    return ""


def _clip(text_: str, limit: int = 200) -> str:
    flat = " ".join(text_.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."
