"""The secrets commands: `config secrets encrypt|rotate FILE` and `config migrate-secrets FROM TO`
each commit a config step (through the config kind: its rollback is the inverse commit), and
`config secrets decrypt FILE` writes nothing git would commit. Plaintext never enters a commit,
a note, a log or a result's `to_json()`.

The steps themselves are the config kind's (`gitmigrate.api.config`: config_encrypt,
config_rotate, config_update_keys, which find the recipients); this module adds what the
commands need around them: a check of --keys, the choice of files and recipients for
migrate-secrets, and decrypt. Private keys: SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, ~/.config/sops/age/keys.txt, gpg.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitmigrate.api._repo import RepoLike, open_repo
from gitmigrate.api.config_query import load_document, repo_path
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.errors import UsageError
from gitmigrate.files.keypath import KeyPath, format_key

if TYPE_CHECKING:
    from gitmigrate.api.config import ConfigStep
    from gitmigrate.core.config import ProjectConfig
    from gitmigrate.files.document import Document
    from gitmigrate.files.sops import Recipients

_AGE = re.compile(r"^age1[0-9a-z]{58}$")
_PGP = re.compile(r"^(?:[0-9A-Fa-f]{16}|[0-9A-Fa-f]{40})$")


def config_secrets_encrypt(
    repo: RepoLike = None, *, file: str, keys: str | None = None, env: str | None = None,
    summary: str | None = None, print_only: bool = False,
) -> ConfigStep:  # fmt: skip
    """Commit a step encrypting FILE's values in place (only the key paths matching `keys`, a
    regex, when given; every value otherwise). Recipients: `env`'s keys when named; else the
    creation rules of .sops.yaml; else the keys of the environment whose `config` lists FILE."""
    from gitmigrate.api.config import config_encrypt

    git = open_repo(repo)
    if keys is not None:
        _regex(keys)
    relative = repo_path(git, file)
    age, pgp = ((), ()) if env is not None else _fallback_recipients(git, relative)
    return config_encrypt(git, relative, keys=keys, age=age, pgp=pgp, env=env, summary=summary,
                          print_only=print_only)  # fmt: skip


def _fallback_recipients(git: GitRepo, file: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """No .sops.yaml rule for `file`: the keys of the first environment listing it, if any."""
    from gitmigrate.core.config import load_config
    from gitmigrate.files import sops

    try:
        sops.recipients_for(git.root, file, None)
        return (), ()  # .sops.yaml decides, as sops would
    except UsageError:
        pass
    for environment in load_config(git).environments.values():
        if file in environment.config and (environment.keys.age or environment.keys.pgp):
            return environment.keys.age, environment.keys.pgp
    return (), ()


def config_secrets_rotate(
    repo: RepoLike = None, *, file: str, summary: str | None = None, print_only: bool = False
) -> ConfigStep:
    """Commit a step giving FILE a new data key, every value re-encrypted (same recipients)."""
    from gitmigrate.api.config import config_rotate

    git = open_repo(repo)
    return config_rotate(git, repo_path(git, file), summary=summary, print_only=print_only)


def config_migrate_secrets(
    repo: RepoLike = None, *, from_keys: str, to_keys: str, files: Sequence[str] = (),
    summary: str | None = None, print_only: bool = False,
) -> tuple[ConfigStep, ...]:  # fmt: skip
    """Re-wrap the data key of every encrypted config file readable by FROM_KEYS (or of
    `files`) for its recipients without FROM_KEYS and with TO_KEYS: one step per file.
    FROM_KEYS/TO_KEYS: an environment name (its `keys`) or comma-separated age recipients
    and PGP fingerprints."""
    from gitmigrate.api.config import config_update_keys
    from gitmigrate.core.config import load_config
    from gitmigrate.files import sops

    git = open_repo(repo)
    config = load_config(git)
    old, new = _recipients(config, from_keys), _recipients(config, to_keys)
    chosen = [repo_path(git, f) for f in files] or _encrypted_files(git)
    steps = []
    for relative in chosen:
        doc = load_document(git, relative)
        if not sops.is_encrypted(doc.text, doc.format):
            raise UsageError(f"{relative} is not encrypted", "give files with a sops block")
        now = sops.recipients_of(doc.text, doc.format, doc.name)
        if not (set(now.age) & set(old.age) or set(now.pgp) & set(old.pgp)):
            if files:
                raise UsageError(
                    f"{relative} is not encrypted for {from_keys}",
                    f"its recipients: {', '.join((*now.age, *now.pgp)) or 'none'}",
                )
            continue
        age = [r for r in now.age if r not in old.age] + [r for r in new.age if r not in now.age]
        pgp = [r for r in now.pgp if r not in old.pgp] + [r for r in new.pgp if r not in now.pgp]
        text = summary or f"re-key {relative} from {from_keys} to {to_keys}"
        steps.append(config_update_keys(git, relative, age=age, pgp=pgp, summary=text,
                                        print_only=print_only))  # fmt: skip
    if not steps:
        raise UsageError(
            f"no encrypted config file is readable by {from_keys}",
            "check the recipients with `git migrate config secrets decrypt FILE`",
        )
    return tuple(steps)


def _recipients(config: ProjectConfig, spec: str) -> Recipients:
    """An environment's keys, or `age1...,FINGERPRINT,...`."""
    from gitmigrate.files.sops import Recipients

    if spec in config.environments:
        keys = config.environment(spec).keys
        if not keys.age and not keys.pgp:
            raise UsageError(f"environment {spec!r} has no keys",
                             f'add keys = {{ age = ["age1..."] }} to [environments.{spec}]')  # fmt: skip
        return Recipients(age=keys.age, pgp=keys.pgp)
    age, pgp = [], []
    for part in (p.strip() for p in spec.split(",")):
        if _AGE.match(part):
            age.append(part)
        elif _PGP.match(part):
            pgp.append(part.upper())
        elif part:
            raise UsageError(
                f"{part!r} is neither an environment, an age recipient nor a PGP fingerprint",
                f"environments: {', '.join(sorted(config.environments)) or 'none'}; "
                "recipients look like age1... (62 characters) or a 40-hex fingerprint",
            )
    if not age and not pgp:
        raise UsageError(f"no keys in {spec!r}", "give age1... recipients or fingerprints")
    return Recipients(age=tuple(age), pgp=tuple(pgp))


