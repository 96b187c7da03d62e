"""What the request and response value checks share: the walk over every body schema present on
both sides of a modified media type, the walk over its properties, and the few readings of a
schema (types without "null", nullability, numeric bounds) that both sides judge in mirror.

A check walks `request_bodies(ctx)` or `response_bodies(ctx)` and, per body, `props(body)`; it
reports with `body.report(...)`, so every finding names its operation, media type (and status)
the same way and two media types sharing one $ref schema give two findings, as in oasdiff."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.values_nullwrap import null_wrap, only_null
from gitmigrate.openapi.schemadiff import PropertyVisit, SchemaDiff, modified_properties

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange, Level
    from gitmigrate.openapi.operations import OperationDiff


@dataclass(frozen=True)
class Body:
    """One media type's schema, changed and present on both sides, of a request or a response."""

    ctx: DiffContext
    op: OperationDiff
    media_type: str
    diff: SchemaDiff
    status: str = ""  # "" for a request body

    @property
    def request(self) -> bool:
        return not self.status

    @property
    def where(self) -> str:
        if self.request:
            return f"request body {self.media_type}"
        return f"response {self.status} {self.media_type}"

    def report(
        self, check: str, id: str, text: str, *, at: Any = None, level: Level | None = None,
        **details: Any,
    ) -> ApiChange:  # fmt: skip
        """A finding about this body: `text` says what, the body is named after it."""
        extra: dict[str, Any] = {"media_type": self.media_type}
        if self.status:
            extra["status"] = self.status
        extra.update(details)
        return self.ctx.change(
            check, id, f"{text} ({self.where})", op=self.op,
            at=at if at is not None else self.diff.revision, level=level, **extra,
        )  # fmt: skip

    def about(
        self, check: str, id: str, prop: str, text: str, *, at: Any, **details: Any
    ) -> ApiChange:
        """A finding about one property of this body: "property `a/b` <text>"."""
        return self.report(check, id, f"property `{prop}` {text}", at=at, property=prop, **details)


def _both(diff: SchemaDiff | None) -> bool:
    return diff is not None and diff.base is not None and diff.revision is not None


# Per diff run, the bodies and their property walks: some forty checks read them, so they are
# computed once (DiffContext.memo: a finished run's cache goes with its context).
# A schema only wrapped in a oneOf with null is left out unless asked for (values_nullwrap).


def operations(ctx: DiffContext) -> Iterator[OperationDiff]:
    """The operations in both specs that changed and are within the run's stability level."""
    return (op for op in ctx.checked_operations() if op.changed)


def _find_bodies(ctx: DiffContext, request: bool) -> Iterator[Body]:
    for op in operations(ctx):
        if request:
            body = op.request_body()
            places = [("", body.media_types)] if body is not None else []
        else:
            places = [(s, r.media_types) for s, r in op.responses().modified.items()]
        for status, media_types in places:
            for name, media in media_types.modified.items():
                if media.schema is not None and _both(media.schema):
                    yield Body(ctx, op, name, media.schema, status)


def bodies(ctx: DiffContext, request: bool, *, wrapped: bool = False) -> list[Body]:
    """Every request (or response) body schema changed and present on both sides; with
    `wrapped`, also those only wrapped in a oneOf with null."""
    known = ctx.memo(("values.bodies", request), lambda: list(_find_bodies(ctx, request)))
    return known if wrapped else [b for b in known if not null_wrap(b.diff)]


def request_bodies(ctx: DiffContext) -> list[Body]:
    return bodies(ctx, True)


def response_bodies(ctx: DiffContext) -> list[Body]:
    return bodies(ctx, False)


@dataclass(frozen=True)
class Prop:
    """A modified nested schema (property, items, subschema ...) present on both sides."""

    name: str  # oasdiff's full property name ("data/items/id")
    diff: SchemaDiff
    parent: SchemaDiff | None
    key: str  # the property's own name ("" for items, subschemas ...)
    path: str = ""  # the parent's path ("data", "/items", "/allOf[#/components/schemas/A]")

    @property
    def node(self) -> str:
        """The path of this schema itself, for naming what is inside it ("data/items")."""
        return "/".join(part for part in (self.path, self.key) if part)

    @property
    def base(self) -> dict[str, Any]:
        assert self.diff.base is not None
        return self.diff.base

    @property
    def revision(self) -> dict[str, Any]:
        assert self.diff.revision is not None
        return self.diff.revision


