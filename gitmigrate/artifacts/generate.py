"""`git migrate plan` as a library call: gather the facts once, render every artifact, write
them into the output directory (default `docs/plan-outputs/<name>/`) and nowhere else.

The files are generated: each run overwrites the previous generation, and step scripts that no
longer belong to the migration are removed from `migration-scripts/`.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from gitmigrate.artifacts import plan_md, rollback_md, runsh, validation_md
from gitmigrate.artifacts.gather import PlanOptions, gather
from gitmigrate.artifacts.model import PlanModel
from gitmigrate.artifacts.scripts import StepScripts, step_scripts
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.errors import UsageError

SCRIPTS_DIR = "migration-scripts"
DEFAULT_ROOT = Path("docs") / "plan-outputs"
_GENERATED_SCRIPT = re.compile(r"^\d{3,}-[a-z0-9-]+\.(pre-check|backup|up|post-check|down)\.sql$")


@dataclass(frozen=True)
class PlanResult:
    output_dir: Path
    written: tuple[Path, ...]
    removed: tuple[Path, ...]
    model: PlanModel


def artifact_files(model: PlanModel) -> dict[str, str]:
    """Relative path -> content of every artifact (pure: nothing is written)."""
    scripts: dict[str, StepScripts] = {f.step.id: step_scripts(f) for f in model.steps}
    files = {
        "migration-plan.md": plan_md.render(model, scripts),
        "rollback-plan.md": rollback_md.render(model),
        "validation-report.md": validation_md.render(model),
    }
    for facts in model.steps:
        for suffix, text in sorted(scripts[facts.step.id].files.items()):
            files[f"{SCRIPTS_DIR}/{facts.step.dir_name}.{suffix}"] = text
    files[f"{SCRIPTS_DIR}/run.sh"] = runsh.render(model, scripts)
    return files


def generate(
    repo: GitRepo,
    options: PlanOptions,
    output: Path | None = None,
    now: datetime | None = None,
) -> PlanResult:
    model = gather(repo, options, now)
    out = output if output is not None else repo.root / DEFAULT_ROOT / model.migration.name
    out = out if out.is_absolute() else repo.root / out
    files = artifact_files(model)
    written, removed = write_tree(out, files)
    return PlanResult(out, written, removed, model)


def write_tree(out: Path, files: dict[str, str]) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """Write `files` under `out`, refusing any path (or symlink) that leads outside it."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a directory", "pass another --output DIR")
    out.mkdir(parents=True, exist_ok=True)
    root = out.resolve()
    written = []
    for rel, text in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.parent.resolve().is_relative_to(root) or (
            path.is_symlink() and not path.resolve().is_relative_to(root)
        ):
            raise UsageError(
                f"{path} leads outside the output directory {out} (a symlink?)",
                "remove the symlink, or pass another --output DIR",
            )
        _write(path, text, executable=rel.endswith(".sh"))
        written.append(path)
    removed = []
    scripts = out / SCRIPTS_DIR
    wanted = {Path(rel).name for rel in files if rel.startswith(SCRIPTS_DIR + "/")}
    for stale in sorted(scripts.iterdir()) if scripts.is_dir() else []:
        if _GENERATED_SCRIPT.match(stale.name) and stale.name not in wanted and stale.is_file():
            stale.unlink()
            removed.append(stale)
    return tuple(written), tuple(removed)


def _write(path: Path, text: str, *, executable: bool) -> None:
    """Atomically (a crash leaves the old file or the new one), replacing any symlink itself."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, 0o755 if executable else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
