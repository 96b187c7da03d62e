"""The mapping table (package data) as typed values: what each covered AWS type becomes."""

from __future__ import annotations

import dataclasses
import functools
import json
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from gitmigrate.errors import UsageError

PAIRS = {("aws", "gcp"): "terraform_aws_gcp.toml", ("aws", "azure"): "terraform_aws_azure.toml"}
SCHEMAS = {
    "gcp": "google.json",
    "google": "google.json",
    "azure": "azurerm.json",
    "azurerm": "azurerm.json",
}


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
    hooked: tuple[str, ...] = ()  # nested blocks the hook converts (map_block leaves them)
    variant_by: str | None = None  # a literal attribute choosing the variant (engine, type)
    variants: dict[str, Rule] | None = None


@dataclass(frozen=True)
class Table:
    rules: dict[str, Rule]
    regions: dict[str, str]
    meta_copy: tuple[str, ...]
    meta_people: dict[str, str]
    provider: str  # the target provider block, "{region}" filled in ("" when unknown)
    variables: dict[str, str]  # variables the provider block and hooks use -> description
    prefix: str  # the target provider's resource type prefix ("google_")
    provider_note: str


def _rule(source: str, raw: dict[str, Any], rules: dict[str, Any]) -> Rule:
    parent = raw.get("merge_into")
    targets = tuple(raw["targets"] if parent is None else rules[parent]["targets"])
    mapping = {}
    for key, spec in raw.get("map", {}).items():
        target, _, path = spec["to"].rpartition(":")
        mapping[key] = Mapping(target or targets[0], path, spec.get("transform", "copy"))
    rule = Rule(
        source=source,
        targets=targets,
        hook=raw.get("hook"),
        merge_into=parent,
        via=raw.get("via"),
        map=mapping,
        people=dict(raw.get("people", {})),
        refs=dict(raw.get("refs", {})),
        hooked=tuple(raw.get("hooked", ())),
    )
    if "variant_by" not in raw:
        return rule
    variants = {}
    for value, over in raw.get("variants", {}).items():
        merged = {**raw, **over, "map": {**raw.get("map", {}), **over.get("map", {})}}
        for key in ("people", "refs"):
            merged[key] = {**raw.get(key, {}), **over.get(key, {})}
        merged.pop("variant_by")
        merged.pop("variants", None)
        variants[value] = _rule(source, merged, rules)
    return dataclasses.replace(rule, variant_by=raw["variant_by"], variants=variants)


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
        provider=data["provider"]["block"],
        variables=dict(data["provider"].get("variables", {})),
        prefix=data["provider"]["prefix"],
        provider_note=data["provider"]["note"],
    )


@functools.cache
def load_schema(provider: str) -> dict[str, Any]:
    """The recorded provider schema (resource types, arguments, nested blocks, doc URLs)."""
    name = SCHEMAS.get(provider)
    if name is None:
        raise UsageError(f"no schema recorded for provider {provider!r}; use one of: gcp, azure")
    text = (
        resources.files("gitmigrate.platform")
        .joinpath("data", "provider_schemas", name)
        .read_text()
    )
    schema: dict[str, Any] = json.loads(text)
    return schema
