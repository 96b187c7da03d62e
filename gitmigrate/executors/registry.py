"""Kind -> executor, imported lazily (so `git migrate --help` imports no database library).
Third parties register through the entry-point group `gitmigrate.executors`."""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import cast

from gitmigrate.core.errors import UsageError
from gitmigrate.executors.base import Executor

BUILTIN: dict[str, str] = {
    "sql": "gitmigrate.executors.sql:SqlExecutor",
    "data": "gitmigrate.executors.data:DataExecutor",
}
ENTRY_POINT_GROUP = "gitmigrate.executors"


def available() -> dict[str, str]:
    found = dict(BUILTIN)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry.name, entry.value)
    return found


def get_executor(kind: str) -> Executor:
    spec = available().get(kind)
    if spec is None:
        raise UsageError(
            f"no executor for steps of kind {kind!r}",
            f"known kinds: {', '.join(sorted(available()))}; install the plug-in that provides it",
        )
    module_name, _, attr = spec.partition(":")
    factory = getattr(importlib.import_module(module_name), attr)
    return cast(Executor, factory())
