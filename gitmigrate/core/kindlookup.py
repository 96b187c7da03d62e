"""Kind name -> the object that implements it: the built-in table plus the entry-point group
`gitmigrate.executors`, imported lazily (so `git migrate --help` imports no database library).

The typed front is `engine/registry.py` (the Kind protocol belongs to the engine). Core uses
this module for two questions, without depending on the engine: the step reader (`catalog.py`)
lets each step's kind check the step's files (`StepCheck`), and the step note (`stepmeta.py`)
takes the kind's part from the kind (`StepNoter`).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Protocol, cast

from gitmigrate.core.model import Step

BUILTIN: dict[str, str] = {
    "sql": "gitmigrate.kinds.sql.kind:SqlKind",
    "data": "gitmigrate.kinds.data.kind:DataKind",
    "config": "gitmigrate.kinds.config.kind:ConfigKind",
    "code": "gitmigrate.kinds.code.kind:CodeKind",
    "api": "gitmigrate.kinds.api.kind:ApiKind",
    "env": "gitmigrate.kinds.env.kind:EnvKind",
    "platform": "gitmigrate.kinds.platform.kind:PlatformKind",
}
ENTRY_POINT_GROUP = "gitmigrate.executors"


@dataclass(frozen=True)
class Problem:
    """A step whose files are not well formed: what is wrong and how to repair it."""

    message: str
    hint: str


class StepCheck(Protocol):
    """The part of the Kind protocol (engine/kinds.py) that the step reader needs."""

    def check(self, step: Step) -> list[Problem]: ...


class RowCounts(Protocol):
    """Row counts per table, for notes written with table statistics at hand (`schema diff`
    from a live database); `schema.impact.TableRows` is the implementation."""

    @property
    def counts(self) -> dict[str, int]: ...

    @property
    def source(self) -> str: ...

    def rows(self, tables: tuple[str, ...]) -> int | None: ...


class StepNoter(Protocol):
    """The part of the Kind protocol that the step note needs."""

    def note(
        self, step: Step, dialect: str | None, table_rows: RowCounts | None = None
    ) -> dict[str, Any]: ...


def available() -> dict[str, str]:
    # imported here for speed (~15 ms): only plug-in kinds need it, `log` on SQL steps never
    from importlib.metadata import entry_points

    found = dict(BUILTIN)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry.name, entry.value)
    return found


_FOUND: dict[str, str] = {}  # plug-in kinds found so far: each scan reads every distribution


_LOADED: dict[str, object] = {}  # spec -> its one instance: kinds hold no state between calls


def load_kind(kind: str) -> object | None:
    """The kind of that name (an instance), None when no installed kind has it."""
    spec = BUILTIN.get(kind) or _FOUND.get(kind)
    if spec is None:
        spec = available().get(kind)
        if spec is not None:
            _FOUND[kind] = spec
    if spec is None:
        return None
    loaded = _LOADED.get(spec)
    if loaded is not None:
        return loaded
    module_name, _, attr = spec.partition(":")
    factory = getattr(importlib.import_module(module_name), attr)
    loaded = _LOADED[spec] = cast(object, factory())
    return loaded


def step_problems(step: Step) -> list[Problem]:
    """What the step's kind finds wrong with its files; nothing for a kind not installed here
    (a run that needs it says so)."""
    kind = load_kind(step.kind)
    return cast(StepCheck, kind).check(step) if kind is not None else []


def kind_note(
    step: Step, dialect: str | None, table_rows: RowCounts | None = None
) -> dict[str, Any]:
    """The kind's part of the step note (`impact`, `lint`, ...); nothing for a kind not
    installed here."""
    kind = load_kind(step.kind)
    return cast(StepNoter, kind).note(step, dialect, table_rows) if kind is not None else {}
