"""The parameters the parameter checks visit: every parameter present in both revisions of an
operation within the run's stability level, keyed by (in, name) as oasdiff reports them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from gitmigrate.openapi.checks.endpoint_scope import modified, parameters
from gitmigrate.openapi.schemadiff import modified_properties

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.operations import OperationDiff, ParameterDiff
    from gitmigrate.openapi.schemadiff import PropertyVisit, SchemaDiff


@dataclass(frozen=True)
class ParamVisit:
    op: OperationDiff
    location: str  # the parameter's `in`
    name: str
    diff: ParameterDiff

    @property
    def base(self) -> dict[str, Any]:
        return self.diff.base

    @property
    def revision(self) -> dict[str, Any]:
        return self.diff.revision

    @property
    def schema(self) -> SchemaDiff | None:
        return self.diff.schema

    @property
    def label(self) -> str:
        return f"the '{self.name}' {self.location} request parameter"

    def details(self, **more: Any) -> dict[str, Any]:
        return {"in": self.location, "name": self.name, **more}


def declared(operation: dict[str, Any], param: Any) -> bool:
    """Whether the operation declares the parameter itself (not through its path item)."""
    listed = operation.get("parameters")
    return any(p is param for p in listed) if isinstance(listed, list) else False


_VISITS: WeakKeyDictionary[DiffContext, list[ParamVisit]] = WeakKeyDictionary()


def modified_parameters(ctx: DiffContext) -> Iterator[ParamVisit]:
    """Parameters changed in an operation (paired once per diff, shared by the checks)."""
    if ctx not in _VISITS:
        _VISITS[ctx] = list(_pair_parameters(ctx))
    yield from _VISITS[ctx]


def _pair_parameters(ctx: DiffContext) -> Iterator[ParamVisit]:
    """One declared by the path item on both sides is left out, as oasdiff does (its
    operation diff sees only the operation's own parameters)."""
    for op in modified(ctx):
        for (location, name), diff in parameters(op).modified.items():
            if not declared(op.base, diff.base) and not declared(op.revision, diff.revision):
                continue
            revision_name = diff.revision.get("name") if isinstance(diff.revision, dict) else None
            yield ParamVisit(op, location, str(revision_name or name), diff)


def schema_changes(ctx: DiffContext) -> Iterator[tuple[ParamVisit, SchemaDiff]]:
    """The modified parameters whose schema changed, with the schema's diff."""
    for visit in modified_parameters(ctx):
        if visit.schema is not None and visit.schema.base is not None:
            if visit.schema.revision is not None:
                yield visit, visit.schema


_PROPERTIES: WeakKeyDictionary[SchemaDiff, list[PropertyVisit]] = WeakKeyDictionary()


def nested(d: SchemaDiff) -> list[PropertyVisit]:
    """The modified schemas below a parameter's schema, walked once and shared by the checks
    that look at properties (enum, type, list of types, nullability)."""
    if d not in _PROPERTIES:
        _PROPERTIES[d] = list(modified_properties(d))
    return _PROPERTIES[d]
