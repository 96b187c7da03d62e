"""Master keys: who may read a document. The 32-byte data key is wrapped once per recipient
(an age X25519 recipient through pyrage, a PGP key through the gpg binary as SOPS falls back
to it) and unwrapped with whichever identity the environment holds, age first as in SOPS."""

from __future__ import annotations

import base64
import os
import shlex
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.files.sops.metadata import AgeKey, Metadata, PgpKey, now_text

_AGE_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----"
_AGE_END = "-----END AGE ENCRYPTED FILE-----"


@dataclass(frozen=True)
class Recipients:
    """Who a document is encrypted to: age public keys (`age1…`) and PGP fingerprints."""

    age: tuple[str, ...] = ()
    pgp: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.age or self.pgp)

    def describe(self) -> str:
        names = [f"age {r}" for r in self.age] + [f"pgp {fp}" for fp in self.pgp]
        return ", ".join(names) or "no recipients"


@dataclass(frozen=True)
class Identities:
    """What can unwrap a data key: age secret keys and SSH private keys (held only in memory)
    and the environment gpg runs in (GNUPGHOME)."""

    age: tuple[str, ...] = field(default=(), repr=False)
    gpg_env: Mapping[str, str] = field(default_factory=dict, repr=False)
    ssh: tuple[bytes, ...] = field(default=(), repr=False)

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> Identities:
        """As SOPS reads them: SOPS_AGE_KEY (several per line), SOPS_AGE_KEY_FILE,
        SOPS_AGE_KEY_CMD (its output), <user config dir>/sops/age/keys.txt; SSH keys from
        SOPS_AGE_SSH_PRIVATE_KEY_FILE, else ~/.ssh/id_ed25519 and ~/.ssh/id_rsa; gpg with the
        environment's GNUPGHOME."""
        env = dict(os.environ if env is None else env)
        lines: list[str] = []
        if env.get("SOPS_AGE_KEY"):
            lines += env["SOPS_AGE_KEY"].splitlines()
        home = Path(env.get("HOME", "~")).expanduser()
        files = []
        if env.get("SOPS_AGE_KEY_FILE"):
            files.append(Path(env["SOPS_AGE_KEY_FILE"]).expanduser())
        if env.get("SOPS_AGE_KEY_CMD"):
            lines += _key_command(env["SOPS_AGE_KEY_CMD"], env).splitlines()
        config = Path(env.get("XDG_CONFIG_HOME") or home / ".config").expanduser()
        files.append(config / "sops" / "age" / "keys.txt")
        for path in files:
            if path.is_file():
                lines += path.read_text(encoding="utf-8").splitlines()
        keys = tuple(
            line.strip() for line in lines if line.strip().upper().startswith("AGE-SECRET-KEY-")
        )
        ssh_files = (
            [Path(env["SOPS_AGE_SSH_PRIVATE_KEY_FILE"]).expanduser()]
            if env.get("SOPS_AGE_SSH_PRIVATE_KEY_FILE")
            else [home / ".ssh" / "id_ed25519", home / ".ssh" / "id_rsa"]
        )
        ssh = tuple(path.read_bytes() for path in ssh_files if path.is_file())
        return cls(age=keys, gpg_env=env, ssh=ssh)


def _key_command(command: str, env: Mapping[str, str]) -> str:
    """SOPS_AGE_KEY_CMD: a command printing identities (e.g. from a password manager)."""
    try:
        done = subprocess.run(
            shlex.split(command), capture_output=True, env=dict(env), check=False, timeout=120
        )
    except (OSError, ValueError):
        done = None
    if done is None or done.returncode != 0:
        raise UsageError(
            "SOPS_AGE_KEY_CMD failed", "fix the command, or set SOPS_AGE_KEY_FILE instead"
        )
    return done.stdout.decode("utf-8", "replace")


def wrap(
    data_key: bytes, recipients: Recipients, gpg_env: Mapping[str, str] | None = None
) -> tuple[tuple[AgeKey, ...], tuple[PgpKey, ...]]:
    """One encrypted copy of the data key per recipient (gpg runs in `gpg_env`, else in this
    process's environment: its GNUPGHOME holds the recipients' public keys)."""
    if not recipients:
        raise UsageError("no recipients to encrypt to", _RECIPIENT_HINT)
    age = tuple(AgeKey(r, _age_encrypt(data_key, r)) for r in recipients.age)
    created = now_text()
    env = gpg_env or os.environ
    pgp = tuple(PgpKey(fp, _pgp_encrypt(data_key, fp, env), created) for fp in recipients.pgp)
    return age, pgp


