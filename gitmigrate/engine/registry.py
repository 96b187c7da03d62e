"""Kind name -> the kind's object, imported lazily (so `git migrate --help` imports no database
library). Third parties register through the entry-point group `gitmigrate.executors`:

    [project.entry-points."gitmigrate.executors"]
    counter = "my_package.counter:CounterKind"
"""

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


def _spec(kind: str) -> str | None:
    # built-ins first: reading the entry points scans every installed distribution
    return BUILTIN.get(kind) or available().get(kind)


def find_kind(kind: str) -> Kind | None:
    """The kind of that name, None when no installed kind has it."""
    spec = _spec(kind)
    if spec is None:
        return None
    module_name, _, attr = spec.partition(":")
    factory = getattr(importlib.import_module(module_name), attr)
    return cast(Kind, factory())


def get_kind(kind: str) -> Kind:
    found = find_kind(kind)
    if found is None:
        raise UsageError(
            f"no executor for steps of kind {kind!r}",
            f"known kinds: {', '.join(sorted(available()))}; install the plug-in that provides it",
        )
    return found
