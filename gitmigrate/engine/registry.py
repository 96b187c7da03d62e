"""Kind name -> the kind's object, typed as the Kind protocol. The lookup itself (the built-in
table `BUILTIN` and the entry-point group `gitmigrate.executors`) is `core/kindlookup.py`, so
that the step reader in core can ask a kind to check its steps. Third parties register with

    [project.entry-points."gitmigrate.executors"]
    counter = "my_package.counter:CounterKind"
"""

from __future__ import annotations

from typing import cast

from gitmigrate.core.kindlookup import BUILTIN, ENTRY_POINT_GROUP, available, load_kind
from gitmigrate.engine.kinds import Kind
from gitmigrate.errors import UsageError

__all__ = ["BUILTIN", "ENTRY_POINT_GROUP", "available", "find_kind", "get_kind"]


def find_kind(kind: str) -> Kind | None:
    """The kind of that name, None when no installed kind has it."""
    return cast(Kind | None, load_kind(kind))


def get_kind(kind: str) -> Kind:
    found = find_kind(kind)
    if found is None:
        raise UsageError(
            f"no executor for steps of kind {kind!r}",
            f"known kinds: {', '.join(sorted(available()))}; install the plug-in that provides it",
        )
    return found
