"""The acceptance runs of issue 16's subset: a real git project whose `.gitmigrate.toml` names a
source and a target database, `gitmigrate.api.env_subset` run in it, and every oracle of
tests/subset_oracles.py held against the result.

Used by tests/integration/test_subset_acceptance_*.py and tests/reliability/test_subset_kill_*.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from gitmigrate.data.subset.model import QName
from gitmigrate.schema.render import quote
from tests import subset_oracles as o
from tests.fixtures_git import git, make_repo

MASK_KEY_VAR = "GM_SUBSET_ACCEPT_KEY"
MIGRATION = "subset"


def dialect_of(url: str) -> str:
    name = make_url(url).get_backend_name()
    return "mysql" if name in ("mysql", "mariadb") else name


def make_project(path: Path, source_url: str, target_url: str) -> Path:
    """A project on branch migrate/subset whose targets `source` and `copy` are the two
    databases, and whose environment `copy` names the masking key's variable."""
    make_repo(path)
    with (path / ".gitmigrate.toml").open("a") as config:
        config.write(
            f'\n[targets.source]\nurl = "{source_url}"\n'
            f'\n[targets.copy]\nurl = "{target_url}"\n'
            f'\n[environments.copy]\ntarget = "copy"\nmask_key = "{MASK_KEY_VAR}"\n'
        )
    git(path, "add", ".gitmigrate.toml")
    git(path, "commit", "-q", "-m", "targets")
    from gitmigrate import api

    api.start(path, MIGRATION)
    return path


def run_subset(repo: Path, *, mask: Path | None = None, **options: Any) -> Any:
    """`api.env_subset` from `source` to the environment `copy`, written and applied."""
    from gitmigrate import api

    return api.env_subset(repo, source="source", target="copy", mask=mask, yes=True, **options)


def _qname(value: Any) -> QName:
    """A table as the plan spells it: a label (`schema.name` or `name`) or [schema, name]."""
    if isinstance(value, list):
        return QName.from_json(value)
    schema, _, name = str(value).rpartition(".")
    return QName(schema or None, name)


def _plan(result: Any) -> dict[str, Any]:
    doc = result.to_json()
    return dict(doc.get("plan") or doc)


def planned_rows(result: Any) -> dict[QName, int]:
    """{source table: rows} of the plan the subset recorded (its result's JSON)."""
    return {_qname(t["source"]): int(t["rows"]) for t in _plan(result)["tables"]}


def target_names(result: Any) -> dict[QName, QName]:
    """{source table: target table}, as the plan records them."""
    return {_qname(t["source"]): _qname(t["target"]) for t in _plan(result)["tables"]}


def broken_edges(result: Any) -> list[str]:
    """The plan's broken edges (loaded NULL, fixed up), as labels `child(cols) -> parent(cols)`."""
    return [e if isinstance(e, str) else str(e) for e in _plan(result).get("broken", [])]


@contextmanager
def connect(url: str) -> Iterator[Connection]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


@dataclass
class Masked:
    """What a masking rules file changes, for the oracles: per source table, its masked
    columns and the unmasked columns that identify a row in both databases (() = none)."""

    columns: dict[QName, tuple[Sequence[str], Sequence[str]]] = field(default_factory=dict)
    emails: list[tuple[QName, str]] = field(default_factory=list)
    phones: list[tuple[QName, str]] = field(default_factory=list)
    unique: list[tuple[QName, Sequence[str]]] = field(default_factory=list)
    # joins through masked keys: (child, columns, parent, ref columns, child's unmasked key)
    joins: list[tuple[QName, Sequence[str], QName, Sequence[str], Sequence[str]]] = field(
        default_factory=list
    )


def check_subset(
    source: Connection,
    target: Connection,
    *,
    expected: Mapping[QName, int],
    plan: Mapping[QName, int],
    names: Mapping[QName, QName],
    target_schemas: Sequence[str | None],
    masked: Masked,
) -> None:
    """Every measured goal: the plan is the reference closure, the target holds exactly it with
    its foreign keys declared, enforced and unviolated, and the masks hide and keep what they
    must."""
    assert {t: n for t, n in plan.items() if n} == {t: n for t, n in expected.items() if n}
    assert o.fk_violations(target, target_schemas) == []
    kept = {t for t, n in plan.items() if n}
    pairs = {
        (names[fk.child].name, names[fk.parent].name)
        for fk in o.foreign_keys(source, sorted({t.schema for t in kept}, key=str))
        if fk.child in kept and fk.parent in kept
    }
    assert pairs, "the subset should hold at least one foreign key"
    assert o.constraint_problems(target, target_schemas, pairs) == []
    counts = {names[t]: n for t, n in plan.items() if t in names}
    assert o.count_mismatches(target, counts, schemas=target_schemas) == {}
    for table, (columns, match) in masked.columns.items():
        if plan.get(table):
            assert o.unchanged_rows(source, table, target, names[table], columns, match) == 0, table
    tgt = [(names[t], c) for t, c in masked.emails if plan.get(t)]
    assert o.leaked_values(source, masked.emails, target, tgt) == []
    tgt = [(names[t], c) for t, c in masked.phones if plan.get(t)]
    assert o.leaked_values(source, masked.phones, target, tgt, o.phone_form) == []
    for table, columns in masked.unique:
        assert o.duplicate_groups(target, names[table], columns) == 0, (table, columns)
    for child, cols, parent, refs, match in masked.joins:
        src, tgt_count = o.join_counts(
            source, target, (child, parent), (names[child], names[parent]), cols, refs, match
        )
        assert src == tgt_count and src > 0, (child.label, parent.label, src, tgt_count)


def drop_mysql_databases(url: str, prefix: str) -> None:
    """Drop the MariaDB databases a test made (a subset maps each schema to one), by the unique
    prefix of the test's fresh database."""
    if dialect_of(url) != "mysql":
        return
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            names = conn.execute(
                text(
                    "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE :p"
                ),
                {"p": prefix.replace("_", "\\_") + "%"},
            ).scalars()
            for name in list(names):
                if name != make_url(url).database:
                    conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 0")
                    conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {quote(name, 'mysql')}")
    finally:
        engine.dispose()


def note_json(repo: Path) -> dict[str, Any]:
    """The step note of the migration's last step (refs/notes/migrate)."""
    return dict(json.loads(git(repo, "notes", "--ref=migrate", "show", "HEAD")))


def check_note(repo: Path, plan: Mapping[QName, int], rules: Sequence[str]) -> None:
    """The step's note records the plan: its tables with their row counts, and the masking
    rules by name ("table.column: method", as written in the rules file)."""
    subset = note_json(repo)["impact"]["subset"]
    assert {_qname(t["source"]): int(t["rows"]) for t in subset["tables"]} == dict(plan)
    named = " | ".join(subset["masking"])
    missing = [rule for rule in rules if rule not in named]
    assert not missing, (missing, named)
