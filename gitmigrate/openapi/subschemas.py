"""Matching two lists of subschemas (allOf, anyOf, oneOf, prefixItems): which stayed, which
changed, which came and went. Equal subschemas match first, then subschemas named by the same
$ref; of what remains, a single subschema on each side is one modified subschema."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gitmigrate.openapi.compare import Comparer
    from gitmigrate.openapi.schemadiff import SchemaDiff


@dataclass(frozen=True)
class Subschema:
    label: str
    schema: Any
    index: int


@dataclass(frozen=True)
class ModifiedSubschema:
    label: str
    diff: SchemaDiff
    base_index: int
    revision_index: int


@dataclass
class SubschemasDiff:
    added: list[Subschema] = field(default_factory=list)
    deleted: list[Subschema] = field(default_factory=list)
    modified: list[ModifiedSubschema] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.deleted or self.modified)


def label(name: str | None, schema: Any, index: int) -> str:
    if name:
        return name
    title = schema.get("title") if isinstance(schema, dict) else None
    return f"subschema #{index + 1}: {title}" if title else f"subschema #{index + 1}"


def subschemas_diff(
    base: list[Any] | None, revision: list[Any] | None, comparer: Comparer
) -> SubschemasDiff | None:
    from gitmigrate.openapi.schemadiff import schema_diff

    old = list(enumerate(base or []))
    new = list(enumerate(revision or []))
    for i, a in list(old):
        for pair in new:
            if comparer.equal(a, pair[1]):
                old.remove((i, a))
                new.remove(pair)
                break
    result = SubschemasDiff()
    for i, a in list(old):
        name = comparer.base_name(a)
        if not name:
            continue
        for pair in new:
            if comparer.revision_name(pair[1]) == name:
                changed = schema_diff(a, pair[1], comparer)
                if changed is not None:
                    result.modified.append(ModifiedSubschema(name, changed, i, pair[0]))
                old.remove((i, a))
                new.remove(pair)
                break
    if len(old) == 1 and len(new) == 1:
        (i, a), (j, b) = old[0], new[0]
        changed = schema_diff(a, b, comparer)
        if changed is not None:
            name = comparer.revision_name(b) or comparer.base_name(a)
            result.modified.append(ModifiedSubschema(label(name, b, j), changed, i, j))
        old, new = [], []
    result.deleted = [Subschema(label(comparer.base_name(a), a, i), a, i) for i, a in old]
    result.added = [Subschema(label(comparer.revision_name(b), b, j), b, j) for j, b in new]
    return None if result.empty else result
