"""The read-only config commands (history, diff, explain, validate) and the secrets commands'
non-committing half (decrypt): plain functions for scripts, called by `cli/commands/
config_query.py` and `config_secrets.py`. Secret values are hidden in every result here
(`gitmigrate.review.secrets` says which keys are secret; `ENC[...]` values always are)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitmigrate.api._repo import RepoLike, open_repo
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.errors import UsageError
from gitmigrate.files.keypath import KeyPath, format_key

if TYPE_CHECKING:
    from gitmigrate.files.document import Document
    from gitmigrate.kinds.config.history import HistoryEntry


@dataclass(frozen=True)
class ConfigHistory:
    key: str
    file: str | None
    entries: tuple[HistoryEntry, ...]

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "file": self.file,
                "entries": [e.to_json() for e in self.entries]}  # fmt: skip


def config_history(
    repo: RepoLike = None, *, key: str, file: str | os.PathLike[str] | None = None,
    rev: str = "HEAD",
) -> ConfigHistory:  # fmt: skip
    """Each value `key` had (in `file`, or in every config file holding it at `rev`), oldest
    first, with the commit and step that set it; secret and encrypted values hidden."""
    from gitmigrate.files.keypath import parse_key
    from gitmigrate.kinds.config.history import key_history

    git = open_repo(repo)
    path = None if file is None else repo_path(git, file, must_exist=False)
    entries = key_history(git, parse_key(key), path, rev=rev, secret=secret_predicate(git))
    return ConfigHistory(key, path, tuple(entries))


def repo_path(repo: GitRepo, file: str | os.PathLike[str], *, must_exist: bool = True) -> str:
    """`file` as a path relative to the repository root. A relative path is read from the
    current directory when it is inside the repository there, else from the root; a path
    outside the repository is a UsageError."""
    root = repo.root.resolve()
    given = Path(file)
    candidates = [given] if given.is_absolute() else [Path.cwd() / given, root / given]
    for candidate in candidates:
        resolved = candidate.resolve()
        if not resolved.is_relative_to(root):
            continue
        if must_exist and not resolved.is_file():
            continue
        return resolved.relative_to(root).as_posix()
    if must_exist and any(c.resolve().is_relative_to(root) for c in candidates):
        raise UsageError(f"{file} does not exist", "give the path of a config file")
    raise UsageError(
        f"{file} is outside the repository {root}",
        "config commands work on files inside the repository (copy the file in, or use -C)",
    )


def load_document(repo: GitRepo, spec: str | os.PathLike[str]) -> Document:
    """A config file of the work tree (`path`), or a committed version of one (`REV:path`)."""
    from gitmigrate.files.document import decode, load, loads
    from gitmigrate.files.formats import format_of

    text = os.fspath(spec)
    rev, sep, path = text.partition(":")
    if sep and rev and path and not Path(text).exists() and repo.rev_parse(rev):
        raw = repo.show_file(rev, path.removeprefix("./"))
        if raw is None:
            raise UsageError(
                f"{path} does not exist at {rev}", f"list the files: git ls-tree -r {rev}"
            )
        return loads(decode(raw, text), format_of(path), text)
    relative = repo_path(repo, text)
    return load(repo.root / relative, name=relative)


def secret_predicate(repo: GitRepo, *docs: Any) -> Callable[[KeyPath], bool]:
    """Secret key paths: a secret-looking key name, a name an environment lists under
    `secrets` in .gitmigrate.toml, or a path holding an encrypted value in any of `docs`."""
    from gitmigrate.review.secrets import is_encrypted, is_secret_path

    names = _declared_secrets(repo)

    def secret(path: KeyPath) -> bool:
        if is_secret_path(path) or any(part in names for part in path):
            return True
        return any(is_encrypted(_get(d, path)) for d in docs)

    return secret


def _declared_secrets(repo: GitRepo) -> frozenset[str | int]:
    from gitmigrate.core.config import load_config
    from gitmigrate.errors import GitMigrateError

    try:
        environments = load_config(repo).environments
    except GitMigrateError:  # no (or a broken) .gitmigrate.toml: the name patterns only
        return frozenset()
    return frozenset(name for env in environments.values() for name in env.secrets)


def _lookup(data: Any, path: KeyPath) -> tuple[bool, Any]:
    """(whether `path` exists in `data`, its value): a None value exists."""
    for part in path:
        if isinstance(part, int) and isinstance(data, list) and 0 <= part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return False, None
    return True, data


def _get(data: Any, path: KeyPath) -> Any:
    return _lookup(data, path)[1]


# -- diff -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigChange:
    path: KeyPath
    what: str  # added | removed | changed
    old: Any  # None when added or hidden
    new: Any  # None when removed or hidden
    hidden: bool

    def to_json(self) -> dict[str, Any]:
        shown = {} if self.hidden else {"old": self.old, "new": self.new}
        return {"key": format_key(self.path), "what": self.what, "hidden": self.hidden, **shown}


@dataclass(frozen=True)
class ConfigDiff:
    a: str
    b: str
    changes: tuple[ConfigChange, ...]

    def to_json(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "changes": [c.to_json() for c in self.changes]}


def config_diff(repo: RepoLike = None, *, a: str, b: str) -> ConfigDiff:
    """Semantic differences from A to B (files of the work tree or `REV:path`, any two formats):
    each key path added, removed or changed. Secret keys and encrypted values are reported as
    changed without their values; the sops metadata of encrypted files is left out."""
    from gitmigrate.files.diff import diff_data

    git = open_repo(repo)
    left, right = load_document(git, a), load_document(git, b)
    data_a, data_b = _without_sops(left), _without_sops(right)
    secret = secret_predicate(git, data_a, data_b)
    changes = tuple(
        ConfigChange(
            c.path,
            c.what,
            None if secret(c.path) else c.old,
            None if secret(c.path) else c.new,
            secret(c.path),
        )  # fmt: skip
        for c in diff_data(data_a, data_b, secret=secret)
    )
    return ConfigDiff(left.name, right.name, changes)


def _without_sops(doc: Document) -> Any:
    """The data without the sops metadata (`sops:` / `[sops]` / `sops_*` in .env)."""
    from gitmigrate.files import sops

    if not isinstance(doc.data, dict) or not sops.is_encrypted(doc.text, doc.format):
        return doc.data
    if doc.format == "env":
        return {k: v for k, v in doc.data.items() if not str(k).startswith("sops_")}
    return {k: v for k, v in doc.data.items() if k != "sops"}


# -- explain --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LayerValue:
    file: str
    line: int | None
    action: str  # what the layer did: set, merge, append, delete ...
    value: Any  # None when hidden
    hidden: bool

    def to_json(self) -> dict[str, Any]:
        shown = {} if self.hidden else {"value": self.value}
        return {"file": self.file, "line": self.line, "action": self.action,
                "hidden": self.hidden, **shown}  # fmt: skip


@dataclass(frozen=True)
class Explanation:
    key: str
    env: str | None
    files: tuple[str, ...]  # the layers, base first
    present: bool
    value: Any  # the merged value; None when hidden or absent
    hidden: bool
    layers: tuple[LayerValue, ...]  # each layer that wrote the key, base first

    def to_json(self) -> dict[str, Any]:
        shown = {} if self.hidden or not self.present else {"value": self.value}
        return {"key": self.key, "env": self.env, "files": list(self.files),
                "present": self.present, "hidden": self.hidden, **shown,
                "layers": [layer.to_json() for layer in self.layers]}  # fmt: skip


def environment_files(repo: GitRepo, env: str | None) -> tuple[str | None, tuple[str, ...]]:
    """(the environment's name, its config layers): the named one, or the only one there is."""
    from gitmigrate.core.config import load_config

    config = load_config(repo)
    environments = config.environments
    if env is None:
        if len(environments) != 1:
            known = ", ".join(sorted(environments)) or "none configured"
            raise UsageError(
                "which environment? " + (f"there are {known}" if environments else known),
                "pass --env NAME (or FILE... to layer files yourself); environments are the "
                "[environments.*] tables of .gitmigrate.toml",
            )
        env = next(iter(environments))
    environment = config.environment(env)
    if not environment.config:
        raise UsageError(
            f"environment {env!r} has no config files",
            f'add config = ["config/base.yaml", ...] to [environments.{env}] in .gitmigrate.toml',
        )
    return env, environment.config


def config_explain(
    repo: RepoLike = None, *, key: str, env: str | None = None, files: Sequence[str] = ()
) -> Explanation:
    """The value of `key` in an environment's merged config (or in `files` layered, base first),
    and which file and line each layer gave it; secret values hidden."""
    from gitmigrate.files.keypath import parse_key
    from gitmigrate.files.merge import explain, merge_layers

    git = open_repo(repo)
    path = parse_key(key)
    if not files:
        env, files = environment_files(git, env)
    docs = [load_document(git, f) for f in files]
    merged = merge_layers(docs)
    present, value = _lookup(merged.data, path)
    layer_data = [d.data for d in docs]
    secret = secret_predicate(git, merged.data, *layer_data)
    hidden = secret(path)
    layers = tuple(  # a key no layer has: a UsageError naming the keys beside it
        LayerValue(o.file, o.line, str(o.action), None if hidden else o.value, hidden)
        for o in explain(merged, path)
    )
    shown = None if hidden or not present else value
    return Explanation(key, env, tuple(d.name for d in docs), present, shown, hidden, layers)


# -- validate -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigProblem:
    where: str  # the file or the environment checked
    key: str
    message: str
    file: str | None
    line: int | None

    def to_json(self) -> dict[str, Any]:
        return {"where": self.where, "key": self.key, "message": self.message,
                "file": self.file, "line": self.line}  # fmt: skip


@dataclass(frozen=True)
class ConfigValidation:
    checked: tuple[tuple[str, str], ...]  # (file or "env NAME", schema) pairs
    problems: tuple[ConfigProblem, ...]

    @property
    def passed(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {"passed": self.passed,
                "checked": [{"what": w, "schema": s} for w, s in self.checked],
                "problems": [p.to_json() for p in self.problems]}  # fmt: skip


def config_validate(
    repo: RepoLike = None, *, file: str | None = None, env: str | None = None,
    schema: str | None = None,
) -> ConfigValidation:  # fmt: skip
    """Check a file, an environment's merged config, or (neither given) every environment
    against a JSON Schema (Draft 2020-12): `schema`, else the environment's own. Each problem
    names the key path, the file and the line; messages about secret keys omit the value."""
    from gitmigrate.core.config import load_config
    from gitmigrate.files.merge import merge_layers
    from gitmigrate.files.validate import load_schema, validate

    git = open_repo(repo)
    if file is not None and env is not None:
        raise UsageError("give FILE or --env, not both", "validate one file, or one environment")
    checked: list[tuple[str, str]] = []
    problems: list[ConfigProblem] = []
    if file is not None:
        if schema is None:
            raise UsageError(f"which schema for {file}?", "pass --schema SCHEMA.json")
        doc = load_document(git, file)
        schema_path = repo_path(git, schema)
        found = validate(doc.data, load_schema(git.root / schema_path), doc=doc)
        checked.append((doc.name, schema_path))
        problems += _problems(doc.name, found, secret_predicate(git, doc.data))
        return ConfigValidation(tuple(checked), tuple(problems))
    config = load_config(git)
    names = [env] if env is not None else sorted(config.environments)
    if not names:
        raise UsageError(
            "no environments to validate",
            "give FILE --schema S, or add [environments.NAME] tables to .gitmigrate.toml",
        )
    for name in names:
        chosen = schema or config.environment(name).schema
        if chosen is None:
            raise UsageError(
                f"environment {name!r} has no schema",
                f'pass --schema S, or add schema = "..." to [environments.{name}]',
            )
        _, files = environment_files(git, name)
        merged = merge_layers([load_document(git, f) for f in files])
        schema_path = repo_path(git, chosen)
        found = validate(merged.data, load_schema(git.root / schema_path), origins=merged.origins)
        checked.append((f"env {name}", schema_path))
        problems += _problems(f"env {name}", found, secret_predicate(git, merged.data))
    return ConfigValidation(tuple(checked), tuple(problems))


def _problems(
    where: str, found: Sequence[Any], secret: Callable[[KeyPath], bool]
) -> list[ConfigProblem]:
    """Schema problems for people; a secret key's message never quotes its value."""
    out = []
    for problem in found:
        message = str(problem.message)
        if secret(problem.path):
            message = "the value does not satisfy the schema (a secret: the value is not shown)"
        out.append(
            ConfigProblem(where, format_key(problem.path), message, problem.file, problem.line)
        )
    return out
