"""Duration estimates, always with the basis they rest on.

In order of preference: the median of this step's own earlier durations (on the same target if
there are any there, else on any target); a model calibrated on the durations that earlier runs
recorded in the run notes -- rows per second per operation type per target where rows are
known, else seconds per statement per operation type; and last a static cost. The run notes are
read once for all steps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.core.notes import read_run_events
from gitmigrate.engine.kinds import Work
from gitmigrate.engine.registry import find_kind

__all__ = ["Estimate", "EstimateModel", "Work", "calibrate", "estimate_steps", "step_work"]

STATIC_SECONDS_PER_STATEMENT = 0.05
STATIC_ROWS_PER_SECOND = 20_000.0
HISTORY, CALIBRATED, STATIC = "history", "calibrated", "static"


@dataclass(frozen=True)
class Estimate:
    seconds: float
    basis: str
    source: str = STATIC  # history | calibrated | static


@dataclass
class EstimateModel:
    """Samples from the run notes; `None` as target means "any target"."""

    history: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    rollback_history: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    per_statement: dict[tuple[str, str | None], list[float]] = field(default_factory=dict)
    rows_per_second: dict[tuple[str, str | None], list[float]] = field(default_factory=dict)

    def estimate(self, step: Step, work: Work, target: str | None = None) -> Estimate:
        """The forward change's duration."""
        return self._estimate(self.history, step, work, target)

    def estimate_rollback(self, step: Step, work: Work, target: str | None = None) -> Estimate:
        """The rollback's duration (`work`: the down.sql operations, or a data step's rows)."""
        return self._estimate(self.rollback_history, step, work, target)

    def _estimate(
        self,
        history: Mapping[str, list[tuple[str, float]]],
        step: Step,
        work: Work,
        target: str | None,
    ) -> Estimate:
        own = history.get(step.commit or "", [])
        here = [s for t, s in own if t == target] if target else []
        if here or own:
            chosen = here or [s for _, s in own]
            where = f" on {target}" if here else ""
            return Estimate(
                median(chosen),
                f"median of {len(chosen)} earlier run(s) of this step{where}",
                HISTORY,
            )
        return self._modelled(work, target)

    def _modelled(self, work: Work, target: str | None) -> Estimate:
        if work.rows is not None and len(set(work.operations)) == 1:
            op = work.operations[0]
            rate, where = self._lookup(self.rows_per_second, op, target)
            if rate is not None and rate > 0:
                return Estimate(
                    work.rows / rate,
                    f"{work.rows} row(s) at {rate:.0f} rows/s ({op}, calibrated on {where})",
                    CALIBRATED,
                )
        seconds, calibrated, static = 0.0, 0, 0
        for op in work.operations:
            cost, _ = self._lookup(self.per_statement, op, target)
            if cost is None:
                static += 1
                seconds += STATIC_SECONDS_PER_STATEMENT
            else:
                calibrated += 1
                seconds += cost
        if calibrated:
            rest = f", {static} at the static cost" if static else ""
            return Estimate(
                seconds,
                f"{calibrated} statement(s) at calibrated seconds per {_ops(work)} statement{rest}",
                CALIBRATED,
            )
        if work.operations and work.operations[0].startswith("DATA"):
            if work.rows is None:
                return Estimate(seconds, "static cost; the rows it changes are unknown")
            return Estimate(
                work.rows / STATIC_ROWS_PER_SECOND,
                f"static cost of {work.rows} row(s) at {STATIC_ROWS_PER_SECOND:.0f} rows/s",
            )
        return Estimate(seconds, f"static cost of {len(work.operations)} statement(s)")

    @staticmethod
    def _lookup(
        table: Mapping[tuple[str, str | None], list[float]], op: str, target: str | None
    ) -> tuple[float | None, str]:
        if target is not None and table.get((op, target)):
            return median(table[(op, target)]), target
        if table.get((op, None)):
            return median(table[(op, None)]), "all targets"
        return None, ""


def _ops(work: Work) -> str:
    return "/".join(sorted(set(work.operations))) or "any"


def step_work(step: Step, dialect: str, rows: int | None = None) -> Work:
    """The operations of a step, as its kind counts them (SQL: one per up.sql statement); one
    operation named after the kind when the kind is not installed here (plan still estimates)."""
    kind = find_kind(step.kind)
    return kind.work(step, dialect, rows) if kind is not None else Work((step.kind.upper(),), rows)


def _rows_of(event: Mapping[str, Any]) -> int | None:
    for key in ("rows", "rows_done"):
        value = event.get(key)
        if isinstance(value, int) and value > 0:
            return value
    return None


def calibrate(
    repo: GitRepo | None,
    works: Mapping[str, Work],
    events: Mapping[str, list[dict[str, Any]]] | None = None,
) -> EstimateModel:
    """Fit the model on every recorded `step_applied` of the commits in `works` (step commit ->
    its Work); `events` are the run notes when the caller has read them already (then `repo`
    is not used)."""
    if events is None:
        if repo is None:
            raise ValueError("calibrate needs the repository or the events")
        events = read_run_events(repo, list(works))
    model = EstimateModel()
    per_statement: dict[tuple[str, str | None], list[float]] = defaultdict(list)
    rates: dict[tuple[str, str | None], list[float]] = defaultdict(list)
    for commit, work in works.items():
        for event in events.get(commit, []):
            duration = event.get("duration_ms")
            if not isinstance(duration, int | float):
                continue
            seconds = float(duration) / 1000
            target = str(event.get("target", ""))
            if event.get("event") == "step_rolled_back":
                model.rollback_history.setdefault(commit, []).append((target, seconds))
            if event.get("event") != "step_applied":
                continue
            model.history.setdefault(commit, []).append((target, seconds))
            rows = _rows_of(event)
            if rows is not None and seconds > 0 and len(set(work.operations)) == 1:
                for key in ((work.operations[0], target), (work.operations[0], None)):
                    rates[key].append(rows / seconds)
            if work.operations:
                share = seconds / len(work.operations)
                for op in work.operations:
                    per_statement[(op, target)].append(share)
                    per_statement[(op, None)].append(share)
    model.per_statement = dict(per_statement)
    model.rows_per_second = dict(rates)
    return model


def estimate_steps(repo: GitRepo, steps: Iterable[tuple[Step, int]]) -> dict[str, Estimate]:
    """(step, statement count) -> estimate from this step's own history, else a static cost
    (what `apply --dry-run` shows)."""
    pairs = list(steps)
    works = {s.commit: Work(("?",) * n) for s, n in pairs if s.commit}
    model = calibrate(repo, works)
    model.per_statement, model.rows_per_second = {}, {}
    return {s.id: model.estimate(s, Work(("?",) * n)) for s, n in pairs}
