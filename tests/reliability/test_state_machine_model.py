"""The state machine's model must agree with itself: a reversible step's down.sql undoes its
up.sql, or the machine reports a tool defect where the step it wrote simply does not undo.

Found by a long run: a failing step, fixed in place, kept `SELECT 1` as its down; once applied
and rolled back its `v = v + 1` stayed, and the data invariant blamed the tool.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from tests.reliability.state_machine_model import Project, Spec


def _model(tmp_path: Path) -> Project:
    return Project(tmp_path, tmp_path, "sqlite", "", "sqlite://", {}, tmp_path)


def _up_then_down(specs: list[Spec], last: Spec) -> dict[str, list[tuple[str, ...]]]:
    """The user tables after `specs`' up, then `last`'s up and down, on an empty database."""
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        for sql in [s.up for s in specs] + [last.up, last.down]:
            for part in (p for p in sql.split(";") if p.strip()):
                conn.execute(text(part))
        return {
            n: sorted(tuple(str(v) for v in r) for r in conn.execute(text(f"SELECT * FROM {n}")))
            for n in sorted(inspect(conn).get_table_names())
        }


@pytest.mark.parametrize("kind", ["table", "rows", "failing"])
def test_a_reversible_steps_down_undoes_its_up(kind: str, tmp_path: Path) -> None:
    project = _model(tmp_path)
    table = project.new_spec("table")
    assert table is not None
    project.tree.append(table)
    spec = project.new_spec(kind)
    assert spec is not None and not spec.irreversible
    if spec.failing:
        spec.fix()  # the user's fix keeps the step's down.sql
    assert _up_then_down([table], spec) == project.replay([table])
