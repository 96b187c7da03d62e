"""What every composed-schema check shares: the walk over the schemas that changed (each
request or response body present on both sides, then every modified schema below it), and
turning a finding into an ApiChange with oasdiff's id.

oasdiff has a Request… and a Response… check for each keyword, the same test run on both sides
with ids `request-body-…` / `request-property-…` / `response-body-…` / `response-property-…`
and levels that differ by side (rules.tsv). Here a check is one *finder* (what changed in one
schema diff) run by `report` on one side, so the two sides cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from gitmigrate.openapi.schemadiff import modified_properties

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange
    from gitmigrate.openapi.operations import MediaTypesDiff, OperationDiff
    from gitmigrate.openapi.schemadiff import SchemaDiff

Direction = Literal["request", "response"]


@dataclass(frozen=True)
class Site:
    """One schema diff a check looks at: a body's schema, or a modified schema below it."""

    op: OperationDiff
    direction: Direction
    media_type: str
    media_types: int  # how many media types of that body changed (named in the text when > 1)
    status: str  # the response status, "" on the request side
    diff: SchemaDiff  # present on both sides
    property_name: str | None = None  # None for the body itself, else oasdiff's property full name

    @property
    def body(self) -> bool:
        return self.property_name is None

    def id(self, suffix: str) -> str:
        return f"{self.direction}-{'body' if self.body else 'property'}-{suffix}"

    def place(self) -> str:
        """Where, in words: "the request body", "response property 'a/b' (status 200)"."""
        if self.body:
            where = f"the {self.direction} body"
        else:
            where = f"{self.direction} property '{self.property_name}'"
        if self.status:
            where += f" (status {self.status})"
        if self.media_types > 1:
            where += f" [{self.media_type}]"
        return where


@dataclass(frozen=True)
class Finding:
    """One change a finder saw in a Site: the id's tail, what changed, the dict it is about."""

    suffix: str
    what: str
    at: Any = None
    details: dict[str, Any] = field(default_factory=dict)


Finder = Callable[[Site], Iterable[Finding]]
Gate = Callable[[Site], bool]


def _bodies(op: OperationDiff, direction: Direction) -> Iterator[tuple[str, MediaTypesDiff]]:
    """(status, media types) of the op's request body ("") or of each modified response."""
    if direction == "request":
        body = op.request_body()
        if body is not None:
            yield "", body.media_types
        return
    for status, response in op.responses().modified.items():
        yield status, response.media_types


def body_sites(ctx: DiffContext, direction: Direction) -> Iterator[Site]:
    """Each modified media type whose schema exists on both sides (oasdiff skips a schema
    added to or removed from a media type: that is not a change *of* a schema)."""
    for op in ctx.checked_operations():
        for status, media in _bodies(op, direction):
            for name, mt in media.modified.items():
                d = mt.schema
                if d is None or d.base is None or d.revision is None:
                    continue
                yield Site(op, direction, name, len(media.modified), status, d)


def property_sites(body: Site) -> Iterator[Site]:
    """Every modified schema below a body present on both sides, named as oasdiff names it."""
    for visit in modified_properties(body.diff):
        d = visit.diff
        if d is None or d.base is None or d.revision is None:
            continue
        name = visit.full_name.rstrip("/") or visit.path
        yield Site(
            body.op,
            body.direction,
            body.media_type,
            body.media_types,
            body.status,
            d,
            name,
        )


# The walk is the same for the 26 composed checks of one diff: made once per context and side
# (DiffContext.memo: it goes with its context).


def walk(ctx: DiffContext, direction: Direction) -> list[tuple[Site, list[Site]]]:
    """Every body site of `direction` with the property sites below it (computed once)."""
    return ctx.memo(("composed.walk", direction), lambda: [
        (body, list(property_sites(body))) for body in body_sites(ctx, direction)
    ])  # fmt: skip


def report(
    ctx: DiffContext,
    check: str,
    direction: Direction,
    finder: Finder,
    *,
    gate: Gate | None = None,
    property_gate: Gate | None = None,
) -> Iterator[ApiChange]:
    """Run `finder` on every body of `direction` and every schema below it. A body failing
    `gate` is skipped whole; a property failing `property_gate` is skipped alone."""
    for body, properties in walk(ctx, direction):
        if gate is not None and not gate(body):
            continue
        yield from _changes(ctx, check, body, finder)
        for site in properties:
            if property_gate is None or property_gate(site):
                yield from _changes(ctx, check, site, finder)


def _changes(ctx: DiffContext, check: str, site: Site, finder: Finder) -> Iterator[ApiChange]:
    for found in finder(site):
        details: dict[str, Any] = {"media_type": site.media_type}
        if site.status:
            details["status"] = site.status
        if site.property_name is not None:
            details["property"] = site.property_name
        details.update(found.details)
        yield ctx.change(
            check,
            site.id(found.suffix),
            f"{found.what} in {site.place()}",
            op=site.op,
            at=found.at if found.at is not None else site.diff.revision,
            **details,
        )


def added_or_removed(d: SchemaDiff | None, keyword: str, suffix: str) -> Iterator[Finding]:
    """`<suffix>-added` / `<suffix>-removed` when a schema-valued keyword appeared or went."""
    if d is None:
        return
    if d.base is None:
        yield Finding(f"{suffix}-added", f"'{keyword}' subschema added", d.revision)
    elif d.revision is None:
        yield Finding(f"{suffix}-removed", f"'{keyword}' subschema removed", d.base)


def number(value: Any) -> float | None:
    """A numeric keyword's value (bools are not numbers), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
