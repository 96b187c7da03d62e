"""The config and secrets sections of a drift report.

Config: each environment's layers merged (gitmigrate.files.merge, as `config explain --env`
does) and the two results diffed key by key (gitmigrate.files.diff). A difference inside a list
is reported as the whole list (a list is one value to set). Secret keys (the `secret` predicate
the API passes: secret-looking names, names an environment declares, `ENC[...]` values) never
carry values; a secret key both environments hold is not drift, since each environment is
expected to hold its own value and encrypted values cannot be compared without decrypting.

Secrets: the names each environment declares (`secrets = [...]`, "needs") and the names its
merged config holds a non-empty value under ("has"): a key of that name at any depth, or a
key path that spells it (`db.password` holds DB_PASSWORD), compared case-insensitively.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from gitmigrate.core.config import Environment
from gitmigrate.envs.drift_model import (
    A_ONLY,
    B_ONLY,
    ConfigSection,
    KeyDrift,
    SecretName,
    SecretsSection,
)
from gitmigrate.files.diff import diff_data
from gitmigrate.files.keypath import KeyPath, format_key

Secret = Callable[[KeyPath], bool]
HAS_RULE = (
    "has: a non-empty value in the merged config under a key of that name (any depth) or a "
    "key path spelling it (db.password holds DB_PASSWORD)"
)


def merged_config(root: Path, files: Sequence[str]) -> Any:
    """The environment's layers merged, later files winning; the sops metadata left out."""
    from gitmigrate.files.document import load
    from gitmigrate.files.merge import merge_layers

    docs = [load(root / name, name=name) for name in files]
    return _without_sops(merge_layers(docs).data) if docs else {}


def _without_sops(data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    return {k: v for k, v in data.items() if k != "sops" and not str(k).startswith("sops_")}


def compare_configs(
    a: Environment, b: Environment, data_a: Any, data_b: Any, secret: Secret
) -> ConfigSection:
    """Key paths whose merged values differ (`b` against `a`)."""
    seen: set[KeyPath] = set()
    keys: list[KeyDrift] = []
    for change in diff_data(data_a, data_b):
        path = _up_to_list(change.path)
        if path in seen:
            continue
        seen.add(path)
        has_a, value_a = lookup(data_a, path)
        has_b, value_b = lookup(data_b, path)
        what = "changed" if has_a and has_b else A_ONLY if has_a else B_ONLY
        hidden = _is_secret(path, secret)
        if hidden and what == "changed":
            continue
        if hidden:
            value_a = value_b = None
        keys.append(KeyDrift(format_key(path), path, what, value_a, value_b, hidden))
    note = None if a.config or b.config else "neither environment names config files"
    return ConfigSection(note is None, note, (a.config, b.config), tuple(keys))


def _up_to_list(path: KeyPath) -> KeyPath:
    """The path cut before its first list index: a list is set as a whole."""
    for depth, part in enumerate(path):
        if isinstance(part, int):
            return path[:depth]
    return path


def _is_secret(path: KeyPath, secret: Secret) -> bool:
    return any(secret(path[:depth]) for depth in range(1, len(path) + 1))


def lookup(data: Any, path: KeyPath) -> tuple[bool, Any]:
    """(whether `path` exists in `data`, its value)."""
    for part in path:
        if isinstance(part, str) and isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(part, int) and isinstance(data, list) and 0 <= part < len(data):
            data = data[part]
        else:
            return False, None
    return True, data


def held_names(data: Any) -> set[str]:
    """The names a non-empty value is held under anywhere in `data`, upper-cased: its key
    (`password`) and its key path joined with `_` (`db.password` -> `DB_PASSWORD`)."""
    found: set[str] = set()
    stack: list[tuple[tuple[str, ...], Any]] = [((), data)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                here = (*path, str(key))
                if value not in (None, "", [], {}):
                    found.update({here[-1].upper(), "_".join(here).upper()})
                stack.append((here, value))
        elif isinstance(item, list):
            stack.extend((path, value) for value in item)
    return found


def compare_secrets(
    a: Environment, b: Environment, data_a: Any, data_b: Any, root: Path | None = None
) -> SecretsSection:
    """Per declared name: needed and held by each environment (names only, never values).
    With `root`, "has" is what `env secrets check` says when that module is installed
    (gitmigrate.envs.secrets), so the two commands agree; else `held_names`."""
    shared = _secrets_check(root, a, b)
    if shared is not None:
        has_a, has_b, how = *shared, SHARED_RULE
    else:
        has_a, has_b, how = held_names(data_a), held_names(data_b), HAS_RULE
    names = sorted(set(a.secrets) | set(b.secrets))
    return SecretsSection(
        tuple(
            SecretName(
                name,
                name in a.secrets,
                name.upper() in has_a,
                name in b.secrets,
                name.upper() in has_b,
            )  # fmt: skip
            for name in names
        ),
        how,
    )


SHARED_RULE = "has: as `git migrate env secrets check` decides"


def _secrets_check(
    root: Path | None, a: Environment, b: Environment
) -> tuple[set[str], set[str]] | None:
    """The names each environment has according to env secrets (None: not available)."""
    import importlib

    if root is None:
        return None
    try:
        module = importlib.import_module("gitmigrate.envs.secrets")
    except ImportError:
        return None
    check = getattr(module, "env_secrets", None)
    if check is None:
        return None
    has_a, has_b = ({str(n).upper() for n in check(root, env).has} for env in (a, b))
    return has_a, has_b
