"""``check_terraform``: the converted files parse, and their target-provider resources name only
types, arguments and nested blocks recorded in the provider schema (package data), required ones
present. No terraform binary or provider download is needed (neither is available offline)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.platform.terraform_hcl import Block, HclFile, parse_hcl
from gitmigrate.platform.terraform_table import load_schema

_META_ATTRS = {"count", "for_each", "depends_on", "provider"}
_META_BLOCKS = {"lifecycle", "dynamic", "provisioner", "connection", "timeouts"}
_PREFIX = {"gcp": "google_", "google": "google_", "azure": "azurerm_", "azurerm": "azurerm_"}


def check_terraform(files: Mapping[str, str], *, provider: str) -> list[str]:
    """Problems as ``path:line:col: message`` lines; [] = every file parses and matches the schema."""
    schema = load_schema(provider)
    types: dict[str, Any] = schema["resource_types"]
    prefix = _PREFIX[provider]
    problems: list[str] = []
    for path, text in sorted(files.items()):
        try:
            parsed = parse_hcl(path, text)
        except UsageError as exc:
            problems.append(str(exc))
            continue
        problems += _check_references(parsed, types, prefix)
        for block in parsed.blocks:
            if (
                block.type != "resource"
                or len(block.labels) != 2
                or not block.labels[0].startswith(prefix)
            ):
                continue
            spec = types.get(block.labels[0])
            where = f"{path}:{block.line}:{block.column}"
            if spec is None:
                problems.append(
                    f"{where}: resource type {block.labels[0]} is not in the recorded {provider} schema"
                )
                continue
            problems += _check_body(block, spec, block.labels[0], path, top=True)
    return problems


def _check_body(
    block: Block, spec: dict[str, Any], name: str, path: str, *, top: bool = False
) -> list[str]:
    out: list[str] = []
    args: dict[str, Any] = spec["arguments"]
    nested: dict[str, Any] = spec["blocks"]
    for attr in block.attributes.values():
        if attr.name not in args and not (top and attr.name in _META_ATTRS):
            out.append(
                f"{path}:{attr.line}:{attr.column}: {name} has no argument {attr.name!r} (see {spec['doc']})"
            )
    for sub in block.blocks:
        if sub.type in nested:
            out += _check_body(sub, nested[sub.type], f"{name}.{sub.type}", path)
        elif not (top and sub.type in _META_BLOCKS):
            out.append(
                f"{path}:{sub.line}:{sub.column}: {name} has no block {sub.type!r} (see {spec['doc']})"
            )
    present = set(block.attributes) | {b.type for b in block.blocks}
    for req in sorted(
        k for k, v in {**args, **nested}.items() if v["required"] and k not in present
    ):
        out.append(
            f"{path}:{block.line}:{block.column}: {name} lacks the required {req!r} (see {spec['doc']})"
        )
    return out


def _check_references(parsed: HclFile, types: dict[str, Any], prefix: str) -> list[str]:
    """``google_x.name.attr`` outside comments: a recorded type, and an argument or exported
    attribute of it (the tables' reference rewrites land only on recorded names)."""
    out = []
    pattern = re.compile(
        rf"(?<![\w.\-])({prefix}[a-z0-9_]+)\.[A-Za-z_][\w-]*(?:\[[^\]\n]*\])?\.([A-Za-z_]\w*)"
    )
    for m in pattern.finditer(parsed.text):
        if any(a <= m.start() < b for a, b in parsed.comments):
            continue
        spec = types.get(m.group(1))
        line = parsed.text.count("\n", 0, m.start()) + 1
        where = f"{parsed.path}:{line}:{m.start() - parsed.text.rfind(chr(10), 0, m.start())}"
        if spec is None:
            out.append(f"{where}: reference to {m.group(1)}, not in the recorded schema")
        elif m.group(2) not in spec["arguments"] and m.group(2) not in spec.get("attributes", {}):
            out.append(f"{where}: {m.group(1)} has no attribute {m.group(2)!r} (see {spec['doc']})")
    return out
