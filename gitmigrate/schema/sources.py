"""Where a schema comes from: a `.sql` file, a database URL, a target name, SQLAlchemy models
(`module:attr`), or the migration steps in HEAD's tree replayed.

Every source ends in `reflect_schema` on a real database of the dialect -- DDL files and models
are first created in a scratch database -- so two sources describing the same schema give equal
models, whatever their spelling. On PostgreSQL that covers every user schema by default (as
migra), or those a `SchemaScope` names (`--schema`, `--exclude-schema`).
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import MetaData
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from gitmigrate.core.catalog import load_migrations
from gitmigrate.core.config import is_initialised, load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.db.connect import Access, check_connection, create_target_engine
from gitmigrate.db.url import redact_url
from gitmigrate.engine.plan import merge_order
from gitmigrate.errors import UsageError
from gitmigrate.schema.model import Schema
from gitmigrate.schema.reflect import reflect_schema
from gitmigrate.schema.reflect_schemas import ALL_SCHEMAS, SchemaScope
from gitmigrate.schema.scratch import SchemaLoadError, load_sql, scratch_database
from gitmigrate.sql.dialects import normalize_dialect

_MODULE_ATTR = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


def load_schema(
    spec: str,
    *,
    repo: GitRepo | None,
    dialect: str | None,
    server_url: str | None,
    scope: SchemaScope = ALL_SCHEMAS,
) -> Schema:
    """The schema `spec` describes (see the module docstring for the accepted forms); on
    PostgreSQL the user schemas `scope` covers."""
    if "://" in spec:
        return reflect_url(spec, repo=repo, display=redact_url(spec), scope=scope)
    if spec.lower().endswith(".sql") or Path(spec).is_file():
        path = _resolve_path(spec, repo)
        return schema_from_sql_file(path, _dialect(dialect, repo), server_url, scope)
    if _MODULE_ATTR.match(spec):
        metadata = import_metadata(spec, repo.root if repo is not None else Path.cwd())
        return schema_from_metadata(
            metadata, _dialect(dialect, repo), server_url, origin=spec, scope=scope
        )
    if repo is None or not is_initialised(repo):
        raise UsageError(
            f"cannot read a schema from {spec!r}",
            "give a .sql file, a database URL, module:attr naming SQLAlchemy models, "
            "or a target name from .gitmigrate.toml (inside an initialised repository)",
        )
    target = load_config(repo).target(spec)
    return reflect_url(target.resolve_url(), repo=repo, display=target.name, scope=scope)


def reflect_url(
    url: str,
    *,
    repo: GitRepo | None,
    display: str,
    access: Access = "read",
    scope: SchemaScope = ALL_SCHEMAS,
) -> Schema:
    """Reflect a live database (relative SQLite paths resolve against the repository); a
    user's database is only read, a scratch one (`access="create"`) may not exist yet."""
    base = repo.root if repo is not None else None
    engine = create_target_engine(url, base_dir=base, access=access)
    try:
        check_connection(engine, display)
        with engine.connect() as conn:
            return reflect_schema(conn, scope=scope)
    finally:
        engine.dispose()


def schema_from_sql(
    sql: str,
    dialect: str,
    server_url: str | None,
    *,
    origin: str = "<sql>",
    scope: SchemaScope = ALL_SCHEMAS,
) -> Schema:
    """Run a DDL script in a scratch database of `dialect` and reflect the result."""
    with scratch_database(dialect, server_url) as url:
        load_sql(url, sql, origin=origin)
        display = f"scratch {dialect} database"
        schema = reflect_url(url, repo=None, display=display, access="create", scope=scope)
    _check_references(schema, origin)
    return schema


def schema_from_sql_file(
    path: Path, dialect: str, server_url: str | None, scope: SchemaScope = ALL_SCHEMAS
) -> Schema:
    try:
        sql = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file", "check the path of the .sql file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}", "give a readable UTF-8 .sql file") from exc
    return schema_from_sql(sql, dialect, server_url, origin=str(path), scope=scope)


def schema_from_metadata(
    metadata: MetaData,
    dialect: str,
    server_url: str | None,
    *,
    origin: str,
    scope: SchemaScope = ALL_SCHEMAS,
) -> Schema:
    """create_all into a scratch database, then reflect: models go through the same path."""
    with scratch_database(dialect, server_url) as url:
        engine = create_target_engine(url)
        try:
            with engine.begin() as conn:
                metadata.create_all(conn)
            with engine.connect() as conn:
                return reflect_schema(conn, scope=scope)
        except (DBAPIError, SQLAlchemyError) as exc:
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise UsageError(
                f"{origin}: the models cannot be created on {dialect}: {detail}",
                "fix the models (a type or default the dialect lacks?) or pick another --dialect",
            ) from exc
        finally:
            engine.dispose()


