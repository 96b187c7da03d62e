"""`env sync FROM TO`: what it takes to make TO like FROM, planned from a drift report before
anything changes (so `--dry-run` and the confirmation show exactly what will be done).

- steps: the steps applied on FROM and not on TO, in run order, applied to TO by the engine
  (none is written again); a step HEAD's tree lacks cannot be applied from this checkout;
- schema: what still differs after those steps is drift no step explains; it becomes a new
  sql step (the DDL that makes TO's schema equal FROM's), written by `schema diff`;
- config: each key whose merged value differs becomes a config step on TO's top layer (set
  to FROM's value, or unset); a secret key is never copied (`env secrets copy` re-encrypts
  for TO), and a key TO inherits from a lower layer cannot be unset from the top one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitmigrate.core.config import CONFIG_FILE, Environment
from gitmigrate.envs.drift_config import lookup
from gitmigrate.envs.drift_model import A_ONLY, B_ONLY, ConfigSection, StepsSection
from gitmigrate.errors import UsageError
from gitmigrate.files.keypath import KeyPath, format_key

SECTIONS = ("schema", "steps", "config")


def sections(only: str | None) -> tuple[str, ...]:
    """The sections a sync covers: all of them, or the one `--only` names."""
    if only is None:
        return SECTIONS
    if only not in SECTIONS:
        raise UsageError(
            f"--only {only}: not a section of env sync", f"give one of {', '.join(SECTIONS)}"
        )
    return (only,)


@dataclass(frozen=True)
class ConfigAction:
    """One config step to write on TO's top layer: `set` KEY to FROM's value, or `unset` it."""

    op: str  # set | unset
    file: str
    key: str
    value: Any = None

    def describe(self) -> str:
        if self.op == "unset":
            return f"unset {self.key} in {self.file}"
        return f"set {self.key} = {json.dumps(self.value, default=str)} in {self.file}"

    def to_json(self) -> dict[str, Any]:
        shown = {"value": self.value} if self.op == "set" else {}
        return {"op": self.op, "file": self.file, "key": self.key, **shown}


@dataclass(frozen=True)
class ConfigPlan:
    actions: tuple[ConfigAction, ...] = ()
    skipped: tuple[str, ...] = ()  # keys left alone, each with why and what to do instead


def plan_steps(section: StepsSection, in_tree_order: Sequence[str]) -> tuple[str, ...]:
    """The steps applied on FROM (side a) and not on TO, in run order, that HEAD's tree has."""
    wanted = set(section.only_a) - set(section.not_in_tree)
    return tuple(step for step in in_tree_order if step in wanted)


def plan_config(
    section: ConfigSection, source: Environment, target: Environment, root: Path, source_data: Any
) -> ConfigPlan:
    """Config steps on TO's top layer that give TO's merged config FROM's values
    (`source_data`: FROM's merged config)."""
    if not section.keys:
        return ConfigPlan()
    if not target.config:
        return ConfigPlan(skipped=(
            f"environment {target.name!r} has no config files: add config = [...] to "
            f"[environments.{target.name}] in {CONFIG_FILE}",
        ))  # fmt: skip
    top = target.config[-1]
    if top in source.config:
        return ConfigPlan(skipped=(
            f"{top} is a layer of both {source.name!r} and {target.name!r}: a change there "
            f"changes both; give {target.name!r} a layer of its own",
        ))  # fmt: skip
    top_data = _layer_data(root, top)
    actions: list[ConfigAction] = []
    skipped: list[str] = []
    for key in section.keys:
        if key.secret:
            skipped.append(
                f"{key.key}: a secret, not copied (git migrate env secrets copy "
                f"{source.name} {target.name} re-encrypts it for {target.name!r})"
            )
        elif key.what in (A_ONLY, "changed"):
            actions.append(ConfigAction("set", top, key.key, key.a))
        elif key.what == B_ONLY and lookup(top_data, key.path)[0]:
            path = _emptied(top_data, key.path, source_data)
            action = ConfigAction("unset", top, format_key(path))
            if action not in actions:
                actions.append(action)
        elif key.what == B_ONLY:
            skipped.append(
                f"{key.key}: {target.name!r} inherits it from a lower layer, not {top}; "
                f"remove it there or mark it deleted in {top}"
            )
    # sets before unsets: a schema that requires a key never sees it missing midway
    actions.sort(key=lambda action: action.op != "set")
    return ConfigPlan(tuple(actions), tuple(skipped))


def _emptied(layer: Any, path: KeyPath, source_data: Any) -> KeyPath:
    """The key to unset so no empty table is left behind: the highest ancestor that holds
    only this key in the layer and that FROM does not have."""
    while len(path) > 1:
        parent = path[:-1]
        found, value = lookup(layer, parent)
        if not (found and isinstance(value, dict) and len(value) == 1):
            break
        if lookup(source_data, parent)[0]:
            break
        path = parent
    return path


def _layer_data(root: Path, name: str) -> Any:
    from gitmigrate.files.document import load

    return load(root / name, name=name).data


@dataclass(frozen=True)
class SyncPlan:
    source: str
    target: str
    sections: tuple[str, ...]
    steps: tuple[str, ...] = ()  # to apply on TO, in run order
    not_in_tree: tuple[str, ...] = ()  # applied on FROM, not in HEAD's tree
    checksums: tuple[str, ...] = ()  # applied on both from different files: reported only
    schema: tuple[str, ...] = ()  # the schema differences now (before the steps run)
    config: ConfigPlan = field(default_factory=ConfigPlan)
    notes: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.steps or self.schema or self.config.actions)

    def to_json(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.target, "sections": list(self.sections),
                "steps": list(self.steps), "not_in_tree": list(self.not_in_tree),
                "checksums": list(self.checksums), "schema": list(self.schema),
                "config": [a.to_json() for a in self.config.actions],
                "config_skipped": list(self.config.skipped),
                "notes": list(self.notes)}  # fmt: skip