def _encrypted_files(git: GitRepo) -> list[str]:
    """Tracked config files (outside migrations/) that hold a sops block."""
    from gitmigrate.files import sops
    from gitmigrate.files.document import decode
    from gitmigrate.files.formats import format_of

    found = []
    for entry in git.ls_tree("HEAD"):
        if entry.path.startswith("migrations/"):
            continue
        try:
            fmt = format_of(entry.path)
            text = decode(git.read_blobs([entry.sha])[entry.sha], entry.path)
        except UsageError:
            continue
        if "sops" in text and sops.is_encrypted(text, fmt):
            found.append(entry.path)
    return found


# -- decrypt --------------------------------------------------------------------------------

MASK = "********"


@dataclass(frozen=True)
class Decrypted:
    """A decrypted config file. `text` holds the secrets: print it only where the user asked
    (a pipe, --show on a TTY) or write it to `written`; `masked` hides every decrypted value."""

    file: str
    text: str
    masked: str
    keys: tuple[KeyPath, ...]  # the paths that were encrypted
    written: str | None  # where --out wrote the plaintext

    def to_json(self) -> dict[str, Any]:  # never the plaintext
        return {"file": self.file, "keys": [format_key(k) for k in self.keys],
                "written": self.written}  # fmt: skip


def config_decrypt(
    repo: RepoLike = None, *, file: str, keys: str | None = None, out: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Decrypted:  # fmt: skip
    """Decrypt a SOPS-encrypted file (keys from SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, gpg, as sops
    finds them). `keys` (a regex on key paths) limits which values are revealed: the others
    stay masked. `out` writes the plaintext (mode 600), only outside the work tree or to a
    git-ignored, untracked path: never into a file git would commit."""
    from gitmigrate.files import sops
    from gitmigrate.files.document import loads

    git = open_repo(repo)
    doc = load_document(git, file)
    if not sops.is_encrypted(doc.text, doc.format):
        raise UsageError(
            f"{doc.name} is not encrypted", "encrypt it: git migrate config secrets encrypt FILE"
        )
    paths = tuple(sops.encrypted_paths(doc.text, doc.format, doc.name))
    identities = sops.Identities.from_environment(os.environ if env is None else env)
    text = sops.decrypt_text(doc.text, doc.format, doc.name, identities)
    plain = loads(text, doc.format, doc.name)
    masked = _mask(plain, paths)
    if keys is not None:
        pattern = _regex(keys)
        hidden = [p for p in paths if not pattern.search(format_key(p))]
        text = _mask(plain, tuple(hidden))
    written = None
    if out is not None:
        written = _safe_output(git, out)
        target = Path(out) if Path(out).is_absolute() else Path.cwd() / out
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # the mode of open() applies only to a new file
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    return Decrypted(doc.name, text, masked, paths, written)


def _regex(pattern: str) -> Any:
    import re

    try:
        return re.compile(pattern)
    except re.error as exc:
        raise UsageError(f"--keys {pattern!r} is not a regular expression: {exc}",
                         "e.g. --keys '^(db|api)\\.' (matched against key paths like db.password)") from None  # fmt: skip


def _mask(doc: Document, paths: Sequence[KeyPath]) -> str:
    """`doc`'s text with the values at `paths` replaced by a mask (display only)."""
    from gitmigrate.files.edit import replace_spans

    quote = doc.format in ("json", "toml", "yaml")  # `*` starts a YAML alias
    mask = f'"{MASK}"' if quote else MASK
    edits = [(doc.nodes[p].span, mask) for p in paths if p in doc.nodes]
    return replace_spans(doc.text, edits)


def _safe_output(repo: GitRepo, out: str) -> str:
    """Where decrypted text may go: outside the work tree, or an ignored untracked path."""
    target = (Path(out) if Path(out).is_absolute() else Path.cwd() / out).resolve()
    root = repo.root.resolve()
    if not target.is_relative_to(root):
        return str(target)
    relative = target.relative_to(root).as_posix()
    tracked = repo.run("ls-files", "--", relative).strip()
    ignored = repo.ok("check-ignore", "-q", "--no-index", "--", relative)
    if tracked or not ignored:
        why = "is tracked by git" if tracked else "is not git-ignored"
        raise UsageError(
            f"refusing to write decrypted values to {relative}: it {why}",
            "write outside the work tree (--out /tmp/x) or to a path in .gitignore, "
            "or print to stdout",
        )
    return relative
