"""A schema wrapped as `oneOf: [{type: "null"}, <the same schema>]` (or anyOf) only became
nullable. Compared keyword by keyword, the wrapper looks like a new type, lost enum values and
removed properties; oasdiff reports one nullability change instead, and so do we: the value
checks skip such a schema and the nullable checks report it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gitmigrate.openapi.schemadiff import SchemaDiff

_WRAPPER_KEYS = {"description", "title"}


def only_null(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null" and len(schema) == 1


def unwrapped(schema: Any) -> dict[str, Any] | None:
    """The schema inside a oneOf/anyOf of it and null, None when `schema` is not that shape."""
    if not isinstance(schema, dict):
        return None
    for key in ("oneOf", "anyOf"):
        items = schema.get(key)
        if not isinstance(items, list) or len(items) != 2 or set(schema) - _WRAPPER_KEYS != {key}:
            continue
        rest = [item for item in items if not only_null(item)]
        if len(rest) == 1 and isinstance(rest[0], dict):
            return rest[0]
    return None


def null_wrap(diff: SchemaDiff | None) -> str:
    """ "nullable" when the revision wraps the base unchanged, "not-nullable" for the reverse,
    "" otherwise (a wrap that also changes the schema is judged keyword by keyword)."""
    if diff is None or diff.base is None or diff.revision is None:
        return ""
    inner = unwrapped(diff.revision)
    if inner is not None and unwrapped(diff.base) is None:
        return "nullable" if diff.comparer.equal(diff.base, inner) else ""
    inner = unwrapped(diff.base)
    if inner is not None and unwrapped(diff.revision) is None:
        return "not-nullable" if diff.comparer.equal(inner, diff.revision) else ""
    return ""
