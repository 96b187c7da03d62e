"""A step's Description, asked of its kind: the one way review, the pre-push hook and the plan
learn what a step is. A kind no installed plug-in provides is judged as a step whose commit is
the change (`tree_description`), so its problems are still named."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from gitmigrate.core.model import Step
from gitmigrate.engine.description import DATABASE, Description, tree_description, verify_words
from gitmigrate.errors import GitMigrateError


def describe_step(
    step: Step, dialect: str, note: Mapping[str, Any], *, lenient: bool = False
) -> Description:
    """`lenient` (review, the hook): options a kind cannot read describe the step as one
    without a rollback, naming the error, instead of raising."""
    # the registry loads the Kind protocol and with it SQLAlchemy, which a pre-push hook
    # answered from its cache never needs: imported here, when a step is described
    from gitmigrate.engine.registry import available, get_kind

    if step.kind not in available():
        return tree_description(step)
    kind = get_kind(step.kind)
    if not lenient:
        return kind.describe(step, dialect, note)
    try:
        return kind.describe(step, dialect, {**note, "lenient": True})
    except GitMigrateError as exc:
        return replace(
            tree_description(step),
            what=exc.message,
            runs_in=DATABASE,
            rollback=None,
            rollback_missing=f"cannot be read ({exc.message})",
            rollback_fix=exc.hint or f"fix {step.path}/step.toml",
            verify=verify_words(step),
            verify_expected=True,
        )
