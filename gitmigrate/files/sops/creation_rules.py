"""`.sops.yaml` creation rules as SOPS reads them: the first rule whose `path_regex` matches the
file (a rule without one matches every file) gives the recipients: `age` and `pgp` as
comma-separated strings or lists, or `key_groups` with a single group."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from gitmigrate.errors import ConfigError, UsageError
from gitmigrate.files.sops.keys import Recipients


def recipients_for(repo_root: Path, file: str, fallback: Recipients | None) -> Recipients:
    """Who `file` (relative to the repository root) is encrypted to."""
    config = _find_config(repo_root, file)
    if config is not None:
        found = _match(config, repo_root, file)
        if found is not None:
            return found
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


def _match(config: Path, repo_root: Path, file: str) -> Recipients | None:
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
        return _recipients(rule, config)
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
