"""The generated adapter's own test cases, one or more per mapping of the mapping table.

Each case is built from one mapping entry alone (a rename, a default, an enum pair, a moved
path), not by running the runtime, so a runtime that mis-applies a mapping fails its case: a
v1 request (or a v2 response) carrying just that field, and where the value must arrive.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

Case = dict[str, Any]


def _fill(template: str, values: list[str]) -> str:
    return re.sub(r"\{(\d+)\}", lambda m: values[int(m.group(1))], template)


def _v1_values(v1_path: str) -> list[str]:
    return [f"p{i + 1}" for i in range(len(re.findall(r"\{[^}/]+\}", v1_path)))]


def _v1_url(v1_path: str) -> str:
    values = iter(_v1_values(v1_path))
    return re.sub(r"\{[^}/]+\}", lambda _m: next(values), v1_path)


def _build(pointer: list[str], leaf: Any) -> Any:
    """A body holding `leaf` at `pointer` ("[]" for an array element)."""
    for key in reversed(pointer):
        leaf = [leaf] if key == "[]" else {key: leaf}
    return leaf


def _check(pointer: list[str]) -> list[str | int]:
    return [0 if key == "[]" else key for key in pointer]


def body_checks(
    node: dict[str, Any], inp: list[str], out: list[str]
) -> Iterator[tuple[str, Any, list[Any], list[Any]]]:
    """(label, input body, [[pointer, expected]...], [absent pointers]) per mapping of a node."""
    for before, after in node.get("enum", ()):
        yield (
            f"enum {before!r} -> {after!r} at /{'/'.join(inp)}",
            _build(inp, before),
            [[_check(out), after]],
            [],
        )
    for old, new in node.get("rename", {}).items():
        sample = f"sample-{old}"
        absent = [_check([*out, old])] if old != new else []
        yield (
            f"'{old}' -> '{new}' at /{'/'.join(inp)}",
            _build([*inp, old], sample),
            [[_check([*out, new]), sample]],
            absent,
        )
    for name in node.get("drop", ()):
        yield (
            f"'{name}' dropped at /{'/'.join(inp)}",
            _build([*inp, name], "sample"),
            [],
            [_check([*out, name])],
        )
    for name, value in node.get("defaults", {}).items():
        yield (
            f"'{name}' defaults to {value!r} at /{'/'.join(out)}",
            _build(inp, {}),
            [[_check([*out, name]), value]],
            [],
        )
    renames = node.get("rename", {})
    for key, child in node.get("properties", {}).items():
        yield from body_checks(child, [*inp, key], [*out, renames.get(key, key)])
    if "items" in node:
        yield from body_checks(node["items"], [*inp, "[]"], [*out, "[]"])
    for source, target in node.get("moves", ()):
        sample = f"sample-{'-'.join(source)}"
        yield (
            f"/{'/'.join([*inp, *source])} moved to /{'/'.join([*out, *target])}",
            _build([*inp, *source], sample),
            [[_check([*out, *target]), sample]],
            [_check([*out, *source])] if source != target else [],
        )


def _status(key: str, taken: set[str]) -> int:
    if key.isdigit():
        return int(key)
    if key.endswith("XX"):
        return int(key[0]) * 100
    return next(
        s for s in (500, 503, 400, 422) if str(s) not in taken and f"{str(s)[0]}XX" not in taken
    )


def operation_cases(op: dict[str, Any], prefix: str, v1_base: str, v2_base: str) -> Iterator[Case]:
    """Every case of one operation entry of the mapping."""
    where = f"{op['method']} {op['v1_path']}"
    url = prefix + (v1_base if prefix == "/v1" else "") + _v1_url(op["v1_path"])
    base = {"method": op["method"], "path": url}
    target = v2_base + _fill(op["v2_target"], _v1_values(op["v1_path"]))
    routed = {"method": op["v2_method"], "path": target}
    yield {
        "name": f"{where} reaches {op['v2_method']} {op['v2_path']}",
        "request": base,
        "expect_request": routed,
        "expect_headers": op.get("deprecation", {}),
    }
    query = op.get("query", {})
    for old, new in query.get("rename", {}).items():
        yield {
            "name": f"{where} query '{old}' -> '{new}'",
            "request": {**base, "query": f"{old}=sample"},
            "expect_request": {
                "query_has": [[new, "sample"]],
                "query_lacks": [old] if old != new else [],
            },
        }
    for name, pairs in query.get("enum", {}).items():
        for before, after in pairs:
            yield {
                "name": f"{where} query {name}={before} -> {after}",
                "request": {**base, "query": f"{name}={before}"},
                "expect_request": {"query_has": [[query.get("rename", {}).get(name, name), after]]},
            }
    for name, value in query.get("defaults", {}).items():
        yield {
            "name": f"{where} query '{name}' defaults to {value}",
            "request": base,
            "expect_request": {"query_has": [[name, value]]},
        }
    for name in query.get("drop", ()):
        yield {
            "name": f"{where} query '{name}' dropped",
            "request": {**base, "query": f"{name}=sample"},
            "expect_request": {"query_lacks": [name]},
        }
    headers = op.get("headers", {})
    for old, new in headers.get("rename", {}).items():
        yield {
            "name": f"{where} header '{old}' -> '{new}'",
            "request": {**base, "headers": [[old, "sample"]]},
            "expect_request": {"headers_have": [[new.lower(), "sample"]]},
        }
    if op.get("request"):
        for label, body, present, absent in body_checks(op["request"], [], []):
            yield {
                "name": f"{where} request {label}",
                "request": {**base, "body": body},
                "expect_request": {"body_at": present, "body_lacks": absent},
            }
    statuses = op.get("status", {})
    for v2_status, v1_status in statuses.items():
        yield {
            "name": f"{where} answers {v1_status} for v2's {v2_status}",
            "request": base,
            "response": {"status": int(v2_status), "body": {}},
            "expect_response": {"status": v1_status},
        }
    responses = op.get("responses", {})
    for key, node in responses.items():
        status = _status(key, set(responses))
        expected = statuses.get(str(status), status)
        for label, body, present, absent in body_checks(node, [], []):
            yield {
                "name": f"{where} response {key} {label}",
                "request": base,
                "response": {"status": status, "body": body},
                "expect_response": {"status": expected, "body_at": present, "body_lacks": absent},
            }


def all_cases(mapping: dict[str, Any]) -> list[Case]:
    """The cases of every operation, plus v1 recognised by header and v2 passing through."""
    prefix, v1_base, v2_base = (mapping.get(k, "") for k in ("v1_prefix", "v1_base", "v2_base"))
    ops = mapping.get("operations", ())
    cases = [case for op in ops for case in operation_cases(op, prefix, v1_base, v2_base)]
    if ops:
        op = ops[0]
        version = mapping.get("v1_versions", ["1"])[0]
        cases.append(
            {
                "name": f"{op['method']} {op['v1_path']} with API-Version: {version}",
                "request": {
                    "method": op["method"],
                    "path": v1_base + _v1_url(op["v1_path"]),
                    "headers": [["api-version", version]],
                },
                "expect_request": {
                    "method": op["v2_method"],
                    "path": v2_base + _fill(op["v2_target"], _v1_values(op["v1_path"])),
                },
            }
        )
    for dep in mapping.get("v2_deprecations", ()):
        path = v2_base + _v1_url(dep["path"])
        cases.append(
            {
                "name": f"v2 {dep['method']} {dep['path']} is deprecated",
                "request": {"method": dep["method"], "path": path},
                "expect_request": {"method": dep["method"], "path": path},
                "expect_headers": dep["headers"],
            }
        )
    return cases
