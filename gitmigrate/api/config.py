"""The config commands as plain functions: each changing command commits one config step with
its rollback (`print_only=True` returns what it would commit instead). Files are paths inside
the repository (absolute, or relative to its root); with `target`, paths inside that outside
tree (relative to its root), where `apply` runs the step.

    from gitmigrate import api
    api.config_set(repo, "config/app.yaml", "server.port", "8080", parse=True)
    api.config_rename(repo, "config/app.yaml", "server.port", "listen_port")
    api.config_convert(repo, "config/app.json", to="yaml")
    api.config_merge(repo, ["config/base.yaml", "config/prod.yaml"], out="build/prod.yaml")
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitmigrate.api._repo import RepoLike, open_repo
from gitmigrate.errors import UsageError

if TYPE_CHECKING:
    from gitmigrate.core.gitstore import GitRepo
    from gitmigrate.core.model import Step
    from gitmigrate.kinds.config.authoring import ConfigPreview

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class ConfigStep:
    """The committed step, or (print_only) the preview of what it would commit."""

    step: Step | None
    preview: ConfigPreview | None

    @property
    def committed(self) -> bool:
        return self.step is not None

    def to_json(self) -> dict[str, Any]:
        if self.step is not None:
            s = self.step
            return {
                "committed": True,
                "step": s.id,
                "kind": s.kind,
                "summary": s.summary,
                "commit": s.commit,
                "options": dict(s.options),
            }
        assert self.preview is not None
        return {"committed": False, **self.preview.to_json()}


def _file(repo: GitRepo, path: PathLike, target: str | None, what: str = "file") -> str:
    """A repository-relative (or, with an outside `target`, tree-relative) POSIX path."""
    text = os.fspath(path)
    if target not in (None, "."):
        if Path(text).is_absolute():
            raise UsageError(
                f"{what} {text} is absolute; with --target give it relative to the tree",
                "e.g. app.yaml for <tree>/app.yaml",
            )
        return Path(text).as_posix()
    full = Path(text) if Path(text).is_absolute() else repo.root / text
    try:
        relative = full.resolve().relative_to(repo.root.resolve())
    except ValueError:
        raise UsageError(
            f"{what} {text} is outside the repository ({repo.root})",
            "give a file inside the repository, or name an outside tree with --target",
        ) from None
    if not relative.parts:
        raise UsageError(f"{what} {text} is the repository itself", "give a file inside it")
    return relative.as_posix()


def _commit(
    repo: RepoLike,
    op: str,
    options: dict[str, Any],
    *,
    summary: str | None,
    default_summary: str,
    target: str | None,
    schema: PathLike | None,
    env: str | None,
    print_only: bool,
) -> ConfigStep:
    from gitmigrate.core.model import Step as StepType
    from gitmigrate.kinds.config.authoring import author_config_step

    opened = open_repo(repo)
    found = author_config_step(
        opened,
        op,
        {k: v for k, v in options.items() if v is not None},
        summary=summary or default_summary,
        target=target,
        schema=_file(opened, schema, None, "schema") if schema is not None else None,
        env=env,
        print_only=print_only,
    )
    if isinstance(found, StepType):
        return ConfigStep(found, None)
    return ConfigStep(None, found)


def _value(file: str, value: Any, parse: bool) -> Any:
    if not parse or not isinstance(value, str):
        return value
    from gitmigrate.files.formats import format_of
    from gitmigrate.files.scalars import parse_cli_value

    return parse_cli_value(value, format_of(file))


def config_set(
    repo: RepoLike,
    file: PathLike,
    key: str,
    value: Any,
    *,
    parse: bool = False,
    summary: str | None = None,
    target: str | None = None,
    schema: PathLike | None = None,
    env: str | None = None,
    print_only: bool = False,
) -> ConfigStep:
    """Set KEY in FILE to VALUE (a missing key is added, its parents too); every other line
    stays byte-identical. `parse`: VALUE is command-line text (`8080`, `true`, `[1, 2]`)."""
    opened = open_repo(repo)
    path = _file(opened, file, target)
    typed = _value(path, value, parse)
    options: dict[str, Any] = {"file": path, "key": key}
    if typed is None:
        options["null"] = True
    else:
        options["value"] = typed
    return _commit(opened, "set", options, summary=summary,
                   default_summary=f"set {key} in {path}", target=target, schema=schema,
                   env=env, print_only=print_only)  # fmt: skip


def config_unset(
    repo: RepoLike,
    file: PathLike,
    key: str,
    *,
    summary: str | None = None,
    target: str | None = None,
    schema: PathLike | None = None,
    env: str | None = None,
    print_only: bool = False,
) -> ConfigStep:
    """Remove KEY (and its value, comments on its lines) from FILE."""
    opened = open_repo(repo)
    path = _file(opened, file, target)
    return _commit(opened, "unset", {"file": path, "key": key}, summary=summary,
                   default_summary=f"unset {key} in {path}", target=target, schema=schema,
                   env=env, print_only=print_only)  # fmt: skip


def config_rename(
    repo: RepoLike,
    file: PathLike,
    old: str,
    new: str,
    *,
    summary: str | None = None,
    target: str | None = None,
    schema: PathLike | None = None,
    env: str | None = None,
    print_only: bool = False,
) -> ConfigStep:
    """Rename the key OLD to NEW under the same parent (NEW: the new name, or a full path)."""
    opened = open_repo(repo)
    path = _file(opened, file, target)
    return _commit(opened, "rename", {"file": path, "key": old, "new_key": new},
                   summary=summary, default_summary=f"rename {old} to {new} in {path}",
                   target=target, schema=schema, env=env, print_only=print_only)  # fmt: skip


def config_move(
    repo: RepoLike,
    file: PathLike,
    old: str,
    new: str,
    *,
    summary: str | None = None,
    target: str | None = None,
    schema: PathLike | None = None,
    env: str | None = None,
    print_only: bool = False,
) -> ConfigStep:
    """Move the value at OLD to the key path NEW (any parent, created when missing)."""
    opened = open_repo(repo)
    path = _file(opened, file, target)
    return _commit(opened, "move", {"file": path, "key": old, "new_key": new},
                   summary=summary, default_summary=f"move {old} to {new} in {path}",
                   target=target, schema=schema, env=env, print_only=print_only)  # fmt: skip


def config_convert(
    repo: RepoLike,
    source: PathLike,
    *,
    to: str,
    out: PathLike | None = None,
    lossy: bool = False,
    summary: str | None = None,
    target: str | None = None,
    schema: PathLike | None = None,
    print_only: bool = False,
) -> ConfigStep:
    """Convert SOURCE to the format `to`, keeping comments and key order where the target can
    hold them; what it cannot hold is an error naming each key, unless `lossy` (then the step
    records every loss). Without `out` the converted file replaces SOURCE (new suffix)."""
    opened = open_repo(repo)
    path = _file(opened, source, target)
    options: dict[str, Any] = {"file": path, "to": to, "lossy": lossy or None}
    if out is not None:
        options["out"] = _file(opened, out, target, "out")
    return _commit(opened, "convert", options, summary=summary,
                   default_summary=f"convert {path} to {to}", target=target, schema=schema,
                   env=None, print_only=print_only)  # fmt: skip


def config_merge(
    repo: RepoLike,
    sources: Sequence[PathLike] = (),
    *,
    out: PathLike,
    env: str | None = None,
    summary: str | None = None,
    target: str | None = None,
    schema: PathLike | None = None,
    print_only: bool = False,
) -> ConfigStep:
    """Merge layered files into OUT (later wins; maps deep-merge; lists replace unless marked:
    YAML `!append`/`!delete`, a `__merge__` table in TOML/JSON). Without `sources`, the
    config files of the environment `env`."""
    opened = open_repo(repo)
    if not sources and env is None:
        raise UsageError(
            "merge needs files or an environment", "give BASE OVERLAY... or --env NAME"
        )
    options: dict[str, Any] = {
        "sources": [_file(opened, s, target, "source") for s in sources] or None,
        "out": _file(opened, out, target, "out"),
    }
    shown = ", ".join(options["sources"] or []) or f"environment {env}"
    return _commit(opened, "merge", options, summary=summary,
                   default_summary=f"merge {shown} into {options['out']}", target=target,
                   schema=schema, env=env, print_only=print_only)  # fmt: skip


def config_encrypt(
    repo: RepoLike,
    file: PathLike,
    *,
    keys: str | None = None,
    age: Sequence[str] = (),
    pgp: Sequence[str] = (),
    env: str | None = None,
    summary: str | None = None,
    target: str | None = None,
    print_only: bool = False,
) -> ConfigStep:
    """Encrypt FILE's values in place, SOPS-compatible (`keys`: only key paths matching this
    regex). Recipients: `age`/`pgp`, else the environment's keys, else .sops.yaml's creation
    rules. The plaintext never enters the step (its diff is not kept)."""
    opened = open_repo(repo)
    path = _file(opened, file, target)
    options: dict[str, Any] = {"file": path, "keys": keys, "age": list(age) or None,
                               "pgp": list(pgp) or None}  # fmt: skip
    return _commit(opened, "encrypt", options, summary=summary,
                   default_summary=f"encrypt {path}", target=target, schema=None, env=env,
                   print_only=print_only)  # fmt: skip


def config_rotate(
    repo: RepoLike,
    file: PathLike,
    *,
    summary: str | None = None,
    target: str | None = None,
    print_only: bool = False,
) -> ConfigStep:
    """Re-encrypt every value of FILE with a new data key (the identities of the environment:
    SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, gpg)."""
    opened = open_repo(repo)
    path = _file(opened, file, target)
    return _commit(opened, "rotate", {"file": path}, summary=summary,
                   default_summary=f"rotate the data key of {path}", target=target,
                   schema=None, env=None, print_only=print_only)  # fmt: skip


def config_update_keys(
    repo: RepoLike,
    file: PathLike,
    *,
    age: Sequence[str] = (),
    pgp: Sequence[str] = (),
    env: str | None = None,
    summary: str | None = None,
    target: str | None = None,
    print_only: bool = False,
) -> ConfigStep:
    """Re-wrap FILE's data key for new recipients (`migrate-secrets`); values unchanged."""
    opened = open_repo(repo)
    path = _file(opened, file, target)
    options: dict[str, Any] = {"file": path, "age": list(age) or None, "pgp": list(pgp) or None}
    return _commit(opened, "update-keys", options, summary=summary,
                   default_summary=f"update the recipients of {path}", target=target,
                   schema=None, env=env, print_only=print_only)  # fmt: skip
