"""Schema shapes another check reports better than the subschema checks would: a "list of
types" (`type: string` becoming `oneOf: [{type: string}, {type: integer}]`, told by the
list-of-types check) and a body wrapped into a oneOf (told by the wrapped-in-one-of check).
oasdiff suppresses its oneOf/anyOf findings on these; so do we.
"""

from __future__ import annotations

from typing import Any

_UNORDERED = ("allOf", "anyOf", "oneOf")


def _type_of(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return [kind]
    return [str(k) for k in kind] if isinstance(kind, list) else []


def _simple_type(schema: Any) -> str | None:
    """The one type of a schema that is only a type (no properties, no subschema lists)."""
    if not isinstance(schema, dict):
        return None
    kinds = _type_of(schema)
    if len(kinds) != 1 or any(schema.get(k) for k in ("properties", *_UNORDERED)):
        return None
    return kinds[0]


def _type_pattern(schema: Any) -> tuple[list[str], bool] | None:
    """(types, is a list) of a single-type schema or of a oneOf/anyOf of single types."""
    if not isinstance(schema, dict):
        return None
    if schema.get("not") is not None or schema.get("allOf") or schema.get("properties"):
        return None
    kinds = _type_of(schema)
    if kinds:
        return [kinds[0]], False
    found: list[list[str]] = []
    for keyword in ("oneOf", "anyOf"):
        items = schema.get(keyword) or []
        types = [_simple_type(item) for item in items] if isinstance(items, list) else [None]
        if all(t is not None for t in types):
            found.append([t for t in types if t is not None])
    non_empty = [types for types in found if types]
    if non_empty:
        return non_empty[0], True
    return ([], True) if found else None


def _mixed(schema: Any) -> bool:
    """A oneOf/anyOf holding an entry that is more than a bare type."""
    if not isinstance(schema, dict):
        return False
    for keyword in ("oneOf", "anyOf"):
        items = schema.get(keyword)
        if isinstance(items, list) and any(_simple_type(item) is None for item in items):
            return True
    return False


def list_of_types_changed(base: Any, revision: Any) -> bool:
    """True when a "list of types" (a type, or oneOf/anyOf of bare types, at least one side a
    list) gained or lost a type: the list-of-types check reports that, not the subschema
    checks. Unlike oasdiff, a side whose list also holds an object is no list of types, so
    removing `{$ref: Cat}` from `anyOf: [Cat, {type: string}]` is still reported."""
    if _mixed(base) or _mixed(revision):
        return False  # an object alternative came or went: the subschema checks tell that
    a, b = _type_pattern(base), _type_pattern(revision)
    if a is None and b is None:
        return False
    if a is not None and b is not None and len(a[0]) == len(b[0]) and set(a[0]) == set(b[0]):
        return False
    if not ((a is not None and a[1]) or (b is not None and b[1])):
        return False
    return set(a[0] if a else []) != set(b[0] if b else [])


def wrapped_in_one_of(base: Any, revision: Any) -> bool:
    """True when an object schema became a oneOf of alternatives that hold its properties
    (the wrapped-in-one-of check reports that once, instead of one finding per subschema)."""
    if not isinstance(base, dict) or not isinstance(revision, dict):
        return False
    props = base.get("properties")
    if base.get("oneOf") or not isinstance(props, dict) or not props:
        return False
    alternatives = revision.get("oneOf")
    if not alternatives or revision.get("properties") or _type_of(revision):
        return False
    return any(
        isinstance(alt, dict)
        and isinstance(alt.get("properties"), dict)
        and name in alt["properties"]
        for name in props
        for alt in alternatives
    )
