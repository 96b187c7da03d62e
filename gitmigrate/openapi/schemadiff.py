"""The structural diff of two resolved schemas, computed lazily: a SchemaDiff exists only where
the two differ, and its children (properties, items, subschemas ...) are computed on first
access, so checks that look at one keyword never walk a whole spec.

The walks (`modified_properties`, `added_properties`, `deleted_properties`) visit nested
schemas the way oasdiff's checker does, with its property paths ("data/items", "/allOf[#/...]"),
so findings name properties as oasdiff users know them. A schema that refers back to itself is
visited once per walk branch (a pair already on the branch is not entered again).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from gitmigrate.openapi.compare import Comparer
from gitmigrate.openapi.subschemas import SubschemasDiff, prefix_items_diff, subschemas_diff

SINGLE = {  # attribute -> keyword, for the schema-valued keywords
    "items": "items",
    "additional_properties": "additionalProperties",
    "not_": "not",
    "if_": "if",
    "then": "then",
    "else_": "else",
    "contains": "contains",
    "property_names": "propertyNames",
    "unevaluated_items": "unevaluatedItems",
    "unevaluated_properties": "unevaluatedProperties",
    "content_schema": "contentSchema",
}


@dataclass
class PropertiesDiff:
    added: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    modified: dict[str, SchemaDiff] = field(default_factory=dict)


@dataclass
class MapDiff:
    added: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    modified: dict[str, SchemaDiff] = field(default_factory=dict)


def _schema(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


class SchemaDiff:
    """Two schemas that differ. `base` None: the schema was added; `revision` None: deleted
    (then nothing below it is compared, as oasdiff does)."""

    def __init__(
        self, base: dict[str, Any] | None, revision: dict[str, Any] | None, comparer: Comparer
    ) -> None:
        self.base = base
        self.revision = revision
        self.comparer = comparer

    empty = False

    @property
    def added(self) -> bool:
        return self.base is None

    @property
    def deleted(self) -> bool:
        return self.revision is None

    @property
    def both(self) -> bool:
        return self.base is not None and self.revision is not None

    def value(self, key: str) -> tuple[Any, Any] | None:
        """(base, revision) of a keyword when the two differ (a missing keyword is None)."""
        a = self.base.get(key) if self.base is not None else None
        b = self.revision.get(key) if self.revision is not None else None
        return None if self.comparer.equal(a, b) else (a, b)

    def _child(self, key: str) -> SchemaDiff | None:
        if not self.both:
            return None
        assert self.base is not None and self.revision is not None
        a, b = _schema(self.base.get(key)), _schema(self.revision.get(key))
        if a is None and b is None:
            return None
        return schema_diff(a, b, self.comparer)

    def _list(self, key: str) -> SubschemasDiff | None:
        if not self.both:
            return None
        assert self.base is not None and self.revision is not None
        a, b = self.base.get(key), self.revision.get(key)
        if not isinstance(a, list) and not isinstance(b, list):
            return None
        match = prefix_items_diff if key == "prefixItems" else subschemas_diff
        return match(
            a if isinstance(a, list) else None, b if isinstance(b, list) else None, self.comparer
        )

    def _map(self, key: str) -> MapDiff | None:
        if not self.both:
            return None
        assert self.base is not None and self.revision is not None
        a: dict[str, Any] = _schema(self.base.get(key)) or {}
        b: dict[str, Any] = _schema(self.revision.get(key)) or {}
        result = MapDiff([k for k in b if k not in a], [k for k in a if k not in b])
        for name in a:
            if name in b:
                changed = schema_diff(_schema(a[name]), _schema(b[name]), self.comparer)
                if changed is not None:
                    result.modified[name] = changed
        return result if (result.added or result.deleted or result.modified) else None

    @cached_property
    def properties(self) -> PropertiesDiff:
        found = self._map("properties")
        return (
            PropertiesDiff(found.added, found.deleted, found.modified)
            if found
            else PropertiesDiff()
        )

    @cached_property
    def items(self) -> SchemaDiff | None:
        return self._child("items")

    @cached_property
    def additional_properties(self) -> SchemaDiff | None:
        return self._child("additionalProperties")

    @cached_property
    def not_(self) -> SchemaDiff | None:
        return self._child("not")

    @cached_property
    def if_(self) -> SchemaDiff | None:
        return self._child("if")

    @cached_property
    def then(self) -> SchemaDiff | None:
        return self._child("then")

    @cached_property
    def else_(self) -> SchemaDiff | None:
        return self._child("else")

    @cached_property
    def contains(self) -> SchemaDiff | None:
        return self._child("contains")

    @cached_property
    def property_names(self) -> SchemaDiff | None:
        return self._child("propertyNames")

    @cached_property
    def unevaluated_items(self) -> SchemaDiff | None:
        return self._child("unevaluatedItems")

    @cached_property
    def unevaluated_properties(self) -> SchemaDiff | None:
        return self._child("unevaluatedProperties")

    @cached_property
    def content_schema(self) -> SchemaDiff | None:
        return self._child("contentSchema")

    @cached_property
    def all_of(self) -> SubschemasDiff | None:
        return self._list("allOf")

    @cached_property
    def any_of(self) -> SubschemasDiff | None:
        return self._list("anyOf")

    @cached_property
    def one_of(self) -> SubschemasDiff | None:
        return self._list("oneOf")

    @cached_property
    def prefix_items(self) -> SubschemasDiff | None:
        return self._list("prefixItems")

    @cached_property
    def pattern_properties(self) -> MapDiff | None:
        return self._map("patternProperties")

    @cached_property
    def dependent_schemas(self) -> MapDiff | None:
        return self._map("dependentSchemas")

    def pair(self) -> tuple[int, int]:
        return (id(self.base), id(self.revision))


def schema_diff(
    base: dict[str, Any] | None, revision: dict[str, Any] | None, comparer: Comparer | None = None
) -> SchemaDiff | None:
    """None when the two schemas are equal (or both absent)."""
    comparer = comparer or Comparer()
    if base is None and revision is None:
        return None
    if base is not None and revision is not None and comparer.equal(base, revision):
        return None
    return SchemaDiff(base, revision, comparer)


@dataclass(frozen=True)
class PropertyVisit:
    path: str
    name: str
    diff: SchemaDiff | None = None
    schema: dict[str, Any] | None = None
    parent: SchemaDiff | None = None

    @property
    def full_name(self) -> str:
        return f"{self.path}/{self.name}" if self.path else self.name


def _join(path: str, name: str) -> str:
    if not name:
        return path
    return f"{path}/{name}" if path else name


def _children(d: SchemaDiff, path: str) -> Iterator[tuple[str, str, SchemaDiff]]:
    """(path, name, diff) of every modified nested schema of `d`, in oasdiff's order."""
    for listed in ("all_of", "any_of", "one_of"):
        subs: SubschemasDiff | None = getattr(d, listed)
        keyword = {"all_of": "allOf", "any_of": "anyOf", "one_of": "oneOf"}[listed]
        for sub in subs.modified if subs else ():
            yield f"{path}/{keyword}[{sub.label}]", "", sub.diff
    if d.items is not None:
        yield f"{path}/items", "", d.items
    for name, child in d.properties.modified.items():
        yield path, name, child
    if d.additional_properties is not None:
        yield f"{path}/additionalProperties", "", d.additional_properties
    for sub in d.prefix_items.modified if d.prefix_items else ():
        yield f"{path}/prefixItems[{sub.label}]", "", sub.diff
    for attribute, keyword in (
        ("contains", "contains"), ("property_names", "propertyNames"),
        ("unevaluated_items", "unevaluatedItems"), ("unevaluated_properties", "unevaluatedProperties"),
        ("if_", "if"), ("then", "then"), ("else_", "else"), ("not_", "not"),
        ("content_schema", "contentSchema"),
    ):  # fmt: skip
        child = getattr(d, attribute)
        if child is not None:
            yield f"{path}/{keyword}", "", child
    for mapped, keyword in (("pattern_properties", "patternProperties"),
                            ("dependent_schemas", "dependentSchemas")):  # fmt: skip
        found: MapDiff | None = getattr(d, mapped)
        for key, child in sorted(found.modified.items()) if found else ():
            yield f"{path}/{keyword}[{key}]", "", child


