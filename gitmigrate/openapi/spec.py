"""A loaded spec: the document with its refs resolved in place, the OpenAPI version it was
written in, and the way back from any of its dicts to file:line:col for messages.

`load_spec` reads a file, or `REV:path` from git (so a diff against main needs no checkout);
load.py does the reading, parsing and resolving. Positions are found only when a message asks
for one (load_where.py), so a diff that reports nothing pays nothing for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitmigrate.openapi.load_where import Locator
from gitmigrate.openapi.refs import Resolved


@dataclass
class Spec:
    name: str
    doc: dict[str, Any]
    version: str  # "2.0" | "3.0" | "3.1": the version it was written in
    resolved: Resolved = field(default_factory=Resolved, repr=False)
    locators: dict[str, Locator] = field(default_factory=dict, repr=False)  # file key -> finder
    names: dict[str, str] = field(default_factory=dict, repr=False)  # file key -> name shown

    def ref_name(self, obj: Any) -> str | None:
        return self.resolved.ref_names.get(id(obj))

    def pointer(self, obj: Any) -> tuple[str, tuple[str | int, ...]] | None:
        return self.resolved.origins.get(id(obj))

    def where(self, obj: Any) -> str:
        """file:line:col of a dict of the document, "" when not known."""
        origin = self.pointer(obj)
        if origin is None:
            return ""
        file, at = origin
        shown = self.names.get(file, file)
        locator = self.locators.get(file)
        found = locator.find(obj, at) if locator is not None else None
        return f"{shown}:{found[0]}:{found[1]}" if found else shown


def load_spec(source: str, *, cwd: Path | None = None, allow_remote: bool = False) -> Spec:
    """A file path, or REV:path read from the git repository at `cwd` (see load.py)."""
    from gitmigrate.openapi.load import load_spec as load

    return load(source, cwd=cwd, allow_remote=allow_remote)
