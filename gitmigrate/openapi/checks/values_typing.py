"""How a type or format change is judged, the same way for request bodies, response bodies and
response headers. A request accepts: widening is safe, narrowing breaks. A response returns:
the mirror. In a loosely typed place (XML, form, a header's text) anything may become a string,
so a swap that would break JSON is only "compatible" there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gitmigrate.openapi.checks.values_common import types


def strongly_typed(media_type: str) -> bool:
    """JSON tells 1 from "1"; text formats do not."""
    return media_type == "application/json" or media_type.endswith("+json")


@dataclass(frozen=True)
class TypeChange:
    base_types: list[str]
    revision_types: list[str]
    added: list[str]
    deleted: list[str]
    base_format: str
    revision_format: str

    @property
    def types_changed(self) -> bool:
        return bool(self.added or self.deleted)

    @property
    def format_changed(self) -> bool:
        return self.base_format != self.revision_format

    @property
    def text(self) -> str:
        return f"from {_shown(self.base_types, self.base_format)} to " + _shown(
            self.revision_types, self.revision_format
        )


def _shown(kinds: list[str], fmt: str) -> str:
    name = "/".join(kinds) or "any type"
    return f"{name} ({fmt})" if fmt else name


def _raw_types(schema: dict[str, Any]) -> list[str]:
    value = schema.get("type")
    listed = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [str(t) for t in listed]


def type_change(base: dict[str, Any], revision: dict[str, Any]) -> TypeChange | None:
    """The change of type or format, None when neither changed or only "null" came or went
    (that is nullability, reported by the nullable checks)."""
    a, b = _raw_types(base), _raw_types(revision)
    added = [t for t in b if t not in a]
    deleted = [t for t in a if t not in b]
    fa, fb = str(base.get("format") or ""), str(revision.get("format") or "")
    if fa == fb and set(added + deleted) <= {"null"}:
        return None
    return TypeChange(
        types(base), types(revision),
        [t for t in added if t != "null"], [t for t in deleted if t != "null"], fa, fb,
    )  # fmt: skip


def _subtype(sub: str, sup: str) -> bool:
    return sub == sup or (sub == "integer" and sup == "number")


def _subset(sub: list[str], sup: list[str]) -> bool:
    return bool(sub) and all(any(_subtype(t, s) for s in sup) for t in sub)


def _type_contained(to: list[str], frm: list[str], strong: bool) -> bool:
    if len(to) == 1 and len(frm) == 1 and _subtype(frm[0], to[0]):
        return True
    if not strong:
        return not to or to == ["string"]
    return False


def _format_contained(kinds: list[str], to: str, frm: str) -> bool:
    if to == "":
        return True
    if len(kinds) != 1:
        return False
    wider = {
        "number": {("double", "float")},
        "integer": {("int64", "int32"), ("bigint", "int32"), ("bigint", "int64")},
        "string": {("date-time", "date"), ("date-time", "time")},
    }
    return (to, frm) in wider.get(kinds[0], set())


def _breaking(
    added: list[str] | None, deleted: list[str], to: str, frm: str, strong: bool, kinds: list[str],
    format_changed: bool,
) -> bool:  # fmt: skip
    """Toward `kinds` (the accepting side's types): does the change reject old values?"""
    if added is not None and not kinds:
        return False
    type_breaking = added is not None and not _type_contained(added, deleted, strong)
    format_breaking = format_changed and not _format_contained(kinds, to, frm)
    return type_breaking or format_breaking


def _widened(c: TypeChange) -> bool:
    return c.types_changed and _subset(c.base_types, c.revision_types)


def _narrowed(c: TypeChange) -> bool:
    return c.types_changed and _subset(c.revision_types, c.base_types)


def _concrete(c: TypeChange) -> bool:
    return bool(c.base_types) and bool(c.revision_types)


def request_verdict(c: TypeChange, strong: bool) -> str:
    """ "changed" (breaking), "compatible" (a swap safe only when loosely typed) or
    "generalized" (a real widening, or a safe format change)."""
    typed = c.types_changed and not _widened(c)
    if _breaking(
        c.added if typed else None, c.deleted, c.revision_format, c.base_format, strong,
        c.revision_types, c.format_changed,
    ):  # fmt: skip
        return "changed"
    if c.types_changed and _concrete(c) and not _widened(c):
        return "compatible"
    return "generalized"


def response_verdict(c: TypeChange, strong: bool) -> str:
    """ "changed", "generalized" (returns more types: breaking), "compatible" or "specialized"."""
    typed = c.types_changed and not _narrowed(c)
    if _breaking(
        c.deleted if typed else None, c.added, c.base_format, c.revision_format, strong,
        c.base_types, c.format_changed,
    ):  # fmt: skip
        return "generalized" if _widened(c) else "changed"
    if c.types_changed and _concrete(c) and not _narrowed(c):
        return "compatible"
    return "specialized"


def _simple_type(schema: Any) -> str:
    """The one type of a schema that is nothing but a type, "" otherwise."""
    if not isinstance(schema, dict):
        return ""
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if not isinstance(kinds, list) or len(kinds) != 1:
        return ""
    if any(schema.get(k) for k in ("properties", "oneOf", "anyOf", "allOf")):
        return ""
    return str(kinds[0])


def _pattern(schema: dict[str, Any]) -> tuple[list[str], bool] | None:
    """(types, from a oneOf/anyOf list) of oasdiff's "list of types" shape, None when not it."""
    if schema.get("not") is not None or schema.get("allOf") or schema.get("properties"):
        return None
    kinds = _raw_types(schema)
    if kinds:
        return ([kinds[0]], False)
    for keyword in ("oneOf", "anyOf"):
        listed = schema.get(keyword)
        if isinstance(listed, list) and listed:
            found = [_simple_type(item) for item in listed]
            if all(found):
                return (found, True)
    return None


def list_of_types_change(
    base: dict[str, Any], revision: dict[str, Any]
) -> tuple[list[str], list[str]] | None:
    """(added, deleted) types when a oneOf/anyOf of plain types is involved on either side."""
    a, b = _pattern(base), _pattern(revision)
    if a is None or b is None or not (a[1] or b[1]) or set(a[0]) == set(b[0]):
        return None
    added = sorted(set(b[0]) - set(a[0]))
    deleted = sorted(set(a[0]) - set(b[0]))
    return (added, deleted) if (added or deleted) else None
