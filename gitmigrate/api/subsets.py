"""`env subset`: commit a data step (mode `subset`) that copies a sample of SOURCE closed under
foreign keys, masked, into TARGET; and, unless `run=False`, apply it there at once."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitmigrate.api._repo import RepoLike, open_repo
from gitmigrate.data.options import DEFAULT_BATCH

if TYPE_CHECKING:
    from gitmigrate.api.running import RunReport
    from gitmigrate.core.model import Step


@dataclass(frozen=True)
class SubsetResult:
    """The committed step, its plan (tables, rows per table, masking rules by name) and, when
    it was run, the apply's report."""

    step: Step
    plan: Mapping[str, Any]
    run: RunReport | None = None

    @property
    def rows(self) -> int:
        return int(self.plan.get("rows", 0))

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step.id,
            "commit": self.step.commit,
            "summary": self.step.summary,
            "plan": dict(self.plan),
            "run": self.run.to_json() if self.run is not None else None,
        }


def env_subset(
    repo: RepoLike = None,
    *,
    source: str,
    target: str,
    roots: Sequence[str] = (),
    percent: float | None = None,
    mask: str | os.PathLike[str] | None = None,
    follow: Sequence[str] = (),
    keys: Mapping[str, Sequence[str]] | None = None,
    schemas: Sequence[str] = (),
    batch_size: int = DEFAULT_BATCH,
    run: bool = True,
    yes: bool = False,
    summary: str | None = None,
    schema_map: Mapping[str, str] | None = None,
) -> SubsetResult:
    """Commit a subset step on the current migration branch and (with `run`) apply it to
    `target`. `source`/`target`: an environment name (its target) or a target name/URL.
    Every bad input is a UsageError before anything is committed or written."""
    from gitmigrate.core.config import load_config
    from gitmigrate.data.options import DataOptions
    from gitmigrate.data.subset.authoring import PLAN_FILE, read_plan, resolve_end
    from gitmigrate.data.subset.authoring import mask_key_env as key_env_of
    from gitmigrate.data.subset.compute import hand_to, handed_over, read_mask_key
    from gitmigrate.engine.authoring import author_step
    from gitmigrate.errors import UsageError

    opened = open_repo(repo)
    config = load_config(opened)
    source_name, _ = resolve_end(config, source, "--from")
    target_name, env = resolve_end(config, target, "--to")
    if not roots and percent is None:
        raise UsageError(
            "say where the subset starts",
            'pass --root "TABLE [WHERE ...]", or --percent P to sample every table of the default schema',
        )
    if percent is not None and not 0 < percent <= 100:
        raise UsageError(
            f"--percent {percent} is out of range", "give a percentage above 0, at most 100"
        )
    variable = key_env_of(env) if mask is not None else None
    if variable is not None and run:
        read_mask_key(variable)  # a missing key stops here, before anything is written
    options = DataOptions(
        mode="subset",
        source=source_name,
        roots=tuple(roots),
        percent=percent,
        follow=tuple(follow),
        keys={t: tuple(c) for t, c in keys.items()} if keys else None,
        schemas=tuple(schemas),
        batch_size=batch_size,
        mask_key_env=variable,
        schema_map=dict(schema_map) if schema_map else None,
    )
    request = {"data": options, "target": target_name, "mask_file": Path(mask) if mask else None}
    origin = source if "://" not in source else source.split("://")[0]
    starts = ", ".join(r.split()[0] for r in roots) or f"{percent:g}% of every table"
    text = summary or f"subset of {origin} from {starts}"
    with handed_over() if run else nullcontext():
        step = author_step(opened, "data", text, request)
        plan = read_plan(step.text(PLAN_FILE)) or {}
        report = None
        if run:
            hand_to(step.id)
            from gitmigrate.api.running import apply

            report = apply(opened, target=target_name, to=step.id, yes=yes)
    return SubsetResult(step, plan, report)
