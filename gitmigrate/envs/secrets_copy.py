"""Copying secrets from one environment to another, re-encrypted for the second's keys, as the
new bytes of one of its config files (the api commits them as a config step). The plaintext
values live only in memory, between one decryption and one encryption: never on disk, in a
log, a message or a result.

- reading: FROM's key comes from the variable FROM's `keys.key_env` names (age identities,
  `AGE-SECRET-KEY-...` lines); each name is taken from the last of FROM's files holding it
  encrypted (later layers win, as in the merge), at its key path there;
- writing: into the last of TO's config files that is SOPS-encrypted, at the same key path.
  SOPS's MAC covers every value of a file, so adding to it needs TO's own key (TO's
  `keys.key_env`); its data key, recipients and rule are kept, and every value not copied
  keeps its ciphertext (files.sops.reencrypt_text). When none of TO's files is encrypted yet,
  the first of them missing from the work tree is created, encrypted for TO's recipients
  (`keys.age` / `keys.pgp`): no key of TO's is needed then.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmigrate.core.config import Environment
from gitmigrate.envs.secrets import EnvSecrets, Found
from gitmigrate.errors import UsageError
from gitmigrate.files.keypath import KeyPath, format_key


@dataclass(frozen=True)
class CopyPlan:
    """What a copy writes: the file of TO, its new bytes (ciphertext only), and each name with
    its key path; `created` when the file is new, `replaced` the names TO had already."""

    file: str
    content: bytes
    names: tuple[tuple[str, KeyPath], ...]
    created: bool
    replaced: tuple[str, ...]
    recipients: tuple[tuple[str, ...], tuple[str, ...]]  # (age, pgp) of the written file


def identities_of(env: Environment, role: str) -> Any:
    """The age identities in the variable `env` names under keys.key_env; a missing name or
    variable is a one-line UsageError saying what to set."""
    from gitmigrate.files.sops import Identities

    variable = env.keys.key_env
    if not variable:
        raise UsageError(
            f"environment {env.name!r} names no key variable ({role})",
            f'add keys = {{ key_env = "VAR" }} to [environments.{env.name}] and export VAR=AGE-SECRET-KEY-...',
        )
    value = os.environ.get(variable, "")
    keys = tuple(
        line.strip()
        for line in value.splitlines()
        if line.strip().upper().startswith("AGE-SECRET-KEY-")
    )
    if not keys:
        raise UsageError(
            f"{variable} is {'not set' if variable not in os.environ else 'not an age identity'}"
            f" (the key of environment {env.name!r}, {role})",
            f"export {variable}=AGE-SECRET-KEY-... (the age identity {env.name}'s files are encrypted to)",
        )
    return Identities(age=keys)


def source_values(
    root: Path, source: EnvSecrets, env: Environment, names: Sequence[str]
) -> dict[str, tuple[KeyPath, Any]]:
    """name -> (key path, plaintext value) from FROM's files; a name FROM lacks is a
    UsageError naming the names it has."""
    from gitmigrate.files import sops
    from gitmigrate.files.document import load

    chosen: dict[str, Found] = {}
    for name in names:
        where = [f for f in source.found.get(name, ()) if f.encrypted]
        if not where:
            has = ", ".join(source.has) or "none"
            raise UsageError(
                f"environment {source.env!r} has no encrypted value named {name!r}",
                f"names it has: {has}; encrypt it there first (git migrate config secrets"
                f" encrypt FILE --env {source.env}), or leave --name {name} out",
            )
        chosen[name] = where[-1]  # the last layer wins
    identities = identities_of(env, "to read the values")
    out: dict[str, tuple[KeyPath, Any]] = {}
    for file in dict.fromkeys(f.file for f in chosen.values()):
        doc = load(root / file, name=file)
        values = sops.decrypted_data(doc.text, doc.format, file, identities)
        for name, found in chosen.items():
            if found.file == file:
                out[name] = (found.path, values[found.path])
    return out


def plan_copy(
    root: Path, target: EnvSecrets, env: Environment, values: dict[str, tuple[KeyPath, Any]]
) -> CopyPlan:
    """TO's file with the values written in, encrypted (see the module docstring)."""
    from gitmigrate.files.document import load

    replaced = tuple(n for n in values if n in target.has)
    for file in reversed(env.config):
        path = root / file
        if path.is_file() and _encrypted(path, file):
            doc = load(path, name=file)
            return _add_to(doc, env, _placed(values, file), replaced)
    for file in env.config:
        if not (root / file).exists():
            return _create(file, env, _placed(values, file))
    first = env.config[-1] if env.config else f"config/{env.name}.secrets.yaml"
    raise UsageError(
        f"environment {env.name!r} has no encrypted config file to hold the secrets",
        f"list a new file in its config (e.g. {Path(first).parent}/{env.name}.secrets.yaml):"
        " copy creates it encrypted; or encrypt one with `git migrate config secrets encrypt`",
    )


