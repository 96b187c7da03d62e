"""Security checks: the spec-wide and per-operation security requirements, and the security
schemes of `components/securitySchemes`. All are informational in oasdiff (whether a new
requirement breaks a client depends on credentials the spec cannot see).

A security list is an OR of alternatives, each an AND of schemes with their scopes. Two lists
are matched the way oasdiff does: identical alternatives first, then an alternative whose set
of schemes is unique on both sides is compared scope by scope, and the rest count as removed
and added alternatives.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.endpoint_scope import modified

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange

Alternative = dict[str, list[str]]


@dataclass
class RequirementsDiff:
    added: list[Alternative] = field(default_factory=list)
    deleted: list[Alternative] = field(default_factory=list)
    # (scheme, scopes added, scopes deleted) of the alternatives matched by their schemes
    scopes: list[tuple[str, list[str], list[str]]] = field(default_factory=list)


def _alternatives(value: Any) -> list[Alternative]:
    found = []
    for item in value if isinstance(value, list) else ():
        if isinstance(item, dict):
            found.append({str(k): [str(s) for s in v or ()] for k, v in item.items()})
    return found


def show(alternative: Alternative) -> str:
    """`a AND b: [read, write]`, as oasdiff names an alternative."""
    parts = []
    for scheme in sorted(alternative):
        scopes = sorted(alternative[scheme])
        parts.append(f"{scheme}: [{', '.join(scopes)}]" if scopes else scheme)
    return " AND ".join(parts)


def _same_scopes(a: Alternative, b: Alternative) -> bool:
    return all(set(a[s]) == set(b.get(s, ())) for s in a)


def requirements_diff(base: Any, revision: Any) -> RequirementsDiff:
    a, b = _alternatives(base), _alternatives(revision)
    used_a, used_b = [False] * len(a), [False] * len(b)

    def find(alt: Alternative, exact: bool) -> int:
        for j, other in enumerate(b):
            if not used_b[j] and set(other) == set(alt) and (not exact or _same_scopes(alt, other)):
                return j
        return -1

    def unique(alts: list[Alternative], used: list[bool], schemes: set[str]) -> bool:
        return sum(1 for k, alt in enumerate(alts) if not used[k] and set(alt) == schemes) == 1

    for i, alt in enumerate(a):
        j = find(alt, exact=True)
        if j >= 0:
            used_a[i] = used_b[j] = True
    result = RequirementsDiff()
    for i, alt in enumerate(a):
        if used_a[i] or not unique(a, used_a, set(alt)):
            continue
        j = find(alt, exact=False)
        if j < 0 or not unique(b, used_b, set(b[j])):
            continue
        used_a[i] = used_b[j] = True
        for scheme in sorted(alt):
            before, after = alt[scheme], b[j].get(scheme, [])
            added = [s for s in after if s not in before]
            deleted = [s for s in before if s not in after]
            if added or deleted:
                result.scopes.append((scheme, added, deleted))
    result.deleted = [alt for i, alt in enumerate(a) if not used_a[i]]
    result.added = [alt for j, alt in enumerate(b) if not used_b[j]]
    return result


@check("APISecurityUpdatedCheck")
def api_security_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    name = "APISecurityUpdatedCheck"
    spec_wide = requirements_diff(ctx.base.doc.get("security"), ctx.revision.doc.get("security"))
    for alt in spec_wide.added:
        yield ctx.change(
            name,
            "api-global-security-added",
            f"security scheme '{show(alt)}' added",
            security=show(alt),
        )
    for alt in spec_wide.deleted:
        yield ctx.change(
            name,
            "api-global-security-removed",
            f"security scheme '{show(alt)}' removed",
            security=show(alt),
        )
    for scheme, added, deleted in spec_wide.scopes:
        for scope in added:
            yield ctx.change(
                name,
                "api-global-security-scope-added",
                f"security scope '{scope}' added to global security scheme '{scheme}'",
                scheme=scheme,
                scope=scope,
            )
        for scope in deleted:
            yield ctx.change(
                name,
                "api-global-security-scope-removed",
                f"security scope '{scope}' removed from global security scheme '{scheme}'",
                scheme=scheme,
                scope=scope,
            )
    for op in modified(ctx):
        found = requirements_diff(op.base.get("security"), op.revision.get("security"))
        for alt in found.added:
            if alt:
                yield ctx.change(
                    name,
                    "api-security-added",
                    f"endpoint scheme security '{show(alt)}' added",
                    op=op,
                    at=op.revision,
                    security=show(alt),
                )
        for alt in found.deleted:
            if alt:
                yield ctx.change(
                    name,
                    "api-security-removed",
                    f"endpoint scheme security '{show(alt)}' removed",
                    op=op,
                    at=op.revision,
                    security=show(alt),
                )
        for scheme, added, deleted in found.scopes:
            for scope in added:
                yield ctx.change(
                    name,
                    "api-security-scope-added",
                    f"security scope '{scope}' added to endpoint security scheme '{scheme}'",
                    op=op,
                    at=op.revision,
                    scheme=scheme,
                    scope=scope,
                )
            for scope in deleted:
                yield ctx.change(
                    name,
                    "api-security-scope-removed",
                    f"security scope '{scope}' removed from endpoint security scheme '{scheme}'",
                    op=op,
                    at=op.revision,
                    scheme=scheme,
                    scope=scope,
                )


def _schemes(doc: dict[str, Any]) -> dict[str, Any]:
    components = doc.get("components")
    found = components.get("securitySchemes") if isinstance(components, dict) else None
    return {str(k): v for k, v in found.items()} if isinstance(found, dict) else {}


def _scopes(flow: dict[str, Any]) -> dict[str, Any]:
    found = flow.get("scopes")
    return found if isinstance(found, dict) else {}


def _implicit(scheme: Any) -> dict[str, Any]:
    flows = scheme.get("flows") if isinstance(scheme, dict) else None
    flow = flows.get("implicit") if isinstance(flows, dict) else None
    return flow if isinstance(flow, dict) else {}


@check("APIComponentsSecurityUpdatedCheck")
def api_components_security_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    name = "APIComponentsSecurityUpdatedCheck"
    base, revision = _schemes(ctx.base.doc), _schemes(ctx.revision.doc)
    for key in [k for k in revision if k not in base]:
        yield ctx.change(
            name,
            "api-security-component-added",
            f"component security scheme '{key}' added",
            at=revision[key],
            scheme=key,
        )
    for key in [k for k in base if k not in revision]:
        yield ctx.change(
            name,
            "api-security-component-removed",
            f"component security scheme '{key}' removed",
            at=base[key],
            scheme=key,
        )
    for key in [k for k in base if k in revision]:
        yield from _scheme_changes(ctx, key, base[key], revision[key])


def _scheme_changes(ctx: DiffContext, key: str, before: Any, after: Any) -> Iterator[ApiChange]:
    name = "APIComponentsSecurityUpdatedCheck"
    if before == after or not isinstance(before, dict) or not isinstance(after, dict):
        return
    old, new = _implicit(before), _implicit(after)
    for field_name, id, what in (
        ("authorizationUrl", "api-security-component-oauth-url-changed", "oAuth authorization URL"),
        ("tokenUrl", "api-security-component-oauth-token-url-changed", "oAuth token URL"),
    ):
        if old.get(field_name) != new.get(field_name):
            yield ctx.change(
                name,
                id,
                f"the component security scheme '{key}' {what} changed "
                f"from '{old.get(field_name)}' to '{new.get(field_name)}'",
                at=after,
                scheme=key,
                before=old.get(field_name),
                after=new.get(field_name),
            )
    old_scopes, new_scopes = _scopes(old), _scopes(new)
    for scope in new_scopes:
        if scope not in old_scopes:
            yield ctx.change(
                name,
                "api-security-component-oauth-scope-added",
                f"the component security scheme '{key}' oAuth scope '{scope}' added",
                at=after,
                scheme=key,
                scope=scope,
            )
    for scope in old_scopes:
        if scope not in new_scopes:
            yield ctx.change(
                name,
                "api-security-component-oauth-scope-removed",
                f"the component security scheme '{key}' oAuth scope '{scope}' removed",
                at=after,
                scheme=key,
                scope=scope,
            )
        elif old_scopes[scope] != new_scopes[scope]:
            yield ctx.change(
                name,
                "api-security-component-oauth-scope-changed",
                f"the component security scheme '{key}' oAuth scope '{scope}' changed",
                at=after,
                scheme=key,
                scope=scope,
            )
    if before.get("type") != after.get("type"):
        yield ctx.change(
            name,
            "api-security-component-type-changed",
            f"the component security scheme '{key}' type changed "
            f"from '{before.get('type')}' to '{after.get('type')}'",
            at=after,
            scheme=key,
            before=before.get("type"),
            after=after.get("type"),
        )
