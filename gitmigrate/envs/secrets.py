"""Which secrets an environment needs and which it has, by name only: no value is read.

- needs: the names its [environments.X] `secrets` lists;
- has: the names that hold a SOPS-encrypted value (`ENC[...]`) in one of its config files: a
  leaf whose key (the last part of its key path, e.g. `password` of `db.password`, or
  `DB_PASSWORD` of a .env file) is the name. Telling that needs no key: the ciphertext is
  recognised, never opened;
- plaintext: a needed name whose value sits in clear text in its files (present, but not a
  secret any more: a problem to fix, not a "has").

    states = env_secrets(root, env)  # EnvSecrets: needs, has, missing, plaintext, found
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitmigrate.core.config import Environment
from gitmigrate.files.keypath import KeyPath, format_key


@dataclass(frozen=True)
class Found:
    """Where a name holds a value: the file, the key path, and whether it is encrypted."""

    file: str
    path: KeyPath
    encrypted: bool

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "key": format_key(self.path), "encrypted": self.encrypted}


@dataclass(frozen=True)
class EnvSecrets:
    env: str
    needs: tuple[str, ...]
    found: dict[str, tuple[Found, ...]] = field(default_factory=dict)  # name -> where, base first

    @property
    def has(self) -> tuple[str, ...]:
        """Names holding an encrypted value in one of the environment's files."""
        return tuple(
            sorted(n for n, where in self.found.items() if any(f.encrypted for f in where))
        )

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(n for n in self.needs if n not in self.has)

    @property
    def plaintext(self) -> tuple[str, ...]:
        """Needed names with a value in clear text (reported, and not counted as had)."""
        return tuple(
            n for n in self.needs if any(not f.encrypted for f in self.found.get(n, ()))
        )  # fmt: skip

    @property
    def ok(self) -> bool:
        return not self.missing and not self.plaintext

    def to_json(self) -> dict[str, Any]:
        return {
            "env": self.env, "ok": self.ok, "needs": list(self.needs), "has": list(self.has),
            "missing": list(self.missing), "plaintext": list(self.plaintext),
            "found": {n: [f.to_json() for f in where] for n, where in sorted(self.found.items())},
        }  # fmt: skip


@dataclass(frozen=True)
class SecretsCheck:
    """One environment's secrets, or two side by side: `copyable` are the names the second
    needs and lacks that the first has (what `env secrets copy A B` would copy)."""

    envs: tuple[EnvSecrets, ...]

    @property
    def ok(self) -> bool:
        return all(e.ok for e in self.envs)

    @property
    def copyable(self) -> tuple[str, ...]:
        if len(self.envs) != 2:
            return ()
        source, target = self.envs
        return tuple(n for n in target.missing if n in source.has)

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "envs": [e.to_json() for e in self.envs],
                "copyable": list(self.copyable)}  # fmt: skip


def env_secrets(root: Path, env: Environment) -> EnvSecrets:
    """What `env` needs and where its files hold each name (values never read)."""
    found: dict[str, list[Found]] = {}
    for file in env.config:
        for name, where in _leaves(root, file):
            found.setdefault(name, []).append(where)
    return EnvSecrets(env.name, env.secrets, {n: tuple(w) for n, w in found.items()})


def _leaves(root: Path, file: str) -> list[tuple[str, Found]]:
    """(name, where) for every leaf of `file` whose key is a name (a missing file: none)."""
    from gitmigrate.files import sops
    from gitmigrate.files.document import load

    path = root / file
    if not path.is_file():
        return []
    doc = load(path, name=file)
    encrypted = set(sops.encrypted_paths(doc.text, doc.format, file)) if _sops(doc) else set()
    out = []
    for node in doc.leaves():
        key = node.path[-1] if node.path else None
        if isinstance(key, str) and not _is_metadata(node.path, doc.format):
            out.append((key, Found(file, node.path, node.path in encrypted)))
    return out


def _sops(doc: Any) -> bool:
    from gitmigrate.files import sops

    return bool(sops.is_encrypted(doc.text, doc.format, doc.name))


def _is_metadata(path: KeyPath, fmt: str) -> bool:
    """The sops block's own leaves (`sops:` / `[sops]`, `sops_*` in .env) are not config."""
    first = path[0] if path else None
    return first == "sops" or (
        fmt == "env" and isinstance(first, str) and first.startswith("sops_")
    )
