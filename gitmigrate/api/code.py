"""The code commands as plain functions: scan a tree with the recipes, add a code step (the
recipe's rewrite committed as one step on the migration branch; `print_only=True` returns the
diff instead), list the recipes. Paths are absolute or relative to the repository root; a
recipe is a name or the path of a .py file defining RECIPE.

    from gitmigrate import api
    scan = api.scan_code(repo, ["app"], recipes=["pydantic2"])
    print(scan.to_json()["findings"], scan.to_sarif())
    added = api.author_code_step(repo, "pydantic2", summary="Pydantic 2",
                                 verify_command="pytest -q")
    for info in api.list_recipes():
        print(info.name, [rule.id for rule in info.rules])
    with api.code_verify_commands(run=True):   # apply may run the steps' verify commands
        api.apply(repo)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitmigrate.api._repo import RepoLike, open_repo
from gitmigrate.errors import BlockedError, UsageError

if TYPE_CHECKING:
    from gitmigrate.codemods.recipe import Finding, Rule
    from gitmigrate.codemods.registry import RecipeInfo
    from gitmigrate.core.gitstore import GitRepo
    from gitmigrate.core.model import Step
    from gitmigrate.kinds.code.authoring import CodePreview

PathLike = str | os.PathLike[str]


class VerifyCommandFailed(BlockedError):
    """Raised by author_code_step when the verify command fails or times out (exit 3); nothing
    was committed. `output` is what the command printed."""

    def __init__(self, message: str, hint: str, output: str) -> None:
        super().__init__(message, hint)
        self.output = output


@dataclass(frozen=True)
class RecipeScan:
    recipe: str
    rules: tuple[Rule, ...]
    findings: tuple[Finding, ...]
    skipped: tuple[tuple[str, str], ...]
    scanned: int
    fixable_files: int  # files a `code add` of this recipe would change


@dataclass(frozen=True)
class CodeScan:
    """Every use of a deprecated API the recipes know, per recipe."""

    runs: tuple[RecipeScan, ...]
    warnings: tuple[str, ...] = ()

    @property
    def findings(self) -> tuple[Finding, ...]:
        every = [f for run in self.runs for f in run.findings]
        return tuple(sorted(every, key=lambda f: (f.path, f.line, f.column, f.rule)))

    @property
    def skipped(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted({s for run in self.runs for s in run.skipped}))

    def to_json(self) -> dict[str, Any]:
        return {
            "recipes": [
                {
                    "recipe": r.recipe,
                    "scanned": r.scanned,
                    "findings": len(r.findings),
                    "files_to_change": r.fixable_files,
                }
                for r in self.runs
            ],  # fmt: skip
            "findings": [f.to_json() for f in self.findings],
            "skipped": [{"path": p, "why": why} for p, why in self.skipped],
            "warnings": list(self.warnings),
        }

    def to_sarif(self) -> dict[str, Any]:
        from gitmigrate import __version__
        from gitmigrate.codemods.sarif import sarif_log

        return sarif_log([(r.recipe, r.rules, r.findings) for r in self.runs], __version__)


@dataclass(frozen=True)
class CodeStep:
    """The committed step, or (print_only) the preview of what it would commit; `warnings`
    to show (a recipe file shadowing an installed recipe)."""

    step: Step | None
    preview: CodePreview | None
    warnings: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    flagged: tuple[Finding, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any]
        if self.step is not None:
            s = self.step
            out = {"committed": True, "step": s.id, "kind": s.kind, "summary": s.summary,
                   "commit": s.commit, "options": dict(s.options),
                   "flagged": [f.to_json() for f in self.flagged],
                   "skipped": [{"path": p, "why": w} for p, w in self.skipped]}  # fmt: skip
        else:
            assert self.preview is not None
            out = {"committed": False, **self.preview.to_json()}
        return {**out, "warnings": list(self.warnings)}


def _relative(repo: GitRepo, paths: Sequence[PathLike]) -> list[str]:
    """The paths relative to the repository root (refused outside it), the root itself left
    out: the runner's own check (codemods.files.checked_paths)."""
    from gitmigrate.codemods.files import checked_paths

    return [p for p in checked_paths(repo.root, [os.fspath(p) for p in paths]) if p != "."]


def _recipe_ref(repo: GitRepo, recipe: PathLike) -> str:
    from gitmigrate.codemods.registry import is_file_ref

    text = os.fspath(recipe)
    if not is_file_ref(text):
        return text
    return str(Path(text) if Path(text).is_absolute() else (repo.root / text).resolve())


