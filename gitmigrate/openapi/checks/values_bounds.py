"""Numeric bounds of request and response values: minimum/maximum (and 3.1's numeric exclusive
forms), minLength/maxLength, minItems. The two sides are mirrors: a request bound that tightens
rejects what clients send, a response bound that loosens returns what clients did not expect.

One table row per (check, keyword, movement); the check functions are built from it, so the
same walk serves every row and each oasdiff check reports only its own ids."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.values_common import Body, Prop, bodies, flag, number, props, shown

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange
    from gitmigrate.openapi.schemadiff import SchemaDiff

Move = Literal["increased", "decreased", "set", "unset"]


@dataclass(frozen=True)
class Bound:
    check: str
    keyword: str
    move: Move
    body_id: str
    prop_id: str
    read_only_id: str = ""  # request only: the info id for a read-only property

    @property
    def request(self) -> bool:
        return self.check.startswith("Request")


def _rows() -> list[Bound]:
    rows: list[Bound] = []

    def add(check_name: str, keyword: str, move: Move, stem: str, ro: bool = False) -> None:
        side = "request" if check_name.startswith("Request") else "response"
        rows.append(Bound(
            check_name, keyword, move, f"{side}-body-{stem}-{move}", f"{side}-property-{stem}-{move}",
            f"request-read-only-property-{stem}-{move}" if ro else "",
        ))  # fmt: skip

    for keyword, stem in (("minimum", "min"), ("exclusiveMinimum", "exclusive-min")):
        add("RequestPropertyMinIncreasedCheck", keyword, "increased", stem, ro=True)
        add("RequestPropertyMinIncreasedCheck", keyword, "decreased", stem)
        add("RequestPropertyMinSetCheck", keyword, "set", stem)
        add("ResponsePropertyMinDecreasedCheck", keyword, "decreased", stem)
    for keyword, stem in (("maximum", "max"), ("exclusiveMaximum", "exclusive-max")):
        add("RequestPropertyMaxDecreasedCheck", keyword, "decreased", stem, ro=True)
        add("RequestPropertyMaxDecreasedCheck", keyword, "increased", stem)
        add("RequestPropertyMaxSetCheck", keyword, "set", stem)
        add("ResponsePropertyMaxIncreasedCheck", keyword, "increased", stem)
    add("RequestPropertyMinLengthUpdatedCheck", "minLength", "increased", "min-length")
    add("RequestPropertyMinLengthUpdatedCheck", "minLength", "decreased", "min-length")
    add("RequestPropertyMaxLengthUpdatedCheck", "maxLength", "decreased", "max-length", ro=True)
    add("RequestPropertyMaxLengthUpdatedCheck", "maxLength", "increased", "max-length")
    add("RequestPropertyMaxLengthSetCheck", "maxLength", "set", "max-length")
    add("RequestPropertyMinItemsIncreasedCheck", "minItems", "increased", "min-items")
    add("RequestPropertyMinItemsSetCheck", "minItems", "set", "min-items")
    add("ResponsePropertyMinLengthDecreasedCheck", "minLength", "decreased", "min-length")
    add("ResponsePropertyMaxLengthIncreasedCheck", "maxLength", "increased", "max-length")
    add("ResponsePropertyMaxLengthUnsetCheck", "maxLength", "unset", "max-length")
    add("ResponsePropertyMinItemsDecreasedCheck", "minItems", "decreased", "min-items")
    add("ResponsePropertyMinItemsUnsetCheck", "minItems", "unset", "min-items")
    return rows


ROWS = _rows()


def moved(diff: SchemaDiff, keyword: str) -> tuple[Move, float | None, float | None] | None:
    """How the keyword's value moved between the two schemas, None when it did not."""
    assert diff.base is not None and diff.revision is not None
    a, b = number(diff.base.get(keyword)), number(diff.revision.get(keyword))
    if a == b:
        return None
    if a is None:
        return ("set", a, b)
    if b is None:
        return ("unset", a, b)
    return ("increased" if b > a else "decreased", a, b)


def _text(what: str, keyword: str, a: float | None, b: float | None) -> str:
    if a is None:
        return f"{what}{keyword} was set to {shown(b)}"
    if b is None:
        return f"{what}{keyword} {shown(a)} was removed"
    return f"{what}{keyword} changed from {shown(a)} to {shown(b)}"


def _prop_id(row: Bound, prop: Prop) -> str:
    """The row's property id; "" when the property does not count on this side."""
    if row.request and flag(prop.revision, "readOnly"):
        return "" if row.move == "set" else (row.read_only_id or row.prop_id)
    if not row.request and flag(prop.revision, "writeOnly"):
        return ""
    return row.prop_id


def _body_changes(body: Body, rows: list[Bound]) -> Iterator[ApiChange]:
    """The body's, then each property's, movements that the rows report."""
    keywords = {row.keyword for row in rows}
    for prop in [None, *props(body)]:
        diff = body.diff if prop is None else prop.diff
        assert diff.base is not None and diff.revision is not None
        if not any(k in diff.base or k in diff.revision for k in keywords):
            continue
        for row in rows:
            found = moved(diff, row.keyword)
            if not found or found[0] != row.move:
                continue
            what, before, after = "body ", found[1], found[2]
            details: dict[str, Any] = {"keyword": row.keyword, "before": before, "after": after}
            if prop is None:
                yield body.report(row.check, row.body_id, _text(what, row.keyword, before, after),
                                  **details)  # fmt: skip
            elif id := _prop_id(row, prop):
                yield body.about(row.check, id, prop.name, _text("", row.keyword, before, after),
                                 at=prop.revision, **details)  # fmt: skip


def _make(name: str, rows: list[Bound]) -> None:
    request = rows[0].request

    def run(ctx: DiffContext) -> Iterator[ApiChange]:
        for body in bodies(ctx, request):
            yield from _body_changes(body, rows)

    run.__name__ = run.__qualname__ = name
    run.__doc__ = f"oasdiff's {name}: " + ", ".join(f"{r.keyword} {r.move}" for r in rows)
    check(name)(run)


def _register() -> None:
    grouped: dict[str, list[Bound]] = {}
    for row in ROWS:
        grouped.setdefault(row.check, []).append(row)
    for name, rows in grouped.items():
        _make(name, rows)


_register()
