"""Duration estimates for a dry run: the median of this step's earlier durations recorded in the
run notes (any target), else a static cost per statement. The basis is always shown."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.core.notes import read_run_events

STATIC_SECONDS_PER_STATEMENT = 0.05


@dataclass(frozen=True)
class Estimate:
    seconds: float
    basis: str


def estimate_steps(repo: GitRepo, steps: list[tuple[Step, int]]) -> dict[str, Estimate]:
    """(step, statement count) -> estimate, reading the run notes once for all steps."""
    events = read_run_events(repo, [s.commit for s, _ in steps if s.commit])
    estimates = {}
    for step, statements in steps:
        durations = [
            float(e["duration_ms"]) / 1000
            for e in events.get(step.commit or "", [])
            if e.get("event") == "step_applied" and isinstance(e.get("duration_ms"), int | float)
        ]
        if durations:
            estimates[step.id] = Estimate(
                median(durations), f"median of {len(durations)} earlier run(s)"
            )
        else:
            estimates[step.id] = Estimate(
                statements * STATIC_SECONDS_PER_STATEMENT,
                f"static cost of {statements} statement(s)",
            )
    return estimates