def _default_recipes(repo: GitRepo, paths: Sequence[str]) -> list[str]:
    """Every installed Python recipe, and the others when files of theirs exist."""
    from gitmigrate.codemods.files import listed
    from gitmigrate.codemods.registry import recipe_infos

    out = []
    for info in recipe_infos():
        if info.error is not None or info.parts:
            continue
        if info.language == "python":
            out.append(info.name)
            continue
        from gitmigrate.codemods.registry import builtin_recipe

        if listed(repo.root, paths, builtin_recipe(info.name).suffixes):
            out.append(info.name)
    if not out:
        raise UsageError("no recipe is installed here", "`git migrate code recipes` says why")
    return out


def scan_code(
    repo: RepoLike = None,
    paths: Sequence[PathLike] = (),
    *,
    recipes: Sequence[PathLike] = (),
    jobs: int | None = None,
    python: str | None = None,
) -> CodeScan:
    """Run the recipes (default: every Python one, and React's when JS/TS files exist) over
    `paths` (default: the whole tree) without changing anything."""
    from gitmigrate.codemods.registry import load_recipe, parts_of
    from gitmigrate.codemods.runner import run_recipe

    found = open_repo(repo)
    rel = _relative(found, paths)
    refs = [_recipe_ref(found, r) for r in recipes] or _default_recipes(found, rel)
    runs, warnings = [], []
    for ref in refs:
        recipe, said = load_recipe(ref)
        warnings += said
        run = run_recipe(found.root, ref, rel, jobs=jobs,
                         options={"python": python} if python else {})  # fmt: skip
        rules = tuple(rule for _, part in parts_of(recipe) for rule in part.rules)
        runs.append(RecipeScan(recipe.name, rules, run.findings, run.skipped, run.scanned,
                               len(run.changed)))  # fmt: skip
    return CodeScan(tuple(runs), tuple(warnings))


def author_code_step(
    repo: RepoLike,
    recipe: PathLike,
    paths: Sequence[PathLike] = (),
    *,
    summary: str,
    rules: Sequence[str] = (),
    python: str | None = None,
    jobs: int | None = None,
    verify_command: str | None = None,
    verify_timeout: float | None = None,
    print_only: bool = False,
) -> CodeStep:
    """Commit one code step: the recipe's rewrite of `paths` (default: the whole tree), verified
    by `verify_command` in a separate worktree first when given (VerifyCommandFailed: nothing
    committed). The work tree must be clean."""
    from gitmigrate.codemods import verify
    from gitmigrate.codemods.registry import load_recipe
    from gitmigrate.kinds.code.authoring import author_code_step as author
    from gitmigrate.kinds.code.record import recorded

    found = open_repo(repo)
    ref = _recipe_ref(found, recipe)
    _, warnings = load_recipe(ref)
    rel = _relative(found, paths)
    try:
        made = author(found, ref, summary=summary, paths=rel, rules=rules, python=python,
                      jobs=jobs, verify_command=verify_command, verify_timeout=verify_timeout,
                      print_only=print_only)  # fmt: skip
    except verify.VerifyCommandFailed as exc:
        raise VerifyCommandFailed(exc.message, exc.hint or "", exc.outcome.output) from exc
    from gitmigrate.core.model import Step

    if isinstance(made, Step):
        record = recorded(made)
        return CodeStep(made, None, tuple(warnings), record.skipped, record.flagged)
    flagged = tuple(f for f in made.findings if not f.fixable)
    return CodeStep(None, made, tuple(warnings), made.skipped, flagged)


def list_recipes(extra: Sequence[PathLike] = ()) -> list[RecipeInfo]:
    """Every installed recipe (built-in and the entry-point group `gitmigrate.recipes`), and
    those of `extra` recipe files, with their rules; one that cannot be loaded has `error`."""
    from gitmigrate.codemods.registry import recipe_infos

    return recipe_infos(tuple(os.path.abspath(os.fspath(p)) for p in extra))


@contextmanager
def code_verify_commands(
    run: bool = False, confirm: Callable[[str], bool] | None = None
) -> Iterator[None]:
    """While open, runs (apply, verify) may run code steps' recorded verify commands: all of
    them (`run=True`, `apply --run-verify`), or each one `confirm(question)` says yes to."""
    from gitmigrate.kinds.code.policy import verify_commands

    with verify_commands(run, confirm):
        yield
