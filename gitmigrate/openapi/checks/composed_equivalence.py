"""When two schemas that differ in writing accept the same values, or when a subschema change is
better told by another check. oasdiff uses these to keep composed-schema findings from crying
wolf: an allOf entry holding only a title, an anyOf entry moved inline from a `$ref`, a
prefixItems entry that says what `items` already said, a `oneOf: [{type: string},
{type: integer}]` "list of types" (its own check reports it), a body wrapped into a oneOf (its
own check reports it).
"""

from __future__ import annotations

from typing import Any

# Keywords that describe a value without constraining it (oasdiff ignores their changes when
# it asks whether two schemas have the same validation contract).
ANNOTATIONS = frozenset(
    {"title", "description", "default", "example", "examples", "externalDocs", "$comment"}
)
# Keywords whose zero value means "no constraint" (oasdiff reads them into plain Go values,
# so `nullable: false` and an absent nullable are one thing).
_ZERO: dict[str, Any] = {
    "nullable": False, "readOnly": False, "writeOnly": False, "deprecated": False,
    "uniqueItems": False, "allowEmptyValue": False, "exclusiveMinimum": False,
    "exclusiveMaximum": False, "minLength": 0, "minItems": 0, "minProperties": 0,
}  # fmt: skip
_ONE = ("items", "not", "if", "then", "else", "contains", "propertyNames", "unevaluatedItems",
        "unevaluatedProperties", "contentSchema", "additionalProperties")  # fmt: skip
_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs")
_UNORDERED = ("allOf", "anyOf", "oneOf")


def _is_zero(key: str, value: Any) -> bool:
    if key not in _ZERO:
        return False
    zero = _ZERO[key]
    return value is zero if isinstance(zero, bool) else (value == zero and value is not False)


def _constraints(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value
        for key, value in schema.items()
        if key not in ANNOTATIONS and not _is_zero(key, value)
    }


def annotation_only(schema: Any) -> bool:
    """True when the schema constrains nothing: it accepts what `{}` accepts."""
    return isinstance(schema, dict) and not _constraints(schema)


class _Equivalence:
    """Schema equality with annotations ignored at every depth, safe on cyclic schemas."""

    def __init__(self) -> None:
        self._active: set[tuple[int, int]] = set()

    def schemas(self, a: Any, b: Any) -> bool:
        if not isinstance(a, dict) or not isinstance(b, dict):
            return _plain_equal(a, b)
        key = (id(a), id(b))
        if a is b or key in self._active:
            return True
        self._active.add(key)
        try:
            return self._compare(_constraints(a), _constraints(b))
        finally:
            self._active.discard(key)

    def _compare(self, a: dict[str, Any], b: dict[str, Any]) -> bool:
        if a.keys() != b.keys():
            return False
        for key, x in a.items():
            y = b[key]
            if key in _ONE:
                same = self.schemas(x, y)
            elif key in _MAPS:
                same = (
                    isinstance(x, dict)
                    and isinstance(y, dict)
                    and x.keys() == y.keys()
                    and all(self.schemas(x[k], y[k]) for k in x)
                )
            elif key in _UNORDERED:
                same = self._unordered(x, y)
            elif key == "prefixItems":
                same = (
                    isinstance(x, list)
                    and isinstance(y, list)
                    and len(x) == len(y)
                    and all(self.schemas(p, q) for p, q in zip(x, y, strict=True))
                )
            else:
                same = _plain_equal(x, y)
            if not same:
                return False
        return True

    def _unordered(self, x: Any, y: Any) -> bool:
        if not isinstance(x, list) or not isinstance(y, list) or len(x) != len(y):
            return False
        left = list(y)
        for item in x:
            for i, other in enumerate(left):
                if self.schemas(item, other):
                    del left[i]
                    break
            else:
                return False
        return True


def _plain_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b)


def validation_equivalent(a: Any, b: Any) -> bool:
    """True when the two schemas accept the same values as far as oasdiff can tell."""
    return _Equivalence().schemas(a, b)


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