def props(body: Body, *, wrapped: bool = False) -> list[Prop]:
    """The body's modified nested schemas present on both sides (oasdiff's walkProperties);
    with `wrapped`, also those only wrapped in a oneOf with null."""
    known = body.ctx.memo(("values.props", body), lambda: [
        Prop(visit.full_name, visit.diff, visit.parent, visit.name, visit.path)
        for visit in modified_properties(body.diff)
        if visit.diff is not None and _both(visit.diff)
    ])  # fmt: skip
    return known if wrapped else [p for p in known if not null_wrap(p.diff)]


def real(visits: Iterable[PropertyVisit]) -> Iterator[PropertyVisit]:
    """Added or deleted properties, less those of a schema only wrapped in a oneOf with null
    (they moved into the wrapper's alternative, they did not come or go)."""
    return (visit for visit in visits if not null_wrap(visit.parent))


def flag(schema: dict[str, Any] | None, key: str) -> bool:
    return bool(schema is not None and schema.get(key) is True)


def required(schema: dict[str, Any] | None) -> list[str]:
    found = schema.get("required") if schema is not None else None
    return [str(name) for name in found] if isinstance(found, list) else []


def properties(schema: dict[str, Any] | None) -> dict[str, Any]:
    found = schema.get("properties") if schema is not None else None
    return found if isinstance(found, dict) else {}


def types(schema: dict[str, Any] | None) -> list[str]:
    """The schema's types without "null" (nullability is judged on its own)."""
    value = schema.get("type") if schema is not None else None
    listed = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [str(t) for t in listed if t != "null"]


def nullable(schema: dict[str, Any] | None) -> bool:
    """3.0's `nullable: true` or 3.1's "null" among the types."""
    if schema is None:
        return False
    value = schema.get("type")
    return schema.get("nullable") is True or (isinstance(value, list) and "null" in value)


def number(value: Any) -> float | None:
    """A numeric keyword's value; booleans (3.0's exclusiveMinimum: true) are not numbers."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def shown(value: Any) -> str:
    """A value as messages print it: integral floats without ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def moved_into_one_of(diff: SchemaDiff) -> list[str]:
    """The base's properties now found in the alternatives of a oneOf that replaced them (the
    body was wrapped, not emptied); [] when that is not what happened. A oneOf of the old
    schema and null is a nullability change, not a wrapping."""
    old = properties(diff.base)
    alternatives = diff.revision.get("oneOf") if diff.revision is not None else None
    if not old or not isinstance(alternatives, list) or properties(diff.revision):
        return []
    if diff.base is not None and diff.base.get("oneOf"):
        return []
    if any(only_null(item) for item in alternatives):
        return []
    found: set[str] = set()
    for item in alternatives:
        found.update(properties(item if isinstance(item, dict) else None))
    return [name for name in old if name in found]


SideCheck = Callable[["DiffContext", str, bool], Iterable["ApiChange"]]


def register_each(run: SideCheck, names: dict[str, bool], doc: str) -> None:
    """Register `run(ctx, check name, flag)` under each name with its flag: one walk serving
    several oasdiff checks that differ by one choice (request or response, required or not)."""
    for name, value in names.items():

        def one(ctx: DiffContext, name: str = name, value: bool = value) -> Iterable[ApiChange]:
            return run(ctx, name, value)

        one.__name__ = one.__qualname__ = name
        one.__doc__ = f"{doc} ({name})"
        check(name)(one)


def register_sides(run: SideCheck, request_name: str, response_name: str, doc: str) -> None:
    """The request check and the response check of one walk `run(ctx, name, request?)`."""
    register_each(run, {request_name: True, response_name: False}, doc)