def _placed(values: dict[str, tuple[KeyPath, Any]], file: str) -> dict[str, tuple[KeyPath, Any]]:
    """The key paths in TO's file: FROM's, except in a flat .env file, where a name is a
    variable of its own (`db.DB_PASSWORD` of YAML becomes `DB_PASSWORD`)."""
    from gitmigrate.files.formats import format_of

    if format_of(file) != "env":
        return values
    return {name: ((name,), value) for name, (_, value) in values.items()}


def _encrypted(path: Path, file: str) -> bool:
    from gitmigrate.files import sops
    from gitmigrate.files.document import decode
    from gitmigrate.files.formats import format_of

    return bool(sops.is_encrypted(decode(path.read_bytes(), file), format_of(file), file))


def _add_to(doc: Any, env: Environment, values: dict[str, tuple[KeyPath, Any]],
            replaced: tuple[str, ...]) -> CopyPlan:  # fmt: skip
    """The values set in the decrypted document, encrypted again as its next version."""
    from gitmigrate.files import sops
    from gitmigrate.files.document import loads
    from gitmigrate.files.edit import set_value

    identities = identities_of(env, f"to add to {doc.name}, whose MAC covers every value")
    text = sops.decrypt_text(doc.text, doc.format, doc.name, identities)
    for _, (path, value) in values.items():
        text = set_value(loads(text, doc.format, doc.name), path, value)
    new = sops.reencrypt_text(text, doc.format, doc.name, identities, doc.text)
    _check_encrypted(new, doc.format, doc.name, values)
    have = sops.recipients_of(new, doc.format, doc.name)
    names = tuple((n, p) for n, (p, _) in values.items())
    return CopyPlan(doc.name, new.encode("utf-8"), names, False, replaced, (have.age, have.pgp))


def _create(file: str, env: Environment, values: dict[str, tuple[KeyPath, Any]]) -> CopyPlan:
    """A new file of TO holding only the values, encrypted for TO's recipients."""
    from gitmigrate.files import sops
    from gitmigrate.files.formats import format_of
    from gitmigrate.files.merge import render

    if not env.keys.age and not env.keys.pgp:
        raise UsageError(
            f"environment {env.name!r} has no recipients to encrypt {file} for",
            f'add keys = {{ age = ["age1..."] }} to [environments.{env.name}]',
        )
    fmt = format_of(file)
    data: dict[str, Any] = {}
    for _, (path, value) in values.items():
        _put(data, path, value, file)
    plain = render(data, fmt)
    recipients = sops.Recipients(age=env.keys.age, pgp=env.keys.pgp)
    new = sops.encrypt_text(plain, fmt, file, recipients)
    _check_encrypted(new, fmt, file, values)
    names = tuple((n, p) for n, (p, _) in values.items())
    return CopyPlan(file, new.encode("utf-8"), names, True, (), (env.keys.age, env.keys.pgp))


def _put(data: dict[str, Any], path: KeyPath, value: Any, file: str) -> None:
    node = data
    for part in path[:-1]:
        if not isinstance(part, str):
            raise UsageError(f"{format_key(path)} is inside a list; copy cannot create {file} with it",
                             "create the file with the list first, encrypted, then copy again")  # fmt: skip
        node = node.setdefault(part, {})
    node[str(path[-1])] = value


def _check_encrypted(
    text: str, fmt: str, file: str, values: dict[str, tuple[KeyPath, Any]]
) -> None:
    """Refuse a result where a copied value would sit in clear text (a SOPS rule of the file,
    such as encrypted_regex, that does not cover its key): nothing is written then."""
    from gitmigrate.files import sops

    encrypted = set(sops.encrypted_paths(text, fmt, file))
    clear = [n for n, (path, _) in values.items() if path not in encrypted]
    if clear:
        raise UsageError(
            f"{file}'s SOPS rule would leave {', '.join(clear)} unencrypted; nothing was written",
            f"widen the file's encrypted_regex to cover {', '.join(clear)}, or copy into another file",
        )
