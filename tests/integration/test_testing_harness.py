"""The executor harness finds a broken rollback and passes a correct one, on every database."""

from __future__ import annotations

import pytest

from gitmigrate.core.model import Step
from gitmigrate.kinds.sql.kind import SqlKind
from gitmigrate.testing import ExecutorPropertyError, check_executor_properties


def _step(up: str, down: str, verify: str | None = None) -> Step:
    files = {"step.toml": b'kind = "sql"\n', "up.sql": up.encode(), "down.sql": down.encode()}
    if verify:
        files["verify.sql"] = verify.encode()
    return Step(migration="m", seq=1, slug="s", kind="sql", summary="s", files=files)


UP = "CREATE TABLE harness_t (id INTEGER PRIMARY KEY, v VARCHAR(20));\nCREATE INDEX ix_harness_v ON harness_t (v);"


def test_correct_step_passes(db_url: str) -> None:
    down = "DROP TABLE harness_t;"
    check_executor_properties(SqlKind(), _step(UP, down, "SELECT 1 = 1"), db_url)


def test_incomplete_rollback_is_caught(db_url: str) -> None:
    step = _step(UP + "\nCREATE TABLE harness_extra (id INTEGER);", "DROP TABLE harness_t;")
    with pytest.raises(ExecutorPropertyError, match="restore the schema"):
        check_executor_properties(SqlKind(), step, db_url)


def test_failing_verify_is_caught(db_url: str) -> None:
    step = _step(
        UP,
        "DROP TABLE harness_t;",
        "SELECT count(*) FROM harness_t WHERE 1 = 0 HAVING count(*) > 0",
    )
    with pytest.raises(ExecutorPropertyError, match="verify"):
        check_executor_properties(SqlKind(), step, db_url)


def test_a_plugin_kind_passes_the_harness(db_url: str) -> None:
    """The counter kind of tests/plugins, on every database: the harness a plug-in author runs."""
    from tests.plugins.counter_kind import CounterKind

    options = {"label": "first", "table": "gm_harness_counter"}
    step = Step(migration="m", seq=1, slug="s", kind="counter", summary="s",
                files={"step.toml": b'kind = "counter"\n'}, options=options)  # fmt: skip
    check_executor_properties(CounterKind(), step, db_url)
