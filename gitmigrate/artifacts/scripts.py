"""The per-step scripts of `migration-scripts/`: `NNN-<slug>.pre-check.sql`, `.backup.sql`,
`.up.sql`, `.post-check.sql`, `.down.sql` -- only those that apply to the step, as its kind
renders them (`Description.scripts`); a step with none is not runnable by run.sh.
"""

from __future__ import annotations

from dataclasses import dataclass

from gitmigrate.engine.description import DATABASE
from gitmigrate.review.model import StepFacts


@dataclass(frozen=True)
class StepScripts:
    """File suffix (e.g. "up.sql") -> content, plus how run.sh must treat the step."""

    files: dict[str, str]
    runnable: bool = True  # False: run.sh stops and names the `git migrate` command
    statements: int = 0  # what the ledger records as statements_done
    on_target: bool = True  # False: the step runs in the work tree, not on the database


def step_scripts(facts: StepFacts) -> StepScripts:
    description = facts.description
    rendered = description.scripts
    return StepScripts(
        rendered.by_suffix(),
        runnable=rendered.runnable,
        statements=rendered.statements,
        on_target=description.runs_in == DATABASE,
    )
