"""Issue 20: what `schema diff` writes passes our own lint. For every pair (A, B) of
fixtures/schema, the plan cut into steps as `schema diff` commits them (safe_steps.plan_steps:
on PostgreSQL CONCURRENTLY in its own step, NOT VALID + VALIDATE, SET NOT NULL through a CHECK,
lock_timeout) must

    run step by step, as the engine runs them, from A to B and back (same meaning), and
    lint without a blocking finding except the rules with no safe form, which the step then
    allows with a reason (lint/generated.py REASONS): it never needs --allow to apply.

The round trip machinery is test_schema_roundtrip's (one database pair per dialect)."""

from __future__ import annotations

import pytest

from gitmigrate.lint import LintOptions, lint_sql
from gitmigrate.lint.engine import TRANSACTIONAL_DDL
from gitmigrate.lint.generated import REASONS, allowances
from gitmigrate.schema.compare import schema_differences
from gitmigrate.schema.diff import diff_schemas
from gitmigrate.schema.safe_steps import plan_steps, script
from gitmigrate.schema.scratch import load_sql
from tests.integration.test_schema_roundtrip import PARAMS, Case, DatabasePool, pool

__all__ = ["pool"]  # the module-scoped fixture, shared


@pytest.mark.parametrize(("dialect", "case"), PARAMS)
def test_generated_steps_lint_clean_and_round_trip(
    dialect: str, case: Case, pool: DatabasePool
) -> None:
    dbs = pool.get(dialect)
    load_sql(dbs.current, case.sql("a", dialect), origin=f"{case.name}/a.sql")
    load_sql(dbs.desired, case.sql("b", dialect), origin=f"{case.name}/b.sql")
    start, desired = dbs.reflect(dbs.current), dbs.reflect(dbs.desired)
    plan = diff_schemas(start, desired, renames=case.renames, online=case.online)
    parts = plan_steps(plan, dialect)

    for part in parts:
        in_tx = part.transactional and dialect in TRANSACTIONAL_DDL
        found = lint_sql(script(part.up), dialect, options=LintOptions(assume_in_transaction=in_tx))
        unexplained = {f"{f.rule}: {f.statement}" for f in found if f.blocking} - {
            f"{f.rule}: {f.statement}" for f in found if f.rule in REASONS
        }
        assert not unexplained, f"{case.name}: generated SQL breaks our lint"
        allowed = allowances(script(part.up), dialect, transactional=part.transactional, by="t")
        assert set(allowed) == {f.rule for f in found if f.blocking}
        dbs.run(part.up, transaction=part.transactional)
    after_up = dbs.reflect(dbs.current)
    assert schema_differences(desired, after_up) == [], [p.up for p in parts]
    assert diff_schemas(after_up, desired).is_empty

    for part in reversed(parts):
        dbs.run(part.down, transaction=part.transactional)
    assert schema_differences(start, dbs.reflect(dbs.current)) == [], [p.down for p in parts]
