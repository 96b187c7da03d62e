"""The pure parts of a drift report: schemas compared table by table (same and different
dialects), config keys (lists as one value, secrets without values, a secret both hold is not
drift), secret names held under a key or a key path, the config sync plan."""

from __future__ import annotations

from pathlib import Path

from gitmigrate.core.config import Environment
from gitmigrate.envs.drift_config import compare_configs, compare_secrets, held_names
from gitmigrate.envs.drift_model import TableDrift
from gitmigrate.envs.drift_schema import CROSS_DIALECT, compare_schemas
from gitmigrate.envs.health import redact as without_credentials
from gitmigrate.envs.sync import ConfigAction, plan_config
from gitmigrate.schema.model import Column, ForeignKey, Index, Schema, Table, View

USERS = Table("users", (Column("id", "INTEGER", False), Column("email", "VARCHAR(100)")))


def _users(*extra: Column, fks: tuple[ForeignKey, ...] = (), ix: tuple[Index, ...] = ()) -> Table:
    return Table("users", (*USERS.columns, *extra), None, ix, (), fks)


def test_schemas_table_by_table_same_dialect() -> None:
    a = Schema("postgresql", (_users(ix=(Index("ix_email", ("email",)),)), Table("orders", ())),
               views=(View("v", "SELECT 1"),))  # fmt: skip
    b = Schema("postgresql", (_users(Column("nick", "TEXT")), Table("audit", ())))

    section = compare_schemas(a, b, ("staging", "prod"))

    assert section.tables == (
        TableDrift("audit", "b"),
        TableDrift("orders", "a"),
        TableDrift("users", None, ("column nick only in prod", "index ix_email only in staging")),
    )
    assert section.other == ("view v only in staging",)
    assert section.lines(("staging", "prod"))[:2] == [
        "table audit only in prod", "table orders only in staging"
    ]  # fmt: skip


def test_a_changed_column_names_both_values() -> None:
    a = Schema("sqlite", (_users(),))
    b = Schema("sqlite", (Table("users", (USERS.columns[0], Column("email", "VARCHAR(200)"))),))
    (table,) = compare_schemas(a, b, ("a", "b")).tables
    assert table.changes == ("column email: type VARCHAR(100) != VARCHAR(200)",)


def test_different_dialects_compare_names_only() -> None:
    a = Schema("sqlite", (_users(),))
    b = Schema("postgresql", (Table("USERS", (Column("id", "BIGINT"), Column("Email", "TEXT"))),))
    section = compare_schemas(a, b, ("dev", "prod"))
    assert section.note == CROSS_DIALECT and not section.drifted
    c = Schema("postgresql", (Table("users", (Column("id", "BIGINT"),)),))
    (table,) = compare_schemas(a, c, ("dev", "prod")).tables
    assert table.changes == ("column email only in dev",)


def _env(name: str, *config: str, secrets: tuple[str, ...] = ()) -> Environment:
    return Environment(name, None, config, None, secrets)


def test_config_keys_lists_whole_and_secrets_hidden() -> None:
    a = {"hosts": ["x", "y"], "db": {"password": "ENC[a]"}, "token": "t1", "port": 1}
    b = {"hosts": ["x", "z", "w"], "db": {"password": "ENC[b]"}, "port": 1}
    secret = lambda path: path[-1] in ("password", "token")  # noqa: E731

    section = compare_configs(_env("a", "a.yaml"), _env("b", "b.yaml"), a, b, secret)

    assert [(k.key, k.what, k.a, k.b, k.secret) for k in section.keys] == [
        ("hosts", "changed", ["x", "y"], ["x", "z", "w"], False),
        ("token", "a", None, None, True),  # db.password differs on both sides: not drift
    ]


def test_secret_names_needed_and_held() -> None:
    assert {"PASSWORD", "DB_PASSWORD", "DB"} <= held_names({"db": {"password": "x"}})
    assert "EMPTY" not in held_names({"empty": ""})
    section = compare_secrets(
        _env("a", secrets=("DB_PASSWORD", "SENTRY_DSN")), _env("b", secrets=("DB_PASSWORD",)),
        {"db": {"password": "ENC[x]"}, "sentry_dsn": "ENC[y]"}, {},
    )  # fmt: skip
    assert [(n.name, n.a_needs, n.a_has, n.b_needs, n.b_has, n.drifted) for n in section.names] == [
        ("DB_PASSWORD", True, True, True, False, True),
        ("SENTRY_DSN", True, True, False, False, True),
    ]


def test_config_plan_sets_unsets_and_skips(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text("shared: 1\n")
    (tmp_path / "prod.yaml").write_text("log:\n  level: warn\nport: 2\n")
    source, target = _env("staging", "base.yaml", "s.yaml"), _env("prod", "base.yaml", "prod.yaml")
    a = {"port": 1, "api_token": "ENC[x]", "new": True}
    b = {"port": 2, "log": {"level": "warn"}, "shared": 1}
    section = compare_configs(source, target, a, b, lambda p: p[-1] == "api_token")

    plan = plan_config(section, source, target, tmp_path, a)

    assert plan.actions == (
        ConfigAction("set", "prod.yaml", "port", 1),
        ConfigAction("set", "prod.yaml", "new", True),
        ConfigAction("unset", "prod.yaml", "log"),  # not log.level: no empty table left
    )
    assert [line.split(":")[0] for line in plan.skipped] == ["api_token", "shared"]


def test_urls_are_shown_without_credentials_or_query() -> None:
    assert without_credentials("https://u:p@h.example:8443/healthz?token=s#x") == (
        "https://h.example:8443/healthz"
    )
