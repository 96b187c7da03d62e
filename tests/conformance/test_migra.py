"""migra's cases (PostgreSQL) as round trips through our schema diff, down = b -> a.

One test per case, id `migra/postgresql/<case>`; migra's special cases (single schema,
extension versions, the never-run `generated_added`) are set up in cases.py.
"""

from __future__ import annotations

import pytest

from tests.conformance.cases import Case, cached_cases, select
from tests.conformance.conftest import case_params, check_case, no_data_reason
from tests.conformance.runner import Slots

_MISSING = no_data_reason()
CASES = [] if _MISSING else [c for c in select(cached_cases()) if c.source == "migra"]


@pytest.mark.skipif(_MISSING is not None, reason=_MISSING or "")
@pytest.mark.parametrize("case", case_params(CASES))
def test_migra_case(case: Case, conformance_slots: Slots) -> None:
    check_case(case, conformance_slots)
