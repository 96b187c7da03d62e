"""`$ref` resolution in place: every `{"$ref": ...}` is replaced by its target object itself, so
a schema reached through several refs is one Python object and a recursive schema is a cyclic
object graph (the diff compares pairs of objects, so cycles end where a pair repeats).

Local (`#/components/...`) and relative-file (`schemas/pet.yaml#/Pet`) refs are resolved; remote
refs are the loader's to allow or refuse (`fetch`). A chain of refs that never reaches a value
(A -> B -> A) is refused: no value could stand for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gitmigrate.errors import UsageError

Fetch = Callable[[str, str], tuple[str, Any]]  # (from file, ref file part) -> (file key, document)


@dataclass
class Resolved:
    """What resolution learned: which object a ref named, and where each dict came from."""

    ref_names: dict[int, str] = field(default_factory=dict)  # id(target) -> the ref text
    origins: dict[int, tuple[str, tuple[str | int, ...]]] = field(default_factory=dict)
    keep: list[Any] = field(default_factory=list)  # objects whose ids are keys above


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def pointer_parts(pointer: str) -> tuple[str, ...]:
    pointer = pointer.lstrip("#")
    if not pointer:
        return ()
    if not pointer.startswith("/"):
        raise ValueError(pointer)
    from urllib.parse import unquote

    return tuple(unescape(unquote(part)) for part in pointer[1:].split("/"))


class Resolver:
    def __init__(self, root_file: str, root: Any, fetch: Fetch) -> None:
        self.documents: dict[str, Any] = {root_file: root}
        self.fetch = fetch
        self.result = Resolved()
        self._done: set[int] = set()
        self._targets: dict[tuple[str, str], Any] = {}

    def resolve(self, root_file: str) -> Any:
        root = self.documents[root_file]
        return self._walk(root, root_file, ())

    def _walk(self, node: Any, file: str, at: tuple[str | int, ...]) -> Any:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                return self._follow(node, file, at)
            if id(node) in self._done:
                return node
            self._done.add(id(node))
            self.result.origins[id(node)] = (file, at)
            self.result.keep.append(node)
            for key, value in list(node.items()):
                if isinstance(value, dict | list):
                    node[key] = self._walk(value, file, (*at, key))
        elif isinstance(node, list):
            if id(node) in self._done:
                return node
            self._done.add(id(node))
            self.result.keep.append(node)
            for index, value in enumerate(node):
                if isinstance(value, dict | list):
                    node[index] = self._walk(value, file, (*at, index))
        return node

    def _follow(self, node: dict[str, Any], file: str, at: tuple[str | int, ...]) -> Any:
        chain: list[tuple[str, str]] = []
        ref_file, ref_text, current = file, str(node["$ref"]), node
        while True:
            target_file, pointer = self._split(ref_file, ref_text)
            key = (target_file, pointer)
            if key in chain:
                shown = " -> ".join(f"{f}#{p}" for f, p in (*chain, key))
                raise UsageError(
                    f"{file}: circular $ref {shown} never reaches a value",
                    "make one of these refs point at a schema instead of another ref",
                )
            chain.append(key)
            target = self._target(target_file, pointer, file)
            if isinstance(target, dict) and isinstance(target.get("$ref"), str):
                ref_file, ref_text, current = target_file, str(target["$ref"]), target
                continue
            break
        resolved = self._walk(target, target_file, pointer_parts(pointer))
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        name = ref_text if target_file == file else f"{target_file}#{pointer}"
        if siblings and isinstance(resolved, dict):  # OpenAPI 3.1: siblings beside $ref apply
            merged = {**resolved, **{k: self._walk(v, file, (*at, k)) for k, v in siblings.items()}}
            self.result.origins[id(merged)] = (file, at)
            self.result.ref_names[id(merged)] = name
            self.result.keep.append(merged)
            return merged
        if isinstance(resolved, dict | list):
            self.result.ref_names.setdefault(id(resolved), _ref_display(ref_text, current))
        return resolved

    def _split(self, file: str, ref: str) -> tuple[str, str]:
        if "#" in ref:
            part, pointer = ref.split("#", 1)
        else:
            part, pointer = ref, ""
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


def _ref_display(ref_text: str, node: dict[str, Any]) -> str:
    return ref_text