def unwrap(meta: Metadata, identities: Identities, name: str) -> bytes:
    """The data key, from the first master key an identity opens (age before PGP)."""
    if meta.other.get("key_groups"):
        raise UsageError(
            f"{name} uses SOPS key groups (Shamir), which git-migrate does not read",
            "decrypt it with sops, or re-encrypt it without key_groups",
        )
    if meta.age and (identities.age or identities.ssh):
        for entry in meta.age:
            key = _age_decrypt(entry.enc, identities.age, identities.ssh)
            if key is not None:
                return _checked(key, name)
    for pgp_entry in meta.pgp:
        key = _pgp_decrypt(pgp_entry.enc, identities.gpg_env)
        if key is not None:
            return _checked(key, name)
    has = recipients_of_meta(meta).describe()
    raise UsageError(
        f"no key here decrypts {name}; it is encrypted to: {has}",
        "set SOPS_AGE_KEY_FILE (or SOPS_AGE_KEY) to a matching age identity, or import the PGP "
        "secret key into gpg (GNUPGHOME)",
    )


def recipients_of_meta(meta: Metadata) -> Recipients:
    return Recipients(
        age=tuple(entry.recipient for entry in meta.age),
        pgp=tuple(entry.fp for entry in meta.pgp),
    )


def _checked(key: bytes, name: str) -> bytes:
    if len(key) != 32:
        raise UsageError(f"{name}: the data key is {len(key)} bytes, not 32", _CORRUPT)
    return key


def _age_encrypt(data_key: bytes, recipient: str) -> str:
    import pyrage

    try:
        if recipient.startswith(("ssh-ed25519 ", "ssh-rsa ")):
            target: Any = pyrage.ssh.Recipient.from_str(recipient)
        else:
            target = pyrage.x25519.Recipient.from_str(recipient)
    except Exception:
        raise UsageError(
            f"{recipient!r} is not an age recipient", "an age recipient looks like age1…"
        ) from None
    return armor(pyrage.encrypt(data_key, [target]))


def _age_decrypt(
    enc: str, secrets: tuple[str, ...], ssh_keys: tuple[bytes, ...] = ()
) -> bytes | None:
    import pyrage

    identities: list[Any] = []
    for secret in secrets:
        try:
            identities.append(pyrage.x25519.Identity.from_str(secret))
        except Exception:
            continue
    for pem in ssh_keys:
        try:
            identities.append(pyrage.ssh.Identity.from_buffer(pem))
        except Exception:
            continue  # passphrase-protected or not an ed25519/RSA key
    if not identities:
        return None
    try:
        plain: bytes = pyrage.decrypt(dearmor(enc), identities)
    except Exception:
        return None
    return plain


def armor(raw: bytes) -> str:
    """age's ASCII armor: base64 in lines of 64, between BEGIN/END lines, final newline."""
    text = base64.b64encode(raw).decode("ascii")
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    return "\n".join([_AGE_BEGIN, *lines, _AGE_END]) + "\n"


def dearmor(enc: str) -> bytes:
    text = enc.strip()
    if not text.startswith(_AGE_BEGIN):
        return text.encode()
    body = text[len(_AGE_BEGIN) :].split(_AGE_END)[0]
    return base64.b64decode("".join(body.split()))


def _gpg(
    args: list[str], data: bytes, env: Mapping[str, str]
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["gpg", "--batch", "--no-tty", "--quiet", *args],
            input=data,
            capture_output=True,
            env=dict(env) or None,
            check=False,
            timeout=120,
        )
    except FileNotFoundError:
        raise UsageError("gpg is not installed", "install GnuPG to use PGP keys") from None


def _pgp_encrypt(data_key: bytes, fingerprint: str, env: Mapping[str, str]) -> str:
    done = _gpg(
        ["--trust-model", "always", "--armor", "--encrypt", "-r", fingerprint], data_key, env
    )
    if done.returncode != 0:
        raise UsageError(
            f"gpg cannot encrypt to {fingerprint}",
            "import the recipient's public key (gpg --import) or fix the fingerprint",
        )
    return done.stdout.decode("ascii")


def _pgp_decrypt(enc: str, env: Mapping[str, str]) -> bytes | None:
    done = _gpg(["--decrypt"], enc.encode("ascii"), env or os.environ)
    return done.stdout if done.returncode == 0 else None


_RECIPIENT_HINT = (
    "add a creation rule to .sops.yaml, or set keys for the environment in .gitmigrate.toml"
)
_CORRUPT = "the file was changed by hand or is corrupt; restore it from git"
