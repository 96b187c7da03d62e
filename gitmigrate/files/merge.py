"""Environment layering: a base configuration and its overlays merged into one, remembering which
file and line gave every value, so `config explain KEY --env prod` can answer "why is it 5?".

Precedence (documented in docs/kinds/config.md):

- later layers win; mappings deep-merge key by key;
- any other value (lists included) replaces the earlier one, unless marked:
  YAML   `hosts: !append [c]`   appends to the earlier list;  `debug: !delete` removes the key;
  TOML   `__merge__ = { append = ["hosts"], delete = ["debug"] }`
  JSON   `"__merge__": {"append": ["hosts"], "delete": ["debug"]}`
  A `__merge__` table names key paths relative to the table that holds it, and is itself
  never part of the result.

Every path of the result has its origins: one Origin per layer that set, appended to or
deleted it, oldest first (a value replaced as a whole forgets the origins of its old children).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from gitmigrate.errors import UsageError
from gitmigrate.files.keypath import KeyPath, format_key, parse_key

if TYPE_CHECKING:
    from gitmigrate.files.document import Document

Action = Literal["set", "merge", "append", "delete"]
MERGE_TABLE = "__merge__"


@dataclass(frozen=True)
class Origin:
    file: str
    line: int | None
    value: Any  # what this layer wrote there (None for a delete)
    action: Action


@dataclass(frozen=True)
class Merged:
    data: Any
    origins: dict[KeyPath, tuple[Origin, ...]]


def merge_layers(docs: Sequence[Document]) -> Merged:
    """Merge `docs` in order (later wins); see the module docstring for the rules."""
    state = _State()
    data: Any = _MISSING
    for doc in docs:
        layer, marks = _strip_marks(doc)
        state.doc = doc
        state.marks = marks
        data = state.merge(data, layer, (), ())
        data = state.delete_unvisited(data)
    if data is _MISSING or data is _DELETED:
        data = {}
    origins = {
        path: tuple(found)
        for path, found in state.origins.items()
        if found and (_exists(data, path) or found[-1].action == "delete")
    }
    return Merged(data, origins)


def explain(merged: Merged, path: KeyPath) -> tuple[Origin, ...]:
    """The layers that gave `path` its value, oldest first; a key no layer has is a UsageError
    naming the keys that exist beside it."""
    found = merged.origins.get(path)
    if found:
        return found
    parent = path[:-1]
    siblings = [format_key(p) for p in merged.origins if len(p) == len(path) and p[:-1] == parent]
    raise UsageError(
        f"no layer sets {format_key(path)}",
        f"keys there: {', '.join(siblings[:12]) or 'none'}",
    )


def render(data: Any, format: str, *, lossy: bool = False) -> str:
    """The merged data as a file of `format` (what `config merge --out` writes)."""
    from gitmigrate.files.convert import render_data

    return render_data(data, format, lossy=lossy).text


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_MISSING = _Sentinel("MISSING")
_DELETED = _Sentinel("DELETED")


class _State:
    def __init__(self) -> None:
        self.origins: dict[KeyPath, list[Origin]] = {}
        self.doc: Document | None = None
        self.marks: dict[KeyPath, tuple[str, int | None]] = {}
        self.visited: set[KeyPath] = set()

    def delete_unvisited(self, data: Any) -> Any:
        """Deletes naming keys the layer does not write (`__merge__.delete = ["a.b"]` in a layer
        without `a.b`): removed from the result, recorded at the line that asked."""
        for path, (action, line) in self.marks.items():
            if action != "delete" or path in self.visited:
                continue
            parent = data
            for part in path[:-1]:
                parent = parent.get(part) if isinstance(parent, dict) else None
            if isinstance(parent, dict) and path[-1] in parent:
                del parent[path[-1]]
                self._forget_below(path)
                self._record(path, path, None, "delete", line)
        self.visited = set()
        return data

    def merge(self, base: Any, over: Any, path: KeyPath, source: KeyPath) -> Any:
        """`over` (at `source` in the current layer) laid on `base` (at `path` in the result)."""
        mark, mark_line = self.marks.get(source, (None, None))
        self.visited.add(source)
        if mark == "delete":
            self._forget_below(path)
            self._record(path, source, None, "delete", mark_line)
            return _DELETED
        if isinstance(base, dict) and isinstance(over, dict):
            self._record(path, source, over, "merge")
            result = dict(base)
            for key, value in over.items():
                merged = self.merge(base.get(key, _MISSING), value, (*path, key), (*source, key))
                if merged is _DELETED:
                    result.pop(key, None)
                else:
                    result[key] = merged
            return result
        if mark == "append":
            if not isinstance(over, list):
                raise UsageError(
                    f"{self._where(source)}: {format_key(source)} is marked to append but is not a list",
                    "mark only lists with !append / __merge__.append",
                )
            if isinstance(base, list):
                self._record(path, source, over, "append")
                for index, item in enumerate(over):
                    self._record_tree((*path, len(base) + index), (*source, index), item, "append")
                return [*base, *over]
        self._forget_below(path)
        self._record_tree(path, source, over, "set")
        return over

    def _record(
        self, path: KeyPath, source: KeyPath, value: Any, action: Action, line: int | None = None
    ) -> None:
        assert self.doc is not None
        origin = Origin(self.doc.name, line or _line_near(self.doc, source), value, action)
        self.origins.setdefault(path, []).append(origin)

    def _record_tree(self, path: KeyPath, source: KeyPath, value: Any, action: Action) -> None:
        self._record(path, source, value, action)
        if isinstance(value, dict):
            for key, item in value.items():
                self._record_tree((*path, key), (*source, key), item, action)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self._record_tree((*path, index), (*source, index), item, action)

    def _forget_below(self, path: KeyPath) -> None:
        depth = len(path)
        for known in [p for p in self.origins if len(p) > depth and p[:depth] == path]:
            del self.origins[known]

    def _where(self, source: KeyPath) -> str:
        assert self.doc is not None
        line = self.doc.line_of(source)
        return f"{self.doc.name}:{line}" if line else self.doc.name


def _line_near(doc: Document, path: KeyPath) -> int | None:
    """The line of `path`, or of its nearest ancestor written in the file (a value under a YAML
    alias or merge key has no node of its own: the alias is where the layer gave it)."""
    for depth in range(len(path), -1, -1):
        line = doc.line_of(path[:depth])
        if line is not None:
            return line
    return None


def _exists(data: Any, path: KeyPath) -> bool:
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return False
    return True


Marks = dict[KeyPath, tuple[str, int | None]]


def _strip_marks(doc: Document) -> tuple[Any, Marks]:
    """The layer's data without its merge markers, and the marks: path -> ("append" | "delete",
    the line that says so)."""
    if doc.format == "yaml":
        from gitmigrate.files.convert import document_marks

        tags = document_marks(doc).tags
        marks: Marks = {
            path: (tag[1:], doc.line_of(path))
            for path, tag in tags.items()
            if tag in ("!append", "!delete")
        }
        return _plain(doc.data), marks
    if doc.format in ("json", "toml"):
        marks = {}
        data = _pop_merge_tables(_plain(doc.data), (), doc, marks)
        return data, marks
    return _plain(doc.data), {}


def _pop_merge_tables(value: Any, path: KeyPath, doc: Document, marks: Marks) -> Any:
    if isinstance(value, list):
        return [_pop_merge_tables(v, (*path, i), doc, marks) for i, v in enumerate(value)]
    if not isinstance(value, dict):
        return value
    table = value.get(MERGE_TABLE)
    if table is not None:
        where = (*path, MERGE_TABLE)
        for action in _merge_table_actions(table, where, doc):
            for index, key in enumerate(table[action]):
                line = doc.line_of((*where, action, index)) or doc.line_of(where)
                marks[(*path, *parse_key(key))] = (action, line)
    return {
        key: _pop_merge_tables(item, (*path, key), doc, marks)
        for key, item in value.items()
        if key != MERGE_TABLE
    }


def _merge_table_actions(table: Any, where: KeyPath, doc: Document) -> list[str]:
    line = doc.line_of(where)
    spot = f"{doc.name}:{line}" if line else doc.name
    hint = '__merge__ = { append = ["a.b"], delete = ["c"] } (key paths relative to its table)'
    if not isinstance(table, dict):
        raise UsageError(f"{spot}: {format_key(where)} must be a table", hint)
    for action, keys in table.items():
        if action not in ("append", "delete"):
            raise UsageError(f"{spot}: {format_key(where)} has unknown entry {action!r}", hint)
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise UsageError(
                f"{spot}: {format_key((*where, action))} must be a list of key paths", hint
            )
    return list(table)


def _plain(value: Any) -> Any:
    """A deep copy as plain dicts/lists (a layer's data is never changed in place)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
