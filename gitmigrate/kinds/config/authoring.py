"""Authoring a config step. For the repository the operation runs on the checked-out files and
its result is the step commit (StepFiles.project_files), validated first: nothing is committed
when the result breaks the step's schema. For an outside tree the step holds the operation
only; apply runs it there. Either way the step keeps its key-level diff (changes.json) and a
copy of its schema (schema.json).

    author_config_step(repo, "set", {"file": "app.yaml", "key": "port", "value": 8080},
                       summary="raise the port") -> Step (committed) | ConfigPreview (print_only)
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gitmigrate.core.config import REPOSITORY, TREE, ProjectConfig, load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.engine.kinds import AuthorRequest, StepFiles
from gitmigrate.errors import BlockedError, UsageError
from gitmigrate.kinds.config.changes import CHANGES_FILE, KeyChange, dump, from_files, from_options
from gitmigrate.kinds.config.options import SECRET_OPS, ConfigOptions, options_of, tree_path
from gitmigrate.kinds.config.run import reader
from gitmigrate.kinds.config.transform import Loss, outcome
from gitmigrate.kinds.config.validation import SCHEMA_FILE, judged

KIND = "config"


@dataclass(frozen=True)
class ConfigPreview:
    """What a config step would commit (`--print`): its options, key-level diff and, for the
    repository, the textual diff of its files (never for a secret operation)."""

    op: str
    summary: str
    options: dict[str, Any]
    changes: tuple[KeyChange, ...]
    losses: tuple[Loss, ...]
    diff: str

    def to_json(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "summary": self.summary,
            "options": self.options,
            "changes": [c.__dict__ for c in self.changes],
            "losses": [x.__dict__ for x in self.losses],
            "diff": self.diff,
        }


def completed(raw: Mapping[str, Any], config: ProjectConfig) -> dict[str, Any]:
    """The options with what the environment gives filled in (merge sources, schema)."""
    out = dict(raw)
    env_name = out.get("env")
    if env_name:
        env = config.environment(str(env_name))
        if out.get("op") == "merge" and not out.get("sources"):
            if not env.config:
                raise UsageError(
                    f"environment {env.name!r} names no config files",
                    f"add config = [...] under [environments.{env.name}], or give the files",
                )
            out["sources"] = list(env.config)
        if not out.get("schema") and env.schema:
            out["schema"] = env.schema
        if out.get("op") != "merge" and env.config:
            out.setdefault("layers", list(env.config))
        if out.get("op") in ("encrypt", "update-keys") and not (out.get("age") or out.get("pgp")):
            out.setdefault("age", list(env.keys.age))
            out.setdefault("pgp", list(env.keys.pgp))
    return {k: v for k, v in out.items() if v not in (None, [], ())}


def author_config(request: AuthorRequest) -> StepFiles:
    """Kind.author for config steps (every check before anything is committed)."""
    return _authored(request)[0]


def _authored(request: AuthorRequest) -> tuple[StepFiles, ConfigOptions, str]:
    repo, config = request.repo, request.config
    raw = completed(request.options, config)
    options = options_of(raw, "config step")
    files: dict[str, bytes] = {}
    if options.schema:
        files[SCHEMA_FILE] = _schema_bytes(repo, options.schema)
    if options.op in ("encrypt", "update-keys") and not (options.age or options.pgp):
        raw.update(_recipients(repo, str(options.file), options.op))
        options = options_of(raw, "config step")
    if options.target and options.target != REPOSITORY:
        _check_tree_target(config, options.target)
        files[CHANGES_FILE] = dump(from_options(options), ())
        return StepFiles(files, options.to_toml(), request.irreversible), options, ""
    options = options_of({k: v for k, v in raw.items() if k != "target"}, "config step")
    read = reader(repo.root)
    result = outcome(read, options)
    if not result.files:
        raise UsageError(
            f"config {options.op}: nothing changes in {', '.join(options.outputs)}",
            "the files already hold the result; no step is needed",
        )
    if SCHEMA_FILE in files:
        import json

        schema = json.loads(files[SCHEMA_FILE])
        after = {**{p: read(p) for p in options.outputs}, **result.files}
        found = judged(
            schema, lambda p: after[p] if p in after else read(p), result.files, options.layers
        )
        if found:
            raise BlockedError(
                f"the {options.op} makes the config invalid against {options.schema}: {found[0]}"
                + (f" (and {len(found) - 1} more)" if len(found) > 1 else ""),
                "nothing was committed; change the value or the schema",
            )
    changes = from_files(read, result.files, options)
    files[CHANGES_FILE] = dump(changes, result.losses)
    diff = "" if options.op in SECRET_OPS else _text_diff(read, result.files)
    # encrypting a file git does not track yet replaces it in place: committing the
    # plaintext first would put the secrets in history
    consumed = (
        {str(options.file): read_bytes}
        if (options.op == "encrypt" and (read_bytes := read(str(options.file))) is not None)
        else {}
    )
    authored = StepFiles(
        files, options.to_toml(), request.irreversible, project_files=result.files,
        consumed=consumed,
    )  # fmt: skip
    return authored, options, diff


def _schema_bytes(repo: GitRepo, schema: str) -> bytes:
    from gitmigrate.files import validate

    path = repo.root / tree_path(schema, "schema")
    validate.load_schema(path)  # not JSON, or not a Draft 2020-12 schema: a UsageError
    return path.read_bytes()


def _recipients(repo: GitRepo, file: str, op: str) -> dict[str, list[str]]:
    """The recipients of .sops.yaml's creation rules (as sops reads them) when none are given."""
    from gitmigrate.files import sops

    found = sops.recipients_for(repo.root, file, None)
    if not (found.age or found.pgp):
        raise UsageError(
            f"config {op} of {file}: no recipients",
            "give --age/--pgp, keys = {...} in the environment, or a .sops.yaml creation rule",
        )
    return {"age": list(found.age), "pgp": list(found.pgp)}


