"""When two schemas that differ in writing accept the same values: annotations (title,
description, examples ...) ignored at every depth, as oasdiff's "validation equivalence" does.
It keeps refactors from reading as breaking changes: an allOf entry holding only a title, a
oneOf entry moved from a `$ref` to an inline copy, a prefixItems entry saying what `items`
already said.
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
    "nullable": False,
    "readOnly": False,
    "writeOnly": False,
    "deprecated": False,
    "uniqueItems": False,
    "allowEmptyValue": False,
    "exclusiveMinimum": False,
    "exclusiveMaximum": False,
    "minLength": 0,
    "minItems": 0,
    "minProperties": 0,
}
_ONE = (
    "items",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
    "additionalProperties",
)
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
