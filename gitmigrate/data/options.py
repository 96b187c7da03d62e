"""A data step's `[options]` as a typed value, checked once for both authoring and applying."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gitmigrate.errors import CorruptMetadataError, UsageError

MODES = ("set", "transform", "copy", "subset")
DEFAULT_BATCH = 10_000


@dataclass(frozen=True)
class DataOptions:
    mode: str
    table: str | None = None
    key: tuple[str, ...] = ()
    assignments: tuple[tuple[str, str], ...] = ()  # mode set: (column, SQL expression)
    where: str | None = None
    batch_size: int = DEFAULT_BATCH
    backup: bool = True
    max_rows_per_second: float = 0.0
    sleep_between_batches: float = 0.0
    transform: str | None = None  # mode transform: "file.py:function" inside the step dir
    columns: tuple[str, ...] = ()
    source: str | None = None  # mode copy
    tables: tuple[str, ...] = ()
    all_tables: bool = False
    mapping: Mapping[str, str] | None = None
    keys: Mapping[str, tuple[str, ...]] | None = None  # mode copy: table -> chunk key columns
    cleanup_source: bool = False
    pre_checks: str | None = None
    post_checks: str | None = None
    # mode subset (data/subset/): root queries, sampling, children to follow, schemas, masking
    roots: tuple[str, ...] = ()
    percent: float | None = None
    follow: tuple[str, ...] = ()
    schemas: tuple[str, ...] = ()
    mask: str | None = None  # a rules file inside the step directory
    mask_key_env: str | None = None  # the NAME of the variable holding the masking key
    schema_map: Mapping[str, str] | None = None  # source schema -> target schema/database

    def to_toml(self) -> dict[str, Any]:
        """The `[options]` table, without defaults, in a stable order."""
        out: dict[str, Any] = {"mode": self.mode}
        pairs: list[tuple[str, Any, Any]] = [
            ("table", self.table, None), ("key", list(self.key), []),
            ("set", [f"{c} = {e}" for c, e in self.assignments], []),
            ("where", self.where, None), ("batch_size", self.batch_size, None),
            ("backup", self.backup, True),
            ("max_rows_per_second", self.max_rows_per_second, 0.0),
            ("sleep_between_batches", self.sleep_between_batches, 0.0),
            ("transform", self.transform, None), ("columns", list(self.columns), []),
            ("source", self.source, None), ("tables", list(self.tables), []),
            ("all", self.all_tables, False), ("map", dict(self.mapping or {}), {}),
            ("keys", {t: list(k) for t, k in (self.keys or {}).items()}, {}),
            ("cleanup_source", self.cleanup_source, False),
            ("pre_checks", self.pre_checks, None), ("post_checks", self.post_checks, None),
            ("roots", list(self.roots), []), ("percent", self.percent, None),
            ("follow", list(self.follow), []), ("schemas", list(self.schemas), []),
            ("mask", self.mask, None), ("mask_key_env", self.mask_key_env, None),
            ("schema_map", dict(self.schema_map or {}), {}),
        ]  # fmt: skip
        for name, value, default in pairs:
            if value != default:
                out[name] = value
        return out


def split_assignment(item: str) -> tuple[str, str]:
    """`col = expr` -> (col, expr); `=` inside the expression (e.g. `a = b = c`?) stays there."""
    column, sep, expression = item.partition("=")
    column = column.strip().strip('"`[]')
    if not sep or not column or not expression.strip() or expression.lstrip().startswith("="):
        raise UsageError(
            f"--set {item!r} is not COLUMN = EXPRESSION",
            'write e.g. --set "email = lower(email)"',
        )
    return column, expression.strip()


def options_of(step_id: str, raw: Mapping[str, Any]) -> DataOptions:
    """Parse a step's stored options; a hand-edited step.toml gets a precise error."""

    def bad(detail: str) -> CorruptMetadataError:
        return CorruptMetadataError(
            f"step {step_id}: step.toml [options] {detail}",
            "fix the step file, or add the step again with `git migrate data add`",
        )

    mode = raw.get("mode")
    if mode not in MODES:
        raise bad(f"mode = {mode!r} is not one of {', '.join(MODES)}")
    try:
        assignments = tuple(split_assignment(str(s)) for s in raw.get("set", []))
        options = DataOptions(
            mode=str(mode),
            table=raw.get("table"),
            key=tuple(str(k) for k in raw.get("key", [])),
            assignments=assignments,
            where=raw.get("where"),
            batch_size=int(raw.get("batch_size", DEFAULT_BATCH)),
            backup=bool(raw.get("backup", True)),
            max_rows_per_second=float(raw.get("max_rows_per_second", 0)),
            sleep_between_batches=float(raw.get("sleep_between_batches", 0)),
            transform=raw.get("transform"),
            columns=tuple(str(c) for c in raw.get("columns", [])),
            source=raw.get("source"),
            tables=tuple(str(t) for t in raw.get("tables", [])),
            all_tables=bool(raw.get("all", False)),
            mapping=dict(raw.get("map", {})) or None,
            keys={str(t): tuple(str(c) for c in k) for t, k in dict(raw.get("keys", {})).items()}
            or None,
            cleanup_source=bool(raw.get("cleanup_source", False)),
            pre_checks=raw.get("pre_checks"),
            post_checks=raw.get("post_checks"),
            roots=tuple(str(r) for r in raw.get("roots", [])),
            percent=None if raw.get("percent") is None else float(raw["percent"]),
            follow=tuple(str(t) for t in raw.get("follow", [])),
            schemas=tuple(str(s) for s in raw.get("schemas", [])),
            mask=raw.get("mask"),
            mask_key_env=raw.get("mask_key_env"),
            schema_map={str(k): str(v) for k, v in dict(raw.get("schema_map", {})).items()} or None,
        )
    except (TypeError, ValueError, UsageError) as exc:
        raise bad(str(exc)) from exc
    if options.batch_size < 1:
        raise bad("batch_size must be 1 or more")
    if options.mode in ("set", "transform") and not options.table:
        raise bad("needs table")
    if options.mode == "set" and not options.assignments:
        raise bad("mode set needs at least one set item")
    if options.mode == "transform" and not options.transform:
        raise bad("mode transform needs transform = 'file.py:function'")
    if options.mode in ("copy", "subset") and not options.source:
        raise bad(f"mode {options.mode} needs source")
    if options.mode == "subset" and not options.roots and options.percent is None:
        raise bad("mode subset needs roots = [...] or percent")
    if options.percent is not None and not 0 < options.percent <= 100:
        raise bad("percent must be more than 0 and at most 100")
    return options