def _check_tree_target(config: ProjectConfig, name: str) -> None:
    target = config.target(name)  # unknown: a UsageError naming the configured ones
    if target.sort != TREE:
        raise UsageError(
            f"target {name!r} is a database; a config step changes files",
            'name a tree target (path = "...") in .gitmigrate.toml, or none for the repository',
        )


def _text_diff(read: Any, changed: Mapping[str, bytes | None]) -> str:
    out: list[str] = []
    for path, new in sorted(changed.items()):
        old = read(path)
        a = (old or b"").decode("utf-8", "replace").splitlines(keepends=True)
        b = (new or b"").decode("utf-8", "replace").splitlines(keepends=True)
        src = f"a/{path}" if old is not None else "/dev/null"
        dst = f"b/{path}" if new is not None else "/dev/null"
        for line in difflib.unified_diff(a, b, src, dst):
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def author_config_step(
    repo: GitRepo,
    op: str,
    options: Mapping[str, Any],
    *,
    summary: str,
    target: str | None = None,
    schema: str | None = None,
    env: str | None = None,
    print_only: bool = False,
) -> Step | ConfigPreview:
    """Commit one config step on the current migration branch (its rollback: the inverse
    commit, or the backups in an outside tree); with `print_only`, what it would commit."""
    raw: dict[str, Any] = {"op": op, **options}
    for name, value in (("target", target), ("schema", schema), ("env", env)):
        if value is not None:
            raw[name] = value
    if not print_only:
        from gitmigrate.engine.authoring import author_step

        return author_step(repo, KIND, summary, raw)
    config = load_config(repo)
    request = AuthorRequest(repo, config, "(print)", summary, "tree", raw)
    authored, typed, diff = _authored(request)
    from gitmigrate.kinds.config.changes import recorded

    shown = Step("(print)", 0, "print", KIND, summary, authored.files, authored.options)
    changes, losses = recorded(shown)
    return ConfigPreview(op, summary, authored.options, tuple(changes), tuple(losses), diff)
