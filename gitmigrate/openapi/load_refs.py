"""`$ref` resolution in place, as refs.py describes it (a resolved ref IS its target object,
recursive schemas become cyclic objects, 3.1 siblings beside `$ref` are merged over the target,
a chain of refs that never reaches a value is refused), made cheap enough for a 5 MB spec:

- one iterative walk over the containers (no recursion: deep specs cannot hit the stack limit,
  and no call per node);
- a ref text met again in the same file is answered from a table (a spec `$ref`s the same few
  hundred components tens of thousands of times), as is every JSON pointer's parse.

What it learns goes in refs.Resolved: which object a ref named, where each dict came from.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import repeat
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.openapi.refs import Fetch, Resolved

Pointer = tuple[str | int, ...]
_Work = list[tuple[Any, str, Pointer]]
_STR = repeat(str)


@lru_cache(maxsize=65536)
def pointer_parts(pointer: str) -> tuple[str, ...]:
    """'#/a/b~1c' -> ('a', 'b/c'); ValueError for text that is not a JSON pointer."""
    pointer = pointer.lstrip("#")
    if not pointer:
        return ()
    if not pointer.startswith("/"):
        raise ValueError(pointer)
    from urllib.parse import unquote

    return tuple(unquote(p).replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/"))


class FastResolver:
    def __init__(self, root_file: str, root: Any, fetch: Fetch, string_keys: bool = False) -> None:
        """`string_keys`: YAML read by a parser that keeps `200:` an int: keys become text
        as they are walked (a separate pass over the document would cost as much again)."""
        self.string_keys = string_keys
        self.documents: dict[str, Any] = {root_file: root}
        self.fetch = fetch
        self.result = Resolved()
        self._seen: set[int] = set()
        self._refs: dict[tuple[str, str], Any] = {}  # (file, ref text) -> resolved target
        self._targets: dict[tuple[str, str], Any] = {}  # (file, pointer) -> raw target

    def resolve(self, root_file: str) -> Any:
        root = self.documents[root_file]
        work: _Work = []
        if _is_ref(root):
            root = self._follow(root, root_file, (), work)
        elif isinstance(root, dict | list):
            self._seen.add(id(root))
            work.append((root, root_file, ()))
        self._run(work)
        return root

    def _run(self, work: _Work) -> None:
        seen, origins, follow = self._seen, self.result.origins, self._follow
        while work:
            node, file, at = work.pop()
            if type(node) is dict:
                origins[id(node)] = (file, at)
                if self.string_keys and not all(map(isinstance, node, _STR)):
                    text_keys(node)
                items: Any = node.items()
            else:
                items = enumerate(node)
            for key, value in items:
                kind = type(value)
                if kind is dict:
                    ref = value.get("$ref")
                    if ref is not None and type(ref) is str:
                        node[key] = follow(value, file, (*at, key), work)
                        continue
                elif kind is not list:
                    continue
                if id(value) not in seen:
                    seen.add(id(value))
                    work.append((value, file, (*at, key)))

    def _follow(self, node: dict[str, Any], file: str, at: Pointer, work: _Work) -> Any:
        ref_text = node["$ref"]
        plain = len(node) == 1
        if plain:
            known = self._refs.get((file, ref_text))
            if known is not None:
                return known
        chain: list[tuple[str, str]] = []
        ref_file, text = file, ref_text
        while True:
            target_file, pointer = self._split(ref_file, text)
            if (target_file, pointer) in chain:
                shown = " -> ".join(f"{f}#{p}" for f, p in (*chain, (target_file, pointer)))
                raise UsageError(
                    f"{file}: circular $ref {shown} never reaches a value",
                    "make one of these refs point at a schema instead of another ref",
                )
            chain.append((target_file, pointer))
            target = self._target(target_file, pointer, file)
            if not _is_ref(target):
                break
            ref_file, text = target_file, target["$ref"]
        if isinstance(target, dict | list) and id(target) not in self._seen:
            self._seen.add(id(target))
            work.append((target, target_file, pointer_parts(pointer)))
        if plain:
            if isinstance(target, dict | list):
                self.result.ref_names.setdefault(id(target), text)
            self._refs[(file, ref_text)] = target
            return target
        if not isinstance(target, dict):
            return target
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        name = text if target_file == file else f"{target_file}#{pointer}"
        self.result.ref_names[id(merged)] = name
        self.result.keep.append(merged)
        self._seen.add(id(merged))
        work.append((merged, file, at))
        return merged

    def _split(self, file: str, ref: str) -> tuple[str, str]:
        part, _, pointer = ref.partition("#")
        if not part:
            return file, pointer
        key, document = self.fetch(file, part)
        self.documents.setdefault(key, document)
        return key, pointer

    def _target(self, file: str, pointer: str, referrer: str) -> Any:
        cached = self._targets.get((file, pointer))
        if cached is not None:
            return cached
        node = self.documents[file]
        try:
            parts = pointer_parts(pointer)
        except ValueError:
            raise UsageError(
                f"{referrer}: $ref '#{pointer}' is not a JSON pointer",
                "write refs as '#/components/schemas/Name' or 'file.yaml#/Name'",
            ) from None
        for part in parts:
            if _is_ref(node):  # a pointer through a ref not resolved yet
                node = self._target(*self._split(file, node["$ref"]), referrer)
            if isinstance(node, dict) and self.string_keys and part not in node:
                text_keys(node)  # `200:` read as an int: only where a lookup misses
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise UsageError(
                    f"{referrer}: $ref '{file}#{pointer}' does not resolve ('{part}' is missing)",
                    "fix the ref or add the component it names",
                )
        self._targets[(file, pointer)] = node
        return node


def text_keys(node: dict[Any, Any]) -> None:
    """Keys as JSON has them, in place: 200 -> "200", True -> "true", None -> "null"."""
    if all(map(isinstance, node, _STR)):
        return
    fixed = {_key_text(key): value for key, value in node.items()}
    node.clear()
    node.update(fixed)


def _key_text(key: Any) -> str:
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _is_ref(node: Any) -> bool:
    return type(node) is dict and type(node.get("$ref")) is str
