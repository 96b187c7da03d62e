"""Steps read leniently from a commit's tree, for review and the pre-push hook.

`core.catalog` refuses a whole migration when one step is malformed (no `down.sql`, bad TOML):
right for `apply`, wrong for a gate whose job is to name every such step. Here a malformed
step becomes a `LoadProblem` and the others are still read; one `ls-tree` and one batched blob
read, whatever the step count.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import MIGRATION_FILE, MIGRATIONS_DIR, STEP_DIR_RE, STEP_FILE, Step


@dataclass(frozen=True)
class LoadedStep:
    """A step plus its parsed step.toml (for keys the model does not carry, such as `allow`)."""

    step: Step
    meta: Mapping[str, Any]


@dataclass(frozen=True)
class LoadProblem:
    path: str
    message: str
    fix: str


@dataclass(frozen=True)
class TreeSteps:
    steps: tuple[LoadedStep, ...]
    problems: tuple[LoadProblem, ...]
    headers: Mapping[str, Mapping[str, Any]]  # migration name -> its migration.toml


def step_dir_of(path: str) -> str | None:
    """`migrations/<name>/<NNN>-<slug>` for a path inside a step directory, else None."""
    parts = path.split("/")
    if len(parts) >= 4 and parts[0] == MIGRATIONS_DIR and STEP_DIR_RE.match(parts[2]):
        return "/".join(parts[:3])
    return None


def _toml(data: bytes) -> dict[str, Any] | str:
    try:
        return tomllib.loads(data.decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return str(exc)


def load_tree_steps(
    repo: GitRepo,
    commit: str,
    *,
    migrations: Collection[str] | None = None,
    dirs: Collection[str] | None = None,
) -> TreeSteps:
    """Steps in `commit`'s tree: of `migrations` (all when None), limited to step `dirs`."""
    files: dict[str, dict[str, str]] = defaultdict(dict)
    header_shas: dict[str, str] = {}
    for entry in repo.ls_tree(commit, MIGRATIONS_DIR + "/"):
        parts = entry.path.split("/")
        if migrations is not None and (len(parts) < 2 or parts[1] not in migrations):
            continue
        if len(parts) == 3 and parts[2] == MIGRATION_FILE:
            header_shas[parts[1]] = entry.sha
            continue
        step_dir = step_dir_of(entry.path)
        if step_dir and (dirs is None or step_dir in dirs):
            files[step_dir]["/".join(parts[3:])] = entry.sha
    blobs = repo.read_blobs(
        [*header_shas.values(), *(s for d in files.values() for s in d.values())]
    )
    headers = {}
    for name, sha in header_shas.items():
        parsed = _toml(blobs[sha])
        headers[name] = parsed if isinstance(parsed, dict) else {}
    steps: list[LoadedStep] = []
    problems: list[LoadProblem] = []
    for step_dir in sorted(files):
        _, name, dir_name = step_dir.split("/")
        match = STEP_DIR_RE.match(dir_name)
        assert match is not None
        content = {fname: blobs[sha] for fname, sha in files[step_dir].items()}
        if STEP_FILE not in content:
            problems.append(LoadProblem(
                step_dir, f"{step_dir}/{STEP_FILE} is missing",
                f"add {step_dir}/{STEP_FILE} with kind and summary (see docs/commands/add-sql.md)",
            ))  # fmt: skip
            continue
        meta = _toml(content[STEP_FILE])
        if isinstance(meta, str):
            problems.append(LoadProblem(
                step_dir, f"{step_dir}/{STEP_FILE} is not valid TOML: {meta}",
                f"fix {step_dir}/{STEP_FILE}",
            ))  # fmt: skip
            continue
        if not meta.get("kind"):
            problems.append(LoadProblem(
                step_dir, f"{step_dir}/{STEP_FILE} has no kind",
                f'add `kind = "sql"` (or the step\'s kind) to {step_dir}/{STEP_FILE}',
            ))  # fmt: skip
            continue
        options = meta.get("options", {})
        irreversible = meta.get("irreversible")
        step = Step(
            migration=name,
            seq=int(match.group(1)),
            slug=match.group(2),
            kind=str(meta["kind"]),
            summary=str(meta.get("summary", "")),
            files=content,
            options=dict(options) if isinstance(options, dict) else {},
            irreversible=str(irreversible) if irreversible else None,
        )
        steps.append(LoadedStep(step, meta))
    steps.sort(key=lambda s: (s.step.migration, s.step.seq))
    return TreeSteps(tuple(steps), tuple(problems), headers)


def allowed_rules(loaded: LoadedStep) -> frozenset[str]:
    """Lint rules whose errors this step accepts: `allow = [...]` in step.toml (top level, or
    under [options])."""
    found: set[str] = set()
    for source in (loaded.meta.get("allow"), loaded.step.options.get("allow")):
        if isinstance(source, str):
            found.add(source)
        elif isinstance(source, list):
            found.update(str(item) for item in source)
    return frozenset(found)
