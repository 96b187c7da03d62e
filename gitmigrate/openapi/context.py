"""What a check is handed: the two specs, the options, the operations paired, and one way to
make an ApiChange (its level from the rule table, its place in the spec from the spec)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from gitmigrate.openapi.compare import Comparer
from gitmigrate.openapi.model import ApiChange, DiffOptions, Level
from gitmigrate.openapi.operations import METHODS, OperationDiff, OperationRef, template
from gitmigrate.openapi.rules import rule
from gitmigrate.openapi.spec import Spec


def _paths(spec: Spec) -> dict[str, tuple[str, dict[str, Any]]]:
    """template -> (the path as written, its path item)."""
    paths = spec.doc.get("paths")
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for path, item in paths.items() if isinstance(paths, dict) else ():
        if isinstance(item, dict):
            found.setdefault(template(str(path)), (str(path), item))
    return found


class DiffContext:
    def __init__(self, base: Spec, revision: Spec, options: DiffOptions | None = None) -> None:
        self.base = base
        self.revision = revision
        self.options = options or DiffOptions()
        self.comparer = Comparer(base.ref_name, revision.ref_name)

    @cached_property
    def _base_paths(self) -> dict[str, tuple[str, dict[str, Any]]]:
        return _paths(self.base)

    @cached_property
    def _revision_paths(self) -> dict[str, tuple[str, dict[str, Any]]]:
        return _paths(self.revision)

    def _operations(
        self,
        paths: dict[str, tuple[str, dict[str, Any]]],
        others: dict[str, tuple[str, dict[str, Any]]],
    ) -> list[OperationRef]:
        found = []
        for key, (path, item) in paths.items():
            other = others.get(key, ("", {}))[1]
            for method in METHODS:
                if isinstance(item.get(method), dict) and not isinstance(other.get(method), dict):
                    found.append(OperationRef(method.upper(), path, item[method], item))
        return found

    @cached_property
    def _added(self) -> list[OperationRef]:
        return self._operations(self._revision_paths, self._base_paths)

    @cached_property
    def _deleted(self) -> list[OperationRef]:
        return self._operations(self._base_paths, self._revision_paths)

    @cached_property
    def _modified(self) -> list[OperationDiff]:
        found = []
        for key, (path, item) in self._revision_paths.items():
            if key not in self._base_paths:
                continue
            base_path, base_item = self._base_paths[key]
            for method in METHODS:
                if isinstance(item.get(method), dict) and isinstance(base_item.get(method), dict):
                    found.append(
                        OperationDiff(method, base_path, path, base_item, item, self.comparer)
                    )
        return found

    def added_operations(self) -> list[OperationRef]:
        return list(self._added)

    def deleted_operations(self) -> list[OperationRef]:
        return list(self._deleted)

    def modified_operations(self) -> list[OperationDiff]:
        """Every operation present in both specs (`.changed` tells whether it differs)."""
        return list(self._modified)

    def stability(self, operation: dict[str, Any]) -> str:
        """The operation's `x-stability-level` ("" when it has none)."""
        value = operation.get("x-stability-level")
        return str(value) if value is not None else ""

    def where(self, obj: Any) -> str:
        if obj is None:
            return ""
        for spec in (self.revision, self.base):
            if spec.pointer(obj) is not None:
                return spec.where(obj)
        return ""

    def change(
        self,
        check: str,
        id: str,
        text: str,
        *,
        op: OperationDiff | OperationRef | None = None,
        at: Any = None,
        level: Level | None = None,
        **details: Any,
    ) -> ApiChange:
        return ApiChange(
            id=id,
            level=level or rule(id).level,
            text=text,
            check=check,
            operation=op.label if op is not None else "",
            path=op.path if op is not None else "",
            method=op.method if op is not None else "",
            source=self.where(at) if at is not None else "",
            details=details,
        )
