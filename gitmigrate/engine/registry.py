"""Kind -> executor, imported lazily (so `git migrate --help` imports no database library).
Third parties register through the entry-point group `gitmigrate.executors`."""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import cast

from gitmigrate.engine.kinds import Kind
from gitmigrate.errors import UsageError

BUILTIN: dict[str, str] = {
    "sql": "gitmigrate.kinds.sql.kind:SqlKind",
    "data": "gitmigrate.kinds.data.kind:DataKind",
}
ENTRY_POINT_GROUP = "gitmigrate.executors"


def available() -> dict[str, str]:
    found = dict(BUILTIN)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry.name, entry.value)
    return found


def get_kind(kind: str) -> Kind:
    spec = available().get(kind)
    if spec is None:
        raise UsageError(
            f"no executor for steps of kind {kind!r}",
            f"known kinds: {', '.join(sorted(available()))}; install the plug-in that provides it",
        )
    module_name, _, attr = spec.partition(":")
    factory = getattr(importlib.import_module(module_name), attr)
    return cast(Kind, factory())