def import_metadata(spec: str, root: Path) -> MetaData:
    """`module:attr` (attr may be dotted) -> a MetaData, or a declarative base's metadata."""
    module_name, _, attr_path = spec.partition(":")
    with _importable(root):
        try:
            obj: object = importlib.import_module(module_name)
        except ImportError as exc:
            raise UsageError(
                f"cannot import {module_name!r} for {spec}: {exc}",
                f"run from the repository root ({root}) or check the module path and its imports",
            ) from exc
        except Exception as exc:  # the user's module raised while importing
            raise UsageError(
                f"importing {module_name!r} for {spec} failed: {type(exc).__name__}: {exc}",
                "fix the module so that it imports without side effects",
            ) from exc
    for part in attr_path.split("."):
        if not hasattr(obj, part):
            raise UsageError(
                f"{spec}: {module_name} has no attribute {attr_path!r}",
                "name a SQLAlchemy MetaData or a declarative base, e.g. app.models:Base",
            )
        obj = getattr(obj, part)
    if isinstance(obj, MetaData):
        return obj
    metadata = getattr(obj, "metadata", None)
    if isinstance(metadata, MetaData):
        return metadata
    raise UsageError(
        f"{spec} is a {type(obj).__name__}, not a SQLAlchemy MetaData or declarative base",
        "name the MetaData (e.g. app.models:metadata) or the declarative base (app.models:Base)",
    )


@contextmanager
def _importable(root: Path) -> Iterator[None]:
    """The repository root on sys.path while importing (as Alembic's env.py does); modules
    imported from it are forgotten afterwards, so another repository's models can load."""
    before = set(sys.modules)
    sys.path.insert(0, str(root))
    try:
        yield
    finally:
        sys.path.remove(str(root))
        for name in set(sys.modules) - before:
            module_file = getattr(sys.modules[name], "__file__", None) or ""
            if module_file.startswith(str(root)):
                del sys.modules[name]


def replayed_schema(
    repo: GitRepo,
    dialect: str,
    server_url: str | None,
    *,
    only: Collection[str] | None = None,
    scope: SchemaScope = ALL_SCHEMAS,
) -> Schema:
    """The schema the SQL steps in HEAD's tree produce, in plan (merge) order, each step's
    up.sql run into one scratch database; `only` limits it to those step ids (e.g. applied)."""
    for_dialect = normalize_dialect(dialect)
    with scratch_database(for_dialect, server_url) as url:
        for step in replay_steps(repo):
            if only is not None and step.id not in only:
                continue
            origin = f"{step.path}/up.sql"
            try:
                sql = step.files["up.sql"].decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise UsageError(f"{origin} is not UTF-8", "re-save the file as UTF-8") from exc
            load_sql(url, sql, origin=origin, reorder=False)  # steps run as written
        return reflect_url(
            url,
            repo=None,
            display=f"scratch {for_dialect} database",
            access="create",
            scope=scope,
        )


def replay_steps(repo: GitRepo) -> list[Step]:
    """Every step with an up.sql in HEAD's tree, migrations in merge order, steps by NNN."""
    migrations = load_migrations(repo, "HEAD")
    order = merge_order(repo)
    ranked = sorted(migrations.values(), key=lambda m: (order.get(m.name, len(order)), m.name))
    return [step for m in ranked for step in m.steps if "up.sql" in step.files]


def _check_references(schema: Schema, origin: str) -> None:
    """SQLite accepts a foreign key to a table that does not exist; a desired schema may not."""
    for table in schema.tables:
        for fk in table.foreign_keys:
            if fk.ref_schema is None and schema.table(fk.ref_table) is None:
                detail = f"table {table.name} references missing table {fk.ref_table}"
                raise SchemaLoadError(origin, None, detail)


def _dialect(dialect: str | None, repo: GitRepo | None) -> str:
    if dialect:
        return normalize_dialect(dialect)
    if repo is not None and is_initialised(repo):
        configured = load_config(repo).dialect
        if configured:
            return normalize_dialect(configured)
    return "sqlite"


def _resolve_path(spec: str, repo: GitRepo | None) -> Path:
    path = Path(spec)
    if not path.is_absolute() and not path.exists() and repo is not None:
        candidate = repo.root / path
        if candidate.exists():
            return candidate
    return path
