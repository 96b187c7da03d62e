"""sqldef's cases (PostgreSQL, MySQL/MariaDB, SQLite) as round trips through our schema diff.

One test per case, id `sqldef/<dialect>/<case>`; see runner.py for the stages and
docs/conformance.md for how to run the full set.
"""

from __future__ import annotations

import pytest

from tests.conformance.cases import (
    EXPECTED_FAILURES,
    Case,
    cached_cases,
    load_expected_failures,
    select,
)
from tests.conformance.conftest import case_params, check_case, no_data_reason
from tests.conformance.runner import Slots

_MISSING = no_data_reason()
CASES = [] if _MISSING else [c for c in select(cached_cases()) if c.source == "sqldef"]


@pytest.mark.skipif(_MISSING is not None, reason=_MISSING or "")
@pytest.mark.parametrize("case", case_params(CASES))
def test_sqldef_case(case: Case, conformance_slots: Slots) -> None:
    check_case(case, conformance_slots)


@pytest.mark.skipif(_MISSING is not None, reason=_MISSING or "")
def test_expected_failures_name_real_cases() -> None:
    """Every row of expected_failures.tsv is well formed and names a case that exists."""
    known = {case.id for case in cached_cases()}
    stale = sorted(set(load_expected_failures()) - known)
    assert not stale, f"{EXPECTED_FAILURES.name} names cases that do not exist: {stale[:10]}"
