"""A step's Description, asked of its kind: the one way review, the pre-push hook and the plan
learn what a step is. A kind no installed plug-in provides is judged as a step whose commit is
the change (`tree_description`), so its problems are still named."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any

from gitmigrate.core.model import Step
from gitmigrate.engine.description import DATABASE, Description, tree_description, verify_words
from gitmigrate.errors import GitMigrateError

if TYPE_CHECKING:
    from gitmigrate.engine.kinds import Kind


def describe_step(
    step: Step, dialect: str, note: Mapping[str, Any], *, lenient: bool = False
) -> Description:
    """`lenient` (review, the hook): options a kind cannot read describe the step as one
    without a rollback, naming the error, instead of raising."""
    kind = _kind(step.kind)
    if kind is None:
        return tree_description(step)
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


@cache
def _kind(name: str) -> Kind | None:
    """The installed kind of that name, once per process (finding plug-ins scans every
    installed distribution's entry points: ~5 ms, too much to repeat per step)."""
    # the registry loads the Kind protocol and with it SQLAlchemy, which a pre-push hook
    # answered from its cache never needs: imported here, when a step is described
    from gitmigrate.engine.registry import available, get_kind

    return get_kind(name) if name in available() else None
