"""Subschemas added to or removed from allOf, anyOf, oneOf and prefixItems, in request and
response bodies and the schemas below them (oasdiff's …AllOfUpdatedCheck, …AnyOfUpdatedCheck,
…OneOfUpdated(Check), …PrefixItemsUpdatedCheck). How the entries of two lists are paired is
gitmigrate.openapi.subschemas; one finding names every entry added (or removed) at one place.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.composed_common import Finder, Finding, Site, report
from gitmigrate.openapi.checks.composed_patterns import list_of_types_changed, wrapped_in_one_of
from gitmigrate.openapi.equivalence import annotation_only, validation_equivalent
from gitmigrate.openapi.subschemas import Subschema, labels

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange

ADDED, REMOVED = ("added", "added to"), ("removed", "removed from")


def _found(
    stem: str, keyword: str, change: tuple[str, str], entries: list[Subschema], tail: str = ""
) -> Finding:
    first = entries[0].schema
    return Finding(
        f"{stem}-{change[0]}{tail}",
        f"{labels(entries)} {change[1]} {keyword}",
        first if isinstance(first, dict) else None,
        {"subschemas": [entry.label for entry in entries]},
    )


def _lists(site: Site, attribute: str) -> Iterator[tuple[tuple[str, str], list[Subschema]]]:
    subs = getattr(site.diff, attribute)
    if subs is not None:
        yield ADDED, subs.added
        yield REMOVED, subs.deleted


def _all_of(site: Site) -> Iterator[Finding]:
    """An entry that only annotates (title, description ...) accepts what `{}` accepts, so
    adding it rejects nothing: it is reported apart, at INFO (oasdiff's -annotation-only ids)."""
    for change, entries in _lists(site, "all_of"):
        real = [entry for entry in entries if not annotation_only(entry.schema)]
        notes = [entry for entry in entries if annotation_only(entry.schema)]
        if real:
            yield _found("all-of", "allOf", change, real)
        if notes:
            yield _found("all-of", "allOf", change, notes, "-annotation-only")


def _listed(attribute: str, keyword: str, stem: str) -> Finder:
    """The finder of a list whose every added or removed entry counts (anyOf, oneOf)."""

    def finder(site: Site) -> Iterator[Finding]:
        for change, entries in _lists(site, attribute):
            if entries:
                yield _found(stem, keyword, change, entries)

    return finder


_any_of = _listed("any_of", "anyOf", "any-of")
_one_of = _listed("one_of", "oneOf", "one-of")


def _item_schema(schema: dict[str, Any], index: int) -> Any:
    """What element `index` of an array is validated against: its prefixItems entry, else
    items, else anything."""
    prefix = schema.get("prefixItems")
    if isinstance(prefix, list) and index < len(prefix):
        return prefix[index]
    items = schema.get("items")
    return items if isinstance(items, dict) else {}


def _prefix_items(site: Site) -> Iterator[Finding]:
    """Only when the arrays accepted change: an entry equal to what `items` already says for
    its position changes nothing."""
    base, revision = site.diff.base, site.diff.revision
    assert base is not None and revision is not None
    if site.diff.prefix_items is None:
        return
    longest = max(len(base.get("prefixItems") or []), len(revision.get("prefixItems") or []))
    if all(
        validation_equivalent(_item_schema(base, i), _item_schema(revision, i))
        for i in range(longest)
    ):
        return
    for change, entries in _lists(site, "prefix_items"):
        if entries:
            yield _found("prefix-items", "prefixItems", change, entries)


def _no_type_list(site: Site) -> bool:
    """A oneOf/anyOf of bare types that gained or lost a type is the list-of-types check's."""
    return not list_of_types_changed(site.diff.base, site.diff.revision)


def _no_type_list_nor_wrap(site: Site) -> bool:
    """… and a body wrapped into a oneOf is the wrapped-in-one-of check's."""
    return _no_type_list(site) and not wrapped_in_one_of(site.diff.base, site.diff.revision)


@check("RequestPropertyAllOfUpdatedCheck")
def request_all_of(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(ctx, "RequestPropertyAllOfUpdatedCheck", "request", _all_of)


@check("ResponsePropertyAllOfUpdatedCheck")
def response_all_of(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(ctx, "ResponsePropertyAllOfUpdatedCheck", "response", _all_of)


@check("RequestPropertyAnyOfUpdatedCheck")
def request_any_of(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(
        ctx,
        "RequestPropertyAnyOfUpdatedCheck",
        "request",
        _any_of,
        gate=_no_type_list,
        property_gate=_no_type_list,
    )


@check("ResponsePropertyAnyOfUpdatedCheck")
def response_any_of(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(
        ctx,
        "ResponsePropertyAnyOfUpdatedCheck",
        "response",
        _any_of,
        gate=_no_type_list,
        property_gate=_no_type_list,
    )


@check("RequestPropertyOneOfUpdatedCheck")
def request_one_of(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(
        ctx,
        "RequestPropertyOneOfUpdatedCheck",
        "request",
        _one_of,
        gate=_no_type_list_nor_wrap,
        property_gate=_no_type_list,
    )


@check("ResponsePropertyOneOfUpdated")
def response_one_of(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(
        ctx,
        "ResponsePropertyOneOfUpdated",
        "response",
        _one_of,
        gate=_no_type_list_nor_wrap,
        property_gate=_no_type_list,
    )


@check("RequestPropertyPrefixItemsUpdatedCheck")
def request_prefix_items(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(ctx, "RequestPropertyPrefixItemsUpdatedCheck", "request", _prefix_items)


@check("ResponsePropertyPrefixItemsUpdatedCheck")
def response_prefix_items(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(ctx, "ResponsePropertyPrefixItemsUpdatedCheck", "response", _prefix_items)
