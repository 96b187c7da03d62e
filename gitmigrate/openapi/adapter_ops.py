"""Which v2 operation serves each v1 operation, and how its parameters and bodies map.

An operation keeps its place when v2 has the same method and path template (parameter names
ignored). Otherwise v2 may say where it came from with `x-moved-from: /old/path` (on the
operation or its path item), or keep the operationId under a new path (or method). Path
parameters are matched by name, else by position. Query and header parameters follow the same
rename rules as fields (`x-renamed-from`, or one removed and one added of equal schema). When
each side has a single success status and they differ (v1 200, v2 201), v1 gets its own back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from gitmigrate.openapi.adapter_schema import Claim, Findings, body_node, enum_pairs, same_schema

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PARAM = re.compile(r"\{([^}/]+)\}")
MOVE_IDS = frozenset(
    {
        "api-path-removed-without-deprecation",
        "api-removed-without-deprecation",
        "api-path-removed-before-sunset",
        "api-removed-before-sunset",
        "api-path-removed-with-deprecation",
        "api-removed-with-deprecation",
    }
)
PARAM_RENAME_IDS = frozenset(
    {
        "request-parameter-removed",
        "new-optional-request-parameter",
        "new-required-request-parameter",
    }
)
PARAM_DROP_IDS = frozenset({"request-parameter-removed"})
PARAM_FILL_IDS = frozenset(
    {
        "new-required-request-parameter",
        "request-parameter-became-required",
        "new-required-request-default-parameter-to-existing-path",
    }
)
SUCCESS_IDS = frozenset({"response-success-status-removed", "response-success-status-added"})
PARAM_ENUM_IDS = frozenset(
    {"request-parameter-enum-value-removed", "request-parameter-enum-value-added"}
)
JSON = re.compile(r"^application/(.+\+)?json$|^\*/\*$|^application/\*$")


def norm(path: str) -> str:
    """A path template with its parameter names blanked: `/pets/{id}` -> `/pets/{}`."""
    return PARAM.sub("{}", path)


def op_key(method: str, path: str) -> str:
    return f"{method.upper()} {norm(path)}"


@dataclass
class Operation:
    method: str  # "GET"
    path: str
    op: dict[str, Any]
    params: dict[tuple[str, str], dict[str, Any]]  # (in, name) -> parameter, path-level merged


@dataclass
class Pairing:
    """One v1 operation served by one v2 operation, with what the adapter does for it."""

    v1: Operation
    v2: Operation
    spec: dict[str, Any] = field(default_factory=dict)  # the runtime's operation entry
    findings: Findings = field(default_factory=Findings)

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(
            {op_key(self.v1.method, self.v1.path), op_key(self.v2.method, self.v2.path)}
        )


def operations(doc: dict[str, Any]) -> Iterator[Operation]:
    for path, item in (doc.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        shared = {
            (p.get("in", ""), p.get("name", "")): p
            for p in item.get("parameters") or ()
            if isinstance(p, dict)
        }
        for method in METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                own = {
                    (p.get("in", ""), p.get("name", "")): p
                    for p in op.get("parameters") or ()
                    if isinstance(p, dict)
                }
                yield Operation(method.upper(), path, op, {**shared, **own})


def _moved_from(doc: dict[str, Any], op: Operation) -> str | None:
    item = (doc.get("paths") or {}).get(op.path) or {}
    source = op.op.get("x-moved-from", item.get("x-moved-from"))
    return source if isinstance(source, str) else None


def pair_operations(doc1: dict[str, Any], doc2: dict[str, Any]) -> list[Pairing]:
    """Every v1 operation that some v2 operation serves, same place or moved."""
    v2_ops = list(operations(doc2))
    by_key = {op_key(o.method, o.path): o for o in v2_ops}
    v1_keys = {op_key(o.method, o.path) for o in operations(doc1)}
    pairs: list[Pairing] = []
    for old in operations(doc1):
        new = by_key.get(op_key(old.method, old.path))
        if new is None:
            new = next(
                (
                    o
                    for o in v2_ops
                    if o.method == old.method
                    and (src := _moved_from(doc2, o))
                    and norm(src) == norm(old.path)
                ),
                None,
            )
        if new is None and old.op.get("operationId"):
            new = next(
                (
                    o
                    for o in v2_ops
                    if o.op.get("operationId") == old.op["operationId"]
                    and op_key(o.method, o.path) not in v1_keys
                ),
                None,
            )
        if new is not None and len(PARAM.findall(old.path)) == len(PARAM.findall(new.path)):
            pairs.append(Pairing(old, new))
    return pairs


def target_template(v1_path: str, v2_path: str) -> str:
    """The v2 path with each parameter replaced by `{i}`, i its position in the v1 path."""
    names1 = PARAM.findall(v1_path)
    names2 = PARAM.findall(v2_path)
    order = (
        [names1.index(n) for n in names2]
        if sorted(names1) == sorted(names2)
        else list(range(len(names2)))
    )
    it = iter(order)
    return PARAM.sub(lambda _m: "{" + str(next(it)) + "}", v2_path)


def json_schema(holder: dict[str, Any] | None) -> dict[str, Any] | None:
    """The schema of the first JSON media type of a request body or response."""
    content = (holder or {}).get("content") or {}
    for media, item in content.items():
        if JSON.match(str(media).split(";")[0].strip().lower()) and isinstance(item, dict):
            schema = item.get("schema")
            return schema if isinstance(schema, dict) else None
    return None


def map_operation(pair: Pairing) -> None:
    """Fills `pair.spec` (the runtime entry) and `pair.findings` for one paired operation."""
    v1, v2, findings = pair.v1, pair.v2, pair.findings
    where = f"{v1.method} {v1.path}"
    spec: dict[str, Any] = {
        "method": v1.method,
        "v1_path": v1.path,
        "v2_method": v2.method,
        "v2_path": v2.path,
        "v2_target": target_template(v1.path, v2.path),
    }
    if op_key(v1.method, v1.path) != op_key(v2.method, v2.path):
        findings.add(f"{where} is served by {v2.method} {v2.path}", MOVE_IDS)
    for location in ("query", "header"):
        mapped = _parameters(v1.params, v2.params, location, where, findings)
        if mapped:
            spec[location if location == "query" else "headers"] = mapped
    request = body_node(
        json_schema(v1.op.get("requestBody")),
        json_schema(v2.op.get("requestBody")),
        "request",
        f"{where} request",
        findings,
    )
    if request:
        spec["request"] = request
    responses: dict[str, Any] = {}
    r1 = {str(k): v for k, v in (v1.op.get("responses") or {}).items()}
    r2 = {str(k): v for k, v in (v2.op.get("responses") or {}).items()}
    statuses = {s: s for s in r1.keys() & r2.keys()}
    success = success_status(r1, r2)
    if success:
        old, new = success
        statuses[old] = new
        spec["status"] = {new: int(old)}
        findings.add(f"{where}: v2 answers {new} where v1 answered {old}", SUCCESS_IDS, old, new)
    for old, new in sorted(statuses.items()):
        node = body_node(
            json_schema(r1[old]),
            json_schema(r2[new]),
            "response",
            f"{where} response {old}",
            findings,
        )
        if node:
            responses[new] = node  # keyed by the status the v2 app answers
    if responses:
        spec["responses"] = responses
    pair.spec = spec


def success_status(r1: dict[str, Any], r2: dict[str, Any]) -> tuple[str, str] | None:
    """(v1 status, v2 status) when each side has one success status and they differ."""
    ok1 = [s for s in r1 if s.startswith("2") and s.isdigit()]
    ok2 = [s for s in r2 if s.startswith("2") and s.isdigit()]
    if len(ok1) == 1 == len(ok2) and ok1 != ok2 and ok1[0] not in r2 and ok2[0] not in r1:
        return ok1[0], ok2[0]
    return None


def _parameters(
    p1: dict[tuple[str, str], dict[str, Any]],
    p2: dict[tuple[str, str], dict[str, Any]],
    location: str,
    where: str,
    findings: Findings,
) -> dict[str, Any]:
    """The runtime entry of one parameter location: renamed, dropped, defaulted, enum-mapped."""
    old = {name: p for (loc, name), p in p1.items() if loc == location}
    new = {name: p for (loc, name), p in p2.items() if loc == location}
    renames: dict[str, str] = {}
    for name, param in new.items():
        source = param.get("x-renamed-from")
        if isinstance(source, str) and source in old and source not in new:
            renames[source] = name
    deleted = [n for n in old if n not in new and n not in renames]
    added = [n for n in new if n not in old and n not in renames.values()]
    for name in deleted:
        matches = [a for a in added if same_schema(old[name].get("schema"), new[a].get("schema"))]
        if len(matches) == 1 and not new[matches[0]].get("required"):
            renames[name] = matches[0]
    entry: dict[str, Any] = {}
    for source, target in renames.items():
        findings.add(
            f"{where}: {location} parameter '{source}' is '{target}' in v2",
            PARAM_RENAME_IDS,
            source,
            target,
        )
    if renames:
        entry["rename"] = renames
    drop = sorted(n for n in old if n not in new and n not in renames)
    for name in drop:
        findings.add(
            f"{where}: v1 {location} parameter '{name}' is dropped (v2 removed it)",
            PARAM_DROP_IDS,
            name,
        )
    if drop:
        entry["drop"] = drop
    defaults: dict[str, str] = {}
    for name, param in sorted(new.items()):
        schema = param.get("schema") or {}
        was_required = bool(old.get(name, {}).get("required")) or name in renames.values()
        if param.get("required") and not was_required and "default" in schema:
            defaults[name] = _text(schema["default"])
            findings.add(
                f"{where}: v2 requires {location} parameter '{name}': v1 requests get {defaults[name]!r}",
                PARAM_FILL_IDS,
                name,
            )
        elif name not in old and name not in renames.values() and not param.get("required"):
            findings.mapped.append(
                f"{where}: optional {location} parameter '{name}' added in v2 (nothing to do)"
            )
            findings.claims.append(
                Claim(frozenset({"new-optional-request-parameter"}), frozenset({name}))
            )
    if defaults:
        entry["defaults"] = defaults
    enums = _parameter_enums(old, new, renames, where, location, findings)
    if enums:
        entry["enum"] = enums
    return entry


def _parameter_enums(
    old: dict[str, dict[str, Any]],
    new: dict[str, dict[str, Any]],
    renames: dict[str, str],
    where: str,
    location: str,
    findings: Findings,
) -> dict[str, list[list[str]]]:
    enums: dict[str, list[list[str]]] = {}
    for name, param in old.items():
        target = renames.get(name, name)
        s1, s2 = param.get("schema"), (new.get(target) or {}).get("schema")
        if isinstance(s1, dict) and isinstance(s2, dict):
            pairs = enum_pairs(s1, s2)
            if pairs:
                enums[name] = [[_text(a), _text(b)] for a, b in pairs]
                findings.add(
                    f"{where}: {location} parameter '{name}' value "
                    + ", ".join(f"{a!r} -> {b!r}" for a, b in pairs),
                    PARAM_ENUM_IDS,
                    name,
                    *(_text(v) for p in pairs for v in p),
                )
    return enums


def _text(value: Any) -> str:
    """A parameter value as it travels in a query string or header."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
