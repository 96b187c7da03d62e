"""Matching two lists of subschemas: which stayed, which changed, which came and went.

allOf, anyOf and oneOf are unordered, so their entries are paired the way oasdiff pairs them,
which keeps our ids and counts equal to oasdiff's on the same specs:

1. entries written as a `$ref` pair with the entry of the other side naming the same `$ref`
   (changed when the two differ); a `$ref` with no partner is added or deleted;
2. an inline entry equal to an inline entry of the other side is unchanged;
3. the inline entries left pair by equal non-empty `title`;
4. one untitled inline entry left on each side is one changed entry;
5. a deleted and an added entry, one a `$ref` and the other inline, that accept the same values
   (annotations aside) are a refactor, not a change: both are dropped (oasdiff #937/#938, the
   codegen habit of moving an inline enum into a named component).

prefixItems is positional (entry i validates array element i), so it pairs by index: swapping
two entries is a change at both positions, not no change (oasdiff #1180).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.equivalence import validation_equivalent

if TYPE_CHECKING:
    from gitmigrate.openapi.compare import Comparer
    from gitmigrate.openapi.schemadiff import SchemaDiff

_COMPONENT = "#/components/schemas/"


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


def _title(schema: Any) -> str:
    title = schema.get("title") if isinstance(schema, dict) else None
    return title if isinstance(title, str) else ""


def label(ref: str | None, schema: Any, index: int, *, titled: bool = True) -> str:
    """How oasdiff names an entry: its title, else its component, else its 1-based position."""
    title = _title(schema) if titled else ""
    if title:
        return f"subschema #{index + 1}: {title}"
    if ref:
        return ref if ref.startswith("#") else f"{_COMPONENT}{ref.rsplit('/', 1)[-1]}"
    return f"subschema #{index + 1}"


def labels(entries: list[Subschema]) -> str:
    """The entries' labels as one comma-separated string."""
    return ", ".join(entry.label for entry in entries)


class _Sides:
    """The two lists with their `$ref` names, and the diffs computed while matching them."""

    def __init__(self, base: list[Any], revision: list[Any], comparer: Comparer) -> None:
        self.base, self.revision, self.comparer = base, revision, comparer
        self.base_refs = [comparer.base_name(item) for item in base]
        self.revision_refs = [comparer.revision_name(item) for item in revision]

    def modified(self, i: int, j: int, result: SubschemasDiff) -> None:
        from gitmigrate.openapi.schemadiff import schema_diff

        a, b = self.base[i], self.revision[j]
        changed = schema_diff(_dict(a), _dict(b), self.comparer)
        if changed is None:
            return
        before = label(self.base_refs[i], a, i)
        after = label(self.revision_refs[j], b, j)
        name = before if before == after else f"{before} -> {after}"
        result.modified.append(ModifiedSubschema(name, changed, i, j))


def _dict(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _by_ref(sides: _Sides, result: SubschemasDiff) -> None:
    waiting: dict[str, list[int]] = {}
    for j, ref in enumerate(sides.revision_refs):
        if ref:
            waiting.setdefault(ref, []).append(j)
    for i, ref in enumerate(sides.base_refs):
        if not ref:
            continue
        if waiting.get(ref):
            sides.modified(i, waiting[ref].pop(0), result)
        else:
            result.deleted.append(Subschema(label(ref, None, i), sides.base[i], i))
    present: dict[str, int] = {}
    for ref in sides.base_refs:
        if ref:
            present[ref] = present.get(ref, 0) + 1
    for j, ref in enumerate(sides.revision_refs):
        if not ref:
            continue
        if present.get(ref):
            present[ref] -= 1
        else:
            result.added.append(Subschema(label(ref, None, j), sides.revision[j], j))


def _unmatched(
    items: list[Any],
    refs: list[str | None],
    others: list[Any],
    other_refs: list[str | None],
    comparer: Comparer,
) -> list[int]:
    """Indexes of the inline entries of `items` with no equal inline entry among `others`
    (each entry of `others` matches once)."""
    used: set[int] = set()
    left: list[int] = []
    for i, item in enumerate(items):
        if refs[i]:
            continue
        for j, other in enumerate(others):
            if j not in used and not other_refs[j] and comparer.equal(item, other):
                used.add(j)
                break
        else:
            left.append(i)
    return left


def _inline(sides: _Sides, result: SubschemasDiff) -> None:
    comparer = sides.comparer
    added = _unmatched(sides.revision, sides.revision_refs, sides.base, sides.base_refs, comparer)
    deleted = _unmatched(sides.base, sides.base_refs, sides.revision, sides.revision_refs, comparer)
    titles: set[str] = set()
    paired_added: set[int] = set()
    paired_deleted: set[int] = set()
    for j in added:
        title = _title(sides.revision[j])
        if not title or title in titles:
            continue
        for i in deleted:
            if i not in paired_deleted and _title(sides.base[i]) == title:
                sides.modified(i, j, result)
                paired_added.add(j)
                paired_deleted.add(i)
                titles.add(title)
                break
    added = [j for j in added if j not in paired_added]
    deleted = [i for i in deleted if i not in paired_deleted]
    if (
        len(added) == 1
        and len(deleted) == 1
        and not _title(sides.revision[added[0]])
        and not _title(sides.base[deleted[0]])
    ):
        sides.modified(deleted[0], added[0], result)
        added, deleted = [], []
    result.added += [
        Subschema(label(None, sides.revision[j], j), sides.revision[j], j) for j in added
    ]
    result.deleted += [Subschema(label(None, sides.base[i], i), sides.base[i], i) for i in deleted]


def subschemas_diff(
    base: list[Any] | None, revision: list[Any] | None, comparer: Comparer
) -> SubschemasDiff | None:
    """allOf / anyOf / oneOf: None when every entry found its equal on the other side."""
    if not base and not revision:
        return None
    sides = _Sides(list(base or []), list(revision or []), comparer)
    result = SubschemasDiff()
    _by_ref(sides, result)
    _inline(sides, result)
    _refactors(sides, result)
    return None if result.empty else result


def _refactors(sides: _Sides, result: SubschemasDiff) -> None:
    """Drop each deleted entry with an added partner across the `$ref`/inline line that
    accepts the same values (each entry pairs once)."""
    added = list(result.added)
    for gone in list(result.deleted):
        gone_ref = bool(sides.base_refs[gone.index])
        for new in added:
            if bool(sides.revision_refs[new.index]) != gone_ref and validation_equivalent(
                gone.schema, new.schema
            ):
                added.remove(new)
                result.deleted.remove(gone)
                break
    result.added = added


def prefix_items_diff(
    base: list[Any] | None, revision: list[Any] | None, comparer: Comparer
) -> SubschemasDiff | None:
    """prefixItems, paired by position: None when every position holds an equal schema."""
    if not base and not revision:
        return None
    sides = _Sides(list(base or []), list(revision or []), comparer)
    result = SubschemasDiff()
    shorter = min(len(sides.base), len(sides.revision))
    for i in range(shorter):
        sides.modified(i, i, result)
    result.deleted = [
        Subschema(label(sides.base_refs[i], sides.base[i], i), sides.base[i], i)
        for i in range(shorter, len(sides.base))
    ]
    result.added = [
        Subschema(label(sides.revision_refs[j], sides.revision[j], j), sides.revision[j], j)
        for j in range(shorter, len(sides.revision))
    ]
    return None if result.empty else result
