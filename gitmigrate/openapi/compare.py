"""Deep equality of resolved spec values, safe on cyclic schemas: a pair of objects met again
while it is being compared is assumed equal (the rest of the comparison decides), and every
answer is cached by the pair's identities, so a shared component is compared once per run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Namer = Callable[[Any], "str | None"]
_NAMED_LISTS = frozenset({"allOf", "anyOf", "oneOf"})


class Comparer:
    """One per diff run: holds the cache and how each side names its ref targets."""

    def __init__(self, base_name: Namer | None = None, revision_name: Namer | None = None) -> None:
        self.base_name: Namer = base_name or (lambda obj: None)
        self.revision_name: Namer = revision_name or (lambda obj: None)
        self._cache: dict[tuple[int, int], bool] = {}
        self._active: set[tuple[int, int]] = set()
        self._keep: list[Any] = []  # keeps compared objects alive, so ids stay unique

    def equal(self, a: Any, b: Any) -> bool:
        if a is b:
            return True
        kind = type(a)
        if kind is not type(b):
            return bool(
                isinstance(a, int | float) and isinstance(b, int | float)
                and not isinstance(a, bool) and not isinstance(b, bool) and a == b
            )  # fmt: skip
        if kind is dict:
            if len(a) != len(b):
                return False
            return self._pair(a, b, self._dicts)
        if kind is list:
            if len(a) != len(b):
                return False
            return self._pair(a, b, self._lists)
        return bool(a == b)

    def _dicts(self, a: dict[str, Any], b: dict[str, Any]) -> bool:
        equal = self.equal
        for key, value in a.items():
            if key not in b:
                return False
            other = b[key]
            if value is other:
                continue
            if key in _NAMED_LISTS:
                if not self._named(value, other):
                    return False
            elif not equal(value, other):
                return False
        return True

    def _lists(self, a: list[Any], b: list[Any]) -> bool:
        equal = self.equal
        for x, y in zip(a, b, strict=True):
            if x is not y and not equal(x, y):
                return False
        return True

    def name(self, obj: Any) -> str | None:
        """The `$ref` an object was reached by, on whichever side it belongs to."""
        return self.base_name(obj) or self.revision_name(obj)

    def _named(self, a: Any, b: Any) -> bool:
        """allOf/anyOf/oneOf entries are told apart by their `$ref` as well as their content
        (oasdiff pairs them by ref name: `$ref: Cat` -> `$ref: Rabbit` is a change even when
        both components say the same)."""
        if not isinstance(a, list) or not isinstance(b, list) or len(a) != len(b):
            return self.equal(a, b)
        return all(
            self.name(x) == self.name(y) and self.equal(x, y) for x, y in zip(a, b, strict=True)
        )

    def _pair(self, a: Any, b: Any, compute: Callable[[Any, Any], bool]) -> bool:
        key = (id(a), id(b))
        known = self._cache.get(key)
        if known is not None:
            return known
        if key in self._active:
            return True
        self._active.add(key)
        try:
            result = compute(a, b)
        finally:
            self._active.discard(key)
        self._cache[key] = result
        self._keep.append((a, b))
        return result
