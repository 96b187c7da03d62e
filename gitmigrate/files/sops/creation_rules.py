"""`.sops.yaml` creation rules as SOPS reads them: the first rule whose `path_regex` matches the
file (a rule without one matches every file) gives the recipients (`age` and `pgp` as
comma-separated strings or lists, or `key_groups` with a single group) and which values to
encrypt (`encrypted_regex`, `unencrypted_suffix`, ... and `mac_only_encrypted`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmigrate.errors import ConfigError, UsageError
from gitmigrate.files.sops.keys import Recipients
from gitmigrate.files.sops.metadata import RULE_FIELDS


@dataclass(frozen=True)
class CreationRule:
    recipients: Recipients
    rule: tuple[str, str] | None = None  # e.g. ("encrypted_regex", "^password$")
    mac_only_encrypted: bool = False


def creation_rule_for(repo_root: Path, file: str) -> CreationRule | None:
    """The first `.sops.yaml` creation rule matching `file` (relative to the repository root),
    from the nearest .sops.yaml between the file's folder and the root; None when none does."""
    config = _find_config(repo_root, file)
    return None if config is None else _match(config, repo_root, file)


def recipients_for(repo_root: Path, file: str, fallback: Recipients | None) -> Recipients:
    """Who `file` (relative to the repository root) is encrypted to: the matching creation
    rule's keys, else `fallback` (the environment's keys in .gitmigrate.toml)."""
    found = creation_rule_for(repo_root, file)
    if found is not None and found.recipients:
        return found.recipients
    if fallback:
        return fallback
    raise UsageError(
        f"no recipients for {file}: no .sops.yaml creation rule matches it and the environment "
        "has no keys",
        "add a creation rule to .sops.yaml (path_regex + age/pgp), or set keys for the "
        "environment in .gitmigrate.toml",
    )


def _find_config(repo_root: Path, file: str) -> Path | None:
    """The nearest .sops.yaml from the file's directory up to the repository root."""
    folder = (repo_root / file).parent
    root = repo_root.resolve()
    while True:
        candidate = folder / ".sops.yaml"
        if candidate.is_file():
            return candidate
        if folder.resolve() == root or folder.parent == folder:
            return None
        folder = folder.parent


def _match(config: Path, repo_root: Path, file: str) -> CreationRule | None:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data: Any = YAML(typ="safe").load(config.read_text(encoding="utf-8"))
    except YAMLError as exc:
        raise ConfigError(f"{config}: not valid YAML", str(exc).splitlines()[0]) from None
    rules = (data or {}).get("creation_rules") or []
    if not isinstance(rules, list):
        raise ConfigError(f"{config}: creation_rules is not a list", "see the SOPS documentation")
    relative = (repo_root / file).resolve().relative_to(config.parent.resolve()).as_posix()
    for rule in rules:
        if not isinstance(rule, dict):
            continue
        pattern = rule.get("path_regex")
        if pattern and not re.search(str(pattern), relative):
            continue
        fields = [(f, str(rule[f])) for f in RULE_FIELDS if rule.get(f) not in (None, "")]
        if len(fields) > 1:
            raise ConfigError(
                f"{config}: a creation rule sets {len(fields)} of {', '.join(RULE_FIELDS)}",
                "SOPS allows one of them per rule",
            )
        return CreationRule(
            _recipients(rule, config),
            fields[0] if fields else None,
            rule.get("mac_only_encrypted") is True,
        )
    return None


def _recipients(rule: dict[str, Any], config: Path) -> Recipients:
    groups = rule.get("key_groups")
    if groups:
        if len(groups) > 1:
            raise ConfigError(
                f"{config}: the matching rule has {len(groups)} key groups (Shamir)",
                "git-migrate writes one key group; list the keys in a single group",
            )
        rule = groups[0] or {}
    return Recipients(age=_names(rule.get("age")), pgp=_names(rule.get("pgp")))


def _names(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    items = value if isinstance(value, list) else str(value).split(",")
    return tuple(str(item).strip() for item in items if str(item).strip())