def modified_properties(d: SchemaDiff | None) -> Iterator[PropertyVisit]:
    """Every modified nested schema below `d` (not `d` itself), with its parent's diff."""
    if d is None:
        return
    stack: set[tuple[int, int]] = {d.pair()}

    def walk(node: SchemaDiff, path: str) -> Iterator[PropertyVisit]:
        for child_path, name, child in _children(node, path):
            if child.pair() in stack:  # a schema that refers back to itself: not entered again
                continue
            yield PropertyVisit(child_path, name, diff=child, parent=node)
            stack.add(child.pair())
            yield from walk(child, _join(child_path, name))
            stack.discard(child.pair())

    yield from walk(d, "")


def added_properties(d: SchemaDiff | None) -> Iterator[PropertyVisit]:
    """Every property added in `d` or a modified schema below it (schema = the revision's)."""
    for node, path in _nodes(d):
        assert node.revision is not None
        props = node.revision.get("properties") or {}
        for name in node.properties.added:
            yield PropertyVisit(path, name, schema=_schema(props.get(name)), parent=node)


def deleted_properties(d: SchemaDiff | None) -> Iterator[PropertyVisit]:
    """Every property deleted in `d` or a modified schema below it (schema = the base's)."""
    for node, path in _nodes(d):
        assert node.base is not None
        props = node.base.get("properties") or {}
        for name in node.properties.deleted:
            yield PropertyVisit(path, name, schema=_schema(props.get(name)), parent=node)


def _nodes(d: SchemaDiff | None) -> Iterator[tuple[SchemaDiff, str]]:
    """`d` and every modified schema below it present on both sides, with its own path."""
    if d is None or not d.both:
        return
    yield d, ""
    for visit in modified_properties(d):
        assert visit.diff is not None
        if visit.diff.both:
            yield visit.diff, visit.full_name if visit.name else visit.path
