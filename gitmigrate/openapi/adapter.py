"""`api adapter`: generate the ASGI middleware that serves v1 clients on the v2 implementation.

`generate_adapter` pairs the operations of the two specs (`adapter_ops`), maps each pair's
parameters and bodies (`adapter_schema`), and renders a standalone package (`adapter_render`):
the runtime (`adapter_runtime.py`, copied unchanged), the mapping as a Python literal, a README
and the package's own pytest tests. Every ERR change of the diff that no mapping answers is
returned in `manual`: the adapter cannot serve it and a person must decide.

The mapping is plain data the runtime interprets:
`{"v1_prefix", "v1_base", "v2_base", "v1_versions": [...], "operations": [{"method",
"v1_path", "v2_method", "v2_path", "v2_target" ("/animals/{0}": v1 path parameters by
position), "query"? and "headers"? {"rename", "drop", "defaults", "enum"}, "request"? node,
"responses"? {v2 status: node}, "status"? {v2 status: v1 status}, "deprecation"? {header:
value}}], "v2_deprecations": [{"method", "path", "headers"}]}`, where a node is
`{"rename", "drop", "defaults", "enum", "properties", "items", "moves"}` (all optional).

The spec extensions it reads (v2 side): `x-renamed-from` (a property or parameter's v1 name, or
a JSON pointer for a moved field), `x-moved-from` (an operation's v1 path), `x-enum-map`
(`{v1 value: v2 value}`), `x-sunset` and `x-deprecated-at` (dates of a deprecated operation).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

from gitmigrate.openapi.adapter_ops import (
    PARAM,
    Pairing,
    map_operation,
    op_key,
    operations,
    pair_operations,
)
from gitmigrate.openapi.adapter_render import render
from gitmigrate.openapi.adapter_schema import Claim
from gitmigrate.openapi.diff import diff_specs
from gitmigrate.openapi.model import ApiChange, DiffOptions
from gitmigrate.openapi.spec import Spec

_QUOTED = re.compile(r"[`']([^`']*)[`']")


@dataclass(frozen=True)
class AdapterFiles:
    """The generated package, what it maps and what it cannot.

    `files`: path inside the package folder (`__init__.py`, `tests/test_adapter.py`) -> content;
    write them under a folder whose name is a Python identifier (`package`, as the README says).
    `changes`: every change considered, the given ones plus those found inside moved operations
    (which a plain diff reports only as a removed endpoint); `manual` is among them.
    """

    files: dict[str, bytes]
    manual: list[ApiChange]
    mapped: list[str] = field(default_factory=list)
    changes: list[ApiChange] = field(default_factory=list)


def generate_adapter(
    base: Spec,
    revision: Spec,
    changes: Sequence[ApiChange],
    *,
    guide_url: str | None = None,
    deprecations: Mapping[str, dt.date | dt.datetime] | None = None,
    today: dt.date | None = None,
    package: str = "v1_adapter",
    options: DiffOptions | None = None,
) -> AdapterFiles:
    """The v1 adapter for `base` (v1) served on `revision` (v2), from their diff `changes`.

    `deprecations` maps a v2 operation ("GET /pets/{id}") to when it was deprecated (the
    `Deprecation` header); without it the operation's `x-deprecated-at`, else `today`, is used.
    `options` are those `changes` were found with, used again for the changes inside moved
    operations.
    """
    today = today or (options.today if options else None)
    pairs = pair_operations(base.doc, revision.doc)
    for pair in pairs:
        map_operation(pair)
    headers = {
        op_key(o.method, o.path): _deprecation_headers(
            o.op, f"{o.method} {o.path}", guide_url, deprecations or {}, today
        )
        for o in operations(revision.doc)
        if o.op.get("deprecated") is True
    }
    for pair in pairs:
        found = headers.get(op_key(pair.v2.method, pair.v2.path))
        if found:
            pair.spec["deprecation"] = found
            pair.findings.mapped.append(
                f"{pair.v1.method} {pair.v1.path}: deprecated in v2, responses carry "
                + ", ".join(f"{k}: {v}" for k, v in found.items())
            )
    v1_base, v2_base = server_path(base.doc), server_path(revision.doc)
    mapping: dict[str, Any] = {
        "v1_prefix": v1_base if v1_base and v1_base != v2_base else "/v1",
        "v1_base": v1_base,
        "v2_base": v2_base,
        "v1_versions": _versions(base.doc),
        "operations": [p.spec for p in pairs if _does_something(p)],
        "v2_deprecations": [
            {"method": o.method, "path": o.path, "headers": headers[op_key(o.method, o.path)]}
            for o in operations(revision.doc)
            if op_key(o.method, o.path) in headers
        ],
    }
    mapped = [line for p in pairs for line in p.findings.mapped]
    every = _unique([*changes, *moved_changes(base, revision, pairs, options or _options(today))])
    manual = [c for c in every if c.level == "error" and not covered(c, pairs)]
    files = render(
        mapping,
        mapped=mapped,
        manual=[_manual_line(c) for c in manual],
        package=package,
        title=str((base.doc.get("info") or {}).get("title", "the API")),
    )
    return AdapterFiles(files=files, manual=manual, mapped=mapped, changes=every)


def moved_changes(
    base: Spec, revision: Spec, pairs: list[Pairing], options: DiffOptions | None = None
) -> list[ApiChange]:
    """The changes inside moved operations, which a diff of the two specs reports only as a
    removed and an added endpoint: the v2 operations are diffed again under their v1 paths."""
    moved = [p for p in pairs if op_key(p.v1.method, p.v1.path) != op_key(p.v2.method, p.v2.path)]
    if not moved:
        return []
    paths: dict[str, Any] = {
        k: dict(v) for k, v in (revision.doc.get("paths") or {}).items() if isinstance(v, dict)
    }
    for pair in moved:
        paths.get(pair.v2.path, {}).pop(pair.v2.method.lower(), None)
    for pair in moved:
        item = paths.setdefault(pair.v1.path, {})
        item[pair.v1.method.lower()] = {**pair.v2.op, "parameters": _renamed_path_params(pair)}
    doc = {**revision.doc, "paths": paths}
    keys = {op_key(p.v1.method, p.v1.path) for p in moved}
    found = diff_specs(base, Spec(name=revision.name, doc=doc, version=revision.version), options)
    return [c for c in found if _change_key(c) in keys]


def _options(today: dt.date | None) -> DiffOptions | None:
    return DiffOptions(today=today) if today else None


def _unique(changes: list[ApiChange]) -> list[ApiChange]:
    seen: set[tuple[str, str, str, str]] = set()
    out = []
    for c in changes:
        if (c.id, c.operation, c.text, c.source) not in seen:
            seen.add((c.id, c.operation, c.text, c.source))
            out.append(c)
    return out


def _renamed_path_params(pair: Pairing) -> list[dict[str, Any]]:
    """The v2 operation's parameters, its path parameters named as in the v1 template."""
    names1 = PARAM.findall(pair.v1.path)
    target = pair.spec.get("v2_target", "")
    order = [int(i) for i in re.findall(r"\{(\d+)\}", target)]
    names2 = PARAM.findall(pair.v2.path)
    rename = {n2: names1[i] for n2, i in zip(names2, order, strict=False) if i < len(names1)}
    out = []
    for (where, name), param in pair.v2.params.items():
        out.append({**param, "name": rename.get(name, name)} if where == "path" else param)
    return out


