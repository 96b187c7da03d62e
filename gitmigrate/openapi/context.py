"""What a check is handed: the two specs, the options, the operations paired, and one way to
make an ApiChange (its level from the rule table, its place in the spec from the spec)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar

from gitmigrate.openapi.compare import Comparer
from gitmigrate.openapi.lifecycle import included, safe_stability
from gitmigrate.openapi.model import ApiChange, DiffOptions, Level
from gitmigrate.openapi.operations import METHODS, OperationDiff, OperationRef, template
from gitmigrate.openapi.rules import rule
from gitmigrate.openapi.spec import Spec

T = TypeVar("T")


def _webhooks(spec: Spec) -> dict[str, tuple[str, dict[str, Any]]]:
    """OpenAPI 3.1 webhooks as paths named `webhook:<name>`: oasdiff checks their operations
    like any other (their coming and going is the webhook check's)."""
    hooks = spec.doc.get("webhooks")
    return {
        f"webhook:{name}": (f"webhook:{name}", item)
        for name, item in (hooks.items() if isinstance(hooks, dict) else ())
        if isinstance(item, dict)
    }


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
        self._memo: dict[Any, Any] = {}

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """A value computed once per diff run (the walks many checks share); it lives and
        dies with this context, so nothing outlives the run."""
        if key not in self._memo:
            self._memo[key] = compute()
        value: T = self._memo[key]
        return value

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
        base_paths = {**self._base_paths, **_webhooks(self.base)}
        for key, (path, item) in {**self._revision_paths, **_webhooks(self.revision)}.items():
            if key not in base_paths:
                continue
            base_path, base_item = base_paths[key]
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

    def in_scope(self, op: OperationDiff) -> bool:
        """oasdiff's stability policy: an operation whose revision is below the run's
        `stability_level` is not checked (an invalid level keeps it in: the stability check
        reports it)."""
        level = safe_stability(op.revision)
        return level is None or included(self.options, level)

    def checked_operations(self) -> list[OperationDiff]:
        """The operations in both specs that the checks look at: within the run's stability
        level (the stability check itself reads `modified_operations`, to see stable -> draft)."""
        return list(self.memo("checked", lambda: [
            op for op in self._modified if self.in_scope(op)
        ]))  # fmt: skip

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
