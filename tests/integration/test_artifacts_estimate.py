"""Estimates: a step's own recorded durations first, then a model calibrated on earlier runs
(rows per second per operation per target, else seconds per statement per operation), then
static costs -- and the plan says which source each estimate used."""

from __future__ import annotations

import pytest

from gitmigrate.artifacts.gather import PlanOptions, gather
from gitmigrate.core.model import Step
from gitmigrate.engine.estimate import (
    CALIBRATED,
    HISTORY,
    STATIC,
    STATIC_SECONDS_PER_STATEMENT,
    Work,
    calibrate,
)
from tests.engine_helpers import Project


def test_without_runs_every_estimate_is_static(project: Project) -> None:
    model = gather(project.repo, PlanOptions())
    assert {f.estimate.source for f in model.steps} == {STATIC}
    third = model.steps[2]
    assert third.estimate.seconds == pytest.approx(2 * STATIC_SECONDS_PER_STATEMENT)
    assert third.estimate.basis == "static cost of 2 statement(s)"
    assert model.steps[4].estimate.basis == "static cost; the rows it changes are unknown"


def test_recorded_runs_give_history_then_a_calibrated_model(project: Project) -> None:
    project.apply(yes=True)
    project.step("add vip flag", "ALTER TABLE customer ADD COLUMN vip INTEGER;\n")
    model = gather(project.repo, PlanOptions(target="db", live_checks=False))
    by_seq = {f.step.seq: f for f in model.steps}
    for seq in range(1, 6):
        assert by_seq[seq].estimate.source == HISTORY
        assert by_seq[seq].estimate.basis == "median of 1 earlier run(s) of this step on db"
    new = by_seq[6].estimate  # never run: priced by the ALTER TABLEs of steps 003 and 004
    assert new.source == CALIBRATED
    assert new.basis.startswith("1 statement(s) at calibrated seconds per ALTER TABLE statement")
    assert by_seq[5].affected_rows == 0  # applied: no upper-case email is left
    assert by_seq[5].rows == {"customer": 3}
    assert not (project.path / "docs").exists()  # gathering writes nothing


def _step(seq: int, commit: str) -> Step:
    files = {"step.toml": b'kind = "data"\n'}
    return Step("m", seq, f"s{seq}", "data", "backfill", files, {"mode": "set"}, commit=commit)


def test_rows_per_second_are_calibrated_per_operation_and_target() -> None:
    old, new = _step(1, "a" * 40), _step(2, "b" * 40)
    event = {"event": "step_applied", "duration_ms": 2000, "rows": 10_000, "target": "prod"}
    slow = {**event, "target": "staging", "duration_ms": 10_000}
    works = {"a" * 40: Work(("DATA SET",), None)}
    model = calibrate(None, works, {"a" * 40: [event, slow]})
    on_prod = model.estimate(new, Work(("DATA SET",), 50_000), "prod")
    assert on_prod.source == CALIBRATED and on_prod.seconds == pytest.approx(10.0)
    assert on_prod.basis == "50000 row(s) at 5000 rows/s (DATA SET, calibrated on prod)"
    elsewhere = model.estimate(new, Work(("DATA SET",), 50_000), "dev")
    assert "calibrated on all targets" in elsewhere.basis  # median of 5000 and 1000 rows/s
    assert elsewhere.seconds == pytest.approx(50_000 / 3000)
    own = model.estimate(old, Work(("DATA SET",), 50_000), "staging")
    assert own.source == HISTORY and own.seconds == pytest.approx(10.0)
