"""The mapping table (package data) as typed values: what each covered AWS type becomes."""

from __future__ import annotations

import functools
import json
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from gitmigrate.errors import UsageError

PAIRS = {("aws", "gcp"): "terraform_aws_gcp.toml"}
SCHEMAS = {"gcp": "google.json", "google": "google.json"}


@dataclass(frozen=True)
class Mapping:
    """One source attribute (or ``block.attribute``): the target type, its path, the transform."""

    target: str
    path: str
    transform: str


@dataclass(frozen=True)
class Rule:
    """How one covered source type converts."""

    source: str
    targets: tuple[str, ...]
    hook: str | None
    merge_into: str | None
    via: str | None
    map: dict[str, Mapping]
    people: dict[str, str]
    refs: dict[str, str]


@dataclass(frozen=True)
class Table:
    rules: dict[str, Rule]
    regions: dict[str, str]
    meta_copy: tuple[str, ...]
    meta_people: dict[str, str]


def _rule(source: str, raw: dict[str, Any], rules: dict[str, Any]) -> Rule:
    parent = raw.get("merge_into")
    targets = tuple(raw["targets"] if parent is None else rules[parent]["targets"])
    mapping = {}
    for key, spec in raw.get("map", {}).items():
        target, _, path = spec["to"].rpartition(":")
        mapping[key] = Mapping(target or targets[0], path, spec.get("transform", "copy"))
    return Rule(
        source=source,
        targets=targets,
        hook=raw.get("hook"),
        merge_into=parent,
        via=raw.get("via"),
        map=mapping,
        people=dict(raw.get("people", {})),
        refs=dict(raw.get("refs", {})),
    )


@functools.cache
def load_table(source: str, target: str) -> Table:
    """The table for ``source -> target``; an unsupported pair is a UsageError naming the pairs."""
    name = PAIRS.get((source, target))
    if name is None:
        known = ", ".join(f"--from {s} --to {t}" for s, t in PAIRS)
        raise UsageError(f"terraform conversion {source} -> {target} is not supported; use {known}")
    data = tomllib.loads(resources.files("gitmigrate.platform").joinpath("data", name).read_text())
    rules = data["resource"]
    return Table(
        rules={k: _rule(k, v, rules) for k, v in rules.items()},
        regions=dict(data.get("regions", {})),
        meta_copy=tuple(data.get("meta_copy", ())),
        meta_people=dict(data.get("meta_people", {})),
    )


@functools.cache
def load_schema(provider: str) -> dict[str, Any]:
    """The recorded provider schema (resource types, arguments, nested blocks, doc URLs)."""
    name = SCHEMAS.get(provider)
    if name is None:
        raise UsageError(f"no schema recorded for provider {provider!r}; use one of: google")
    text = (
        resources.files("gitmigrate.platform")
        .joinpath("data", "provider_schemas", name)
        .read_text()
    )
    schema: dict[str, Any] = json.loads(text)
    return schema
