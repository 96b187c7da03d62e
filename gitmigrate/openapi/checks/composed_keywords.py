"""Schema-valued keywords that appeared or went (if/then/else, contains, propertyNames,
unevaluatedItems/Properties, contentSchema) and the scalar keywords that go with them
(minContains/maxContains, contentMediaType/contentEncoding), in request and response bodies and
the schemas below them: oasdiff's …IfUpdatedCheck, …ContainsUpdatedCheck,
…PropertyNamesUpdatedCheck, …UnevaluatedUpdatedCheck and …ContentUpdatedCheck.

A keyword whose subschema changed (present on both sides) is no finding here: what changed
inside it is reported by the other checks, which walk into it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.composed_common import (
    Finding,
    Site,
    added_or_removed,
    number,
    report,
)

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange


def _if_then_else(site: Site) -> Iterator[Finding]:
    d = site.diff
    yield from added_or_removed(d.if_, "if", "if")
    yield from added_or_removed(d.then, "then", "then")
    yield from added_or_removed(d.else_, "else", "else")


def _bound(site: Site, keyword: str, stem: str) -> Iterator[Finding]:
    """`<stem>-increased` / `-decreased` when a bound present on both sides moved."""
    changed = site.diff.value(keyword)
    if changed is None:
        return
    before, after = number(changed[0]), number(changed[1])
    if before is None or after is None or before == after:
        return
    word = "increased" if after > before else "decreased"
    yield Finding(
        f"{stem}-{word}",
        f"{keyword} {word} from {changed[0]} to {changed[1]}",
        site.diff.revision,
        {"before": changed[0], "after": changed[1]},
    )


def _contains(site: Site) -> Iterator[Finding]:
    yield from added_or_removed(site.diff.contains, "contains", "contains")
    yield from _bound(site, "minContains", "min-contains")
    yield from _bound(site, "maxContains", "max-contains")


def _property_names(site: Site) -> Iterator[Finding]:
    yield from added_or_removed(site.diff.property_names, "propertyNames", "property-names")


def _unevaluated(site: Site) -> Iterator[Finding]:
    """Only the schema forms: `unevaluatedProperties: false` is not a subschema to oasdiff."""
    d = site.diff
    yield from added_or_removed(d.unevaluated_items, "unevaluatedItems", "unevaluated-items")
    yield from added_or_removed(
        d.unevaluated_properties, "unevaluatedProperties", "unevaluated-properties"
    )


def _content(site: Site) -> Iterator[Finding]:
    yield from added_or_removed(site.diff.content_schema, "contentSchema", "content-schema")
    for keyword, stem in (
        ("contentMediaType", "content-media-type"),
        ("contentEncoding", "content-encoding"),
    ):
        changed = site.diff.value(keyword)
        if changed is not None:
            yield Finding(
                f"{stem}-changed",
                f"{keyword} changed from {changed[0] or 'none'} to {changed[1] or 'none'}",
                site.diff.revision,
                {"before": changed[0], "after": changed[1]},
            )


@check("RequestPropertyIfUpdatedCheck")
def request_if(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(ctx, "RequestPropertyIfUpdatedCheck", "request", _if_then_else)


@check("ResponsePropertyIfUpdatedCheck")
def response_if(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(ctx, "ResponsePropertyIfUpdatedCheck", "response", _if_then_else)


@check("RequestPropertyContainsUpdatedCheck")
def request_contains(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(ctx, "RequestPropertyContainsUpdatedCheck", "request", _contains)


@check("ResponsePropertyContainsUpdatedCheck")
def response_contains(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(ctx, "ResponsePropertyContainsUpdatedCheck", "response", _contains)


@check("RequestPropertyPropertyNamesUpdatedCheck")
def request_property_names(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(ctx, "RequestPropertyPropertyNamesUpdatedCheck", "request", _property_names)


@check("ResponsePropertyPropertyNamesUpdatedCheck")
def response_property_names(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(ctx, "ResponsePropertyPropertyNamesUpdatedCheck", "response", _property_names)


@check("RequestPropertyUnevaluatedUpdatedCheck")
def request_unevaluated(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(ctx, "RequestPropertyUnevaluatedUpdatedCheck", "request", _unevaluated)


@check("ResponsePropertyUnevaluatedUpdatedCheck")
def response_unevaluated(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(ctx, "ResponsePropertyUnevaluatedUpdatedCheck", "response", _unevaluated)


@check("RequestPropertyContentUpdatedCheck")
def request_content(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(ctx, "RequestPropertyContentUpdatedCheck", "request", _content)


@check("ResponsePropertyContentUpdatedCheck")
def response_content(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(ctx, "ResponsePropertyContentUpdatedCheck", "response", _content)
