"""Authoring a code step: run the recipe on the checked-out files (codemods/runner.py), verify
the result in a separate worktree when a command is given (nothing is committed when it fails),
and return the change as the step commit (StepFiles.project_files) with its findings table.

    author_code_step(repo, "pydantic2", paths=["app"], summary="Pydantic 2",
                     verify_command="pytest -q") -> Step (committed) | CodePreview (print_only)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmigrate.codemods.files import checked_paths
from gitmigrate.codemods.recipe import Finding, Recipe
from gitmigrate.codemods.registry import is_file_ref, load_recipe, parts_of
from gitmigrate.codemods.runner import CodeRun, run_recipe
from gitmigrate.codemods.verify import (
    DEFAULT_TIMEOUT,
    VerifyCommandFailed,
    VerifyOutcome,
    verify_in_worktree,
)
from gitmigrate.core.config import REPOSITORY, load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.engine.kinds import AuthorRequest, StepFiles
from gitmigrate.errors import RepositoryStateError, UsageError
from gitmigrate.kinds.code.options import INSTALLED, RECIPE_FILE, STEP, CodeOptions
from gitmigrate.kinds.code.record import FINDINGS_FILE, Recorded, diff_stats, text_diff

KIND = "code"
_PYTHON = re.compile(r"^3\.\d{1,2}$")


@dataclass(frozen=True)
class CodePreview:
    """What a code step would commit (`--print`): the diff, the findings, the files skipped."""

    recipe: str
    summary: str
    options: dict[str, Any]
    diff: str
    findings: tuple[Finding, ...]
    skipped: tuple[tuple[str, str], ...]
    verify: VerifyOutcome | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "recipe": self.recipe,
            "summary": self.summary,
            "options": self.options,
            "diff": self.diff,
            "findings": [f.to_json() for f in self.findings],
            "skipped": [list(s) for s in self.skipped],
            "verify": self.verify.to_json() if self.verify else None,
        }


@dataclass(frozen=True)
class _Authored:
    files: StepFiles
    run: CodeRun
    verify: VerifyOutcome | None
    options: CodeOptions


def author_code(request: AuthorRequest) -> StepFiles:
    """Kind.author for code steps (every check before anything is committed)."""
    return _authored(request.repo, request.options, request.irreversible).files


def _rules(recipe: Recipe, raw: Any) -> tuple[str, ...] | None:
    if raw in (None, "", [], ()):
        return None
    wanted = tuple(r for r in (raw.split(",") if isinstance(raw, str) else raw) if r)
    known = {rule.id for _, part in parts_of(recipe) for rule in part.rules}
    unknown = [r for r in wanted if r not in known]
    if unknown:
        raise UsageError(
            f"recipe {recipe.name} has no rule {', '.join(unknown)}",
            f"its rules: {', '.join(sorted(known)) or '(none)'}",
        )
    return wanted


def _authored(repo: GitRepo, raw: Mapping[str, Any], irreversible: str | None,
              *, print_only: bool = False) -> _Authored:  # fmt: skip
    ref = raw.get("recipe")
    if not isinstance(ref, str) or not ref:
        raise UsageError("a code step needs a recipe", "give a recipe name or a path to a .py file")
    if raw.get("target") not in (None, "", REPOSITORY):
        raise UsageError(
            "a code step is added on the repository's files",
            "add it without --target; `git migrate apply --target TREE` runs it on a tree",
        )
    if not print_only:
        dirty = repo.dirty_paths()
        if dirty:
            raise RepositoryStateError(
                f"the work tree has uncommitted changes ({', '.join(dirty[:3])}"
                f"{', ...' if len(dirty) > 3 else ''})",
                "commit or stash them (`git stash`): a code step's commit must hold only"
                " the recipe's change",
            )
    root = repo.root
    if is_file_ref(ref):
        ref = str((root / ref).resolve())
    recipe, _ = load_recipe(ref)
    rules = _rules(recipe, raw.get("rules"))
    python = raw.get("python")
    if python is not None and not _PYTHON.match(str(python)):
        raise UsageError(f"--python {python} is not a version", "give it as 3.N, e.g. 3.10")
    paths = tuple(checked_paths(root, [str(p) for p in _list(raw.get("paths"))]))
    paths = tuple(p for p in paths if p != ".")
    jobs = int(raw["jobs"]) if raw.get("jobs") not in (None, "") else None
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs {jobs} is not positive", "give 1 or more (default: all cores)")
    options = CodeOptions(
        recipe=recipe.name,
        source=STEP if is_file_ref(ref) else INSTALLED,
        paths=paths,
        rules=rules,
        python=str(python) if python is not None else None,
        verify_command=str(raw.get("verify_command") or "") or None,
        verify_timeout=float(raw.get("verify_timeout") or DEFAULT_TIMEOUT),
    )
    run = run_recipe(
        root, ref, paths, jobs=jobs, options=options.recipe_options, enabled=options.enabled
    )
    if not run.changed:
        flagged = len(run.flagged())
        raise UsageError(
            f"recipe {recipe.name} changes nothing in {run.scanned} file(s)"
            + (f" ({flagged} case(s) flagged for manual review)" if flagged else "")
            + (f"; {len(run.skipped)} skipped: {run.skipped[0][1]}" if run.skipped else ""),
            "no step is needed; `git migrate code scan` lists what the recipes find",
        )
    outcome = None
    if options.verify_command:
        timeout = options.verify_timeout or DEFAULT_TIMEOUT
        outcome = verify_in_worktree(root, run.changed, options.verify_command, timeout)
        if not outcome.passed and not print_only:
            raise VerifyCommandFailed(outcome)
        options = _with_outcome(options, outcome)
    if options.verify_command is None:
        options = CodeOptions(**{**options.__dict__, "verify_timeout": None})
    original = {p: (root / p).read_bytes() for p in run.changed}
    record = Recorded(
        recipe=recipe.name,
        scanned=run.scanned,
        changed={p: diff_stats(original[p].decode("utf-8"), t) for p, t in run.changed.items()},
        applied=dict(run.applied()),
        findings=run.findings,
        skipped=run.skipped,
        digests={p: hashlib.sha256(t.encode("utf-8")).hexdigest() for p, t in run.changed.items()},
    )
    files = {FINDINGS_FILE: record.dump()}
    if options.source == STEP:
        files[RECIPE_FILE] = Path(ref).read_bytes()
    authored = StepFiles(
        files, options.to_toml(), irreversible,
        project_files={p: t.encode("utf-8") for p, t in run.changed.items()},
        consumed=original,
    )  # fmt: skip
    return _Authored(authored, run, outcome, options)


def _with_outcome(options: CodeOptions, outcome: VerifyOutcome) -> CodeOptions:
    return CodeOptions(**{**options.__dict__, "verify_outcome": outcome.words()})


def _list(raw: Any) -> Sequence[Any]:
    if raw in (None, ""):
        return ()
    return raw.split(",") if isinstance(raw, str) else list(raw)


def author_code_step(
    repo: GitRepo,
    recipe: str,
    *,
    summary: str,
    paths: Sequence[str] = (),
    rules: Sequence[str] = (),
    python: str | None = None,
    jobs: int | None = None,
    verify_command: str | None = None,
    verify_timeout: float | None = None,
    print_only: bool = False,
) -> Step | CodePreview:
    """Commit one code step on the current migration branch (its rollback: the inverse
    commit); with `print_only`, what it would commit. `recipe` is a name or a .py path
    (relative to the repository root, or absolute); `paths` are relative to the root."""
    raw: dict[str, Any] = {"recipe": recipe, "paths": list(paths), "rules": list(rules)}
    for name, value in (("python", python), ("jobs", jobs), ("verify_command", verify_command),
                        ("verify_timeout", verify_timeout)):  # fmt: skip
        if value is not None:
            raw[name] = value
    if not print_only:
        from gitmigrate.engine.authoring import author_step

        return author_step(repo, KIND, summary, raw)
    load_config(repo)  # not initialised: the same error as without --print
    made = _authored(repo, raw, None, print_only=True)
    original = {p: (repo.root / p).read_text(encoding="utf-8") for p in made.run.changed}
    return CodePreview(
        made.options.recipe, summary, made.files.options, text_diff(original, made.run.changed),
        made.run.findings, made.run.skipped, made.verify,
    )  # fmt: skip
