"""Diffing two specs: every registered check (or the ones named) over one DiffContext, after
normalise.py has written equivalent forms alike (an allOf that merges to the same schema, 3.0
and 3.1 nullable forms) and with soften() lowering what oasdiff's users report as false
breaking changes (a new required request property that has a default)."""

from __future__ import annotations

from collections.abc import Collection

from gitmigrate.errors import UsageError
from gitmigrate.openapi.checks import all_checks
from gitmigrate.openapi.context import DiffContext
from gitmigrate.openapi.model import ApiChange, DiffOptions
from gitmigrate.openapi.normalise import normalise, soften
from gitmigrate.openapi.spec import Spec


def diff_specs(
    base: Spec,
    revision: Spec,
    options: DiffOptions | None = None,
    checks: Collection[str] | None = None,
) -> list[ApiChange]:
    """The changes from `base` to `revision`, most severe first, each reported once."""
    registered = all_checks()
    names = list(registered) if checks is None else list(checks)
    unknown = [name for name in names if name not in registered]
    if unknown:
        raise UsageError(f"unknown check {unknown[0]}", "name a check listed in rules.tsv")
    normalise(base, revision)  # equivalent forms written alike before anything is compared
    context = DiffContext(base, revision, options)
    seen: set[tuple[str, str, str, str]] = set()
    changes: list[ApiChange] = []
    for name in names:
        for change in map(soften, registered[name](context)):
            key = (change.id, change.operation, change.text, change.source)
            if key not in seen:
                seen.add(key)
                changes.append(change)
    return sorted(changes, key=ApiChange.sort_key)
