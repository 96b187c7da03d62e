"""Keyed schema parts that gained or lost keys: patternProperties, dependentSchemas,
dependentRequired and the discriminator (its propertyName and mapping), in request and response
bodies and the schemas below them: oasdiff's …PatternPropertiesUpdatedCheck,
…DependentSchemasUpdatedCheck, …DependentRequiredChangedCheck and
Request/ResponseDiscriminatorUpdatedCheck.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.composed_common import Finding, Site, report

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange
    from gitmigrate.openapi.schemadiff import MapDiff


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _keys(
    found: MapDiff | None, site: Site, keyword: str, stem: str, noun: str
) -> Iterator[Finding]:
    """One finding per key added or removed (each is its own constraint)."""
    if found is None:
        return
    assert site.diff.base is not None and site.diff.revision is not None
    after, before = _dict(site.diff.revision.get(keyword)), _dict(site.diff.base.get(keyword))
    for key in found.added:
        yield Finding(
            f"{stem}-added", f"{noun} '{key}' added", _dict(after.get(key)) or None, {"key": key}
        )
    for key in found.deleted:
        yield Finding(
            f"{stem}-removed",
            f"{noun} '{key}' removed",
            _dict(before.get(key)) or None,
            {"key": key},
        )


def _pattern_properties(site: Site) -> Iterator[Finding]:
    yield from _keys(
        site.diff.pattern_properties,
        site,
        "patternProperties",
        "pattern-property",
        "pattern property",
    )


def _dependent_schemas(site: Site) -> Iterator[Finding]:
    yield from _keys(
        site.diff.dependent_schemas,
        site,
        "dependentSchemas",
        "dependent-schema",
        "dependent schema for",
    )


def _names(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def _dependent_required(site: Site) -> Iterator[Finding]:
    """Per key: added, removed, or its list of required properties changed (as a set)."""
    changed = site.diff.value("dependentRequired")
    if changed is None:
        return
    before, after = _dict(changed[0]), _dict(changed[1])
    for key, names in after.items():
        if key not in before:
            yield Finding(
                "dependent-required-added",
                f"dependentRequired '{key}' added (requires {', '.join(_names(names))})",
                details={"key": key, "after": _names(names)},
            )
        elif set(_names(before[key])) != set(_names(names)):
            yield Finding(
                "dependent-required-changed",
                f"dependentRequired '{key}' changed from "
                f"[{', '.join(_names(before[key]))}] to [{', '.join(_names(names))}]",
                details={"key": key, "before": _names(before[key]), "after": _names(names)},
            )
    for key, names in before.items():
        if key not in after:
            yield Finding(
                "dependent-required-removed",
                f"dependentRequired '{key}' removed (required {', '.join(_names(names))})",
                site.diff.base,
                {"key": key, "before": _names(names)},
            )


def _discriminator(site: Site) -> Iterator[Finding]:
    """Added or removed as a whole; else its propertyName and its mapping entries."""
    changed = site.diff.value("discriminator")
    if changed is None:
        return
    before, after = changed
    if not isinstance(before, dict) and not isinstance(after, dict):
        return
    if not isinstance(before, dict):
        yield Finding("discriminator-added", "discriminator added", after)
        return
    if not isinstance(after, dict):
        yield Finding("discriminator-removed", "discriminator removed", before)
        return
    if before.get("propertyName") != after.get("propertyName"):
        yield Finding(
            "discriminator-property-name-changed",
            f"discriminator propertyName changed from '{before.get('propertyName')}' "
            f"to '{after.get('propertyName')}'",
            at=after,
            details={"before": before.get("propertyName"), "after": after.get("propertyName")},
        )
    old, new = _mapping(before), _mapping(after)
    added = [key for key in new if key not in old]
    deleted = [key for key in old if key not in new]
    if added:
        yield Finding(
            "discriminator-mapping-added",
            f"discriminator mapping keys [{', '.join(added)}] added",
            at=after,
            details={"keys": added},
        )
    if deleted:
        yield Finding(
            "discriminator-mapping-deleted",
            f"discriminator mapping keys [{', '.join(deleted)}] deleted",
            at=after,
            details={"keys": deleted},
        )
    for key in old:
        if key in new and old[key] != new[key]:
            yield Finding(
                "discriminator-mapping-changed",
                f"discriminator mapping '{key}' changed from '{old[key]}' to '{new[key]}'",
                at=after,
                details={"key": key, "before": old[key], "after": new[key]},
            )


def _mapping(discriminator: dict[str, Any]) -> dict[str, str]:
    """key -> the schema it names (a `$ref` string; an object if a loader resolved it)."""
    mapping = _dict(discriminator.get("mapping"))
    found = {}
    for key, value in mapping.items():
        if isinstance(value, dict):
            value = value.get("$ref", id(value))
        found[str(key)] = str(value)
    return found


@check("RequestPropertyPatternPropertiesUpdatedCheck")
def request_pattern_properties(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(
        ctx, "RequestPropertyPatternPropertiesUpdatedCheck", "request", _pattern_properties
    )


@check("ResponsePropertyPatternPropertiesUpdatedCheck")
def response_pattern_properties(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(
        ctx, "ResponsePropertyPatternPropertiesUpdatedCheck", "response", _pattern_properties
    )


@check("RequestPropertyDependentSchemasUpdatedCheck")
def request_dependent_schemas(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(ctx, "RequestPropertyDependentSchemasUpdatedCheck", "request", _dependent_schemas)


@check("ResponsePropertyDependentSchemasUpdatedCheck")
def response_dependent_schemas(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(
        ctx, "ResponsePropertyDependentSchemasUpdatedCheck", "response", _dependent_schemas
    )


@check("RequestPropertyDependentRequiredChangedCheck")
def request_dependent_required(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(
        ctx, "RequestPropertyDependentRequiredChangedCheck", "request", _dependent_required
    )


@check("ResponsePropertyDependentRequiredChangedCheck")
def response_dependent_required(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(
        ctx, "ResponsePropertyDependentRequiredChangedCheck", "response", _dependent_required
    )


@check("RequestDiscriminatorUpdatedCheck")
def request_discriminator(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(ctx, "RequestDiscriminatorUpdatedCheck", "request", _discriminator)


@check("ResponseDiscriminatorUpdatedCheck")
def response_discriminator(ctx: DiffContext) -> Iterator[ApiChange]:
    return report(ctx, "ResponseDiscriminatorUpdatedCheck", "response", _discriminator)