def _does_something(pair: Pairing) -> bool:
    spec = pair.spec
    moved = op_key(spec["method"], spec["v1_path"]) != op_key(spec["v2_method"], spec["v2_path"])
    return moved or any(
        k in spec for k in ("query", "headers", "request", "responses", "deprecation")
    )


def server_path(doc: dict[str, Any]) -> str:
    """The path of the first server URL (`https://api.example/v1` -> `/v1`), variables filled."""
    servers = doc.get("servers") or [{}]
    server = servers[0] if isinstance(servers[0], dict) else {}
    url = str(server.get("url") or "")
    for name, variable in (server.get("variables") or {}).items():
        if isinstance(variable, dict):
            url = url.replace("{" + str(name) + "}", str(variable.get("default", "")))
    return urlsplit(url).path.rstrip("/")


def _versions(doc: dict[str, Any]) -> list[str]:
    """Header values naming v1: `1`, `v1`, and the v1 spec's own info.version."""
    version = str((doc.get("info") or {}).get("version", "")).strip()
    major = version.lstrip("vV").split(".")[0]
    return sorted({"1", "v1", *(v for v in (version, major, f"v{major}") if v and v != "v")})


def _when(value: Any) -> dt.datetime | None:
    """A date or RFC 3339 time (as oasdiff reads `x-sunset`) as an aware UTC datetime."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if isinstance(value, str):
        try:
            return _when(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def _deprecation_headers(
    op: dict[str, Any],
    key: str,
    guide_url: str | None,
    deprecations: Mapping[str, dt.date | dt.datetime],
    today: dt.date | None,
) -> dict[str, str]:
    """`Deprecation` (RFC 9745), `Sunset` (RFC 8594) and `Link` headers of a deprecated operation
    (the link: the operation's own `x-deprecation-link`, else the guide)."""
    since = (
        _when(deprecations.get(key))
        or _when(op.get("x-deprecated-at"))
        or _when(today or dt.date.today())
    )
    headers = {"Deprecation": f"@{int(since.timestamp())}"} if since else {}
    sunset = _when(op.get("x-sunset"))
    if sunset:
        headers["Sunset"] = format_datetime(sunset.astimezone(dt.UTC), usegmt=True)
    link = op.get("x-deprecation-link") or guide_url  # `api deprecate --link` writes the former
    if link:
        headers["Link"] = f'<{link}>; rel="deprecation"; type="text/html"'
    return headers


def _change_key(change: ApiChange) -> str:
    method, _, path = change.operation.partition(" ")
    return op_key(change.method or method, change.path or path)


def _change_names(change: ApiChange) -> set[str]:
    """Every name a change mentions (details values, quoted words), with their last segment."""
    words = [str(v) for v in change.details.values() if isinstance(v, str | int | float)]
    words += _QUOTED.findall(change.text)
    return {w for word in words for w in (word, word.rsplit("/", 1)[-1])}


def covered(change: ApiChange, pairs: Iterable[Pairing]) -> bool:
    """Whether some mapping of the change's operation answers it (same id, same name)."""
    key = _change_key(change)
    names = _change_names(change)
    return any(
        key in pair.keys and _answers(claim, change.id, names)
        for pair in pairs
        for claim in pair.findings.claims
    )


def _answers(claim: Claim, change_id: str, names: set[str]) -> bool:
    return change_id in claim.ids and (not claim.names or bool(claim.names & names))


def _manual_line(change: ApiChange) -> str:
    where = f"{change.operation}: " if change.operation else ""
    return f"{change.id} — {where}{change.text}"
