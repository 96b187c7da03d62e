"""A check the caller adds to every step's verify in one run (`apply --health ENV`: an
environment's health checks after each step). The engine knows nothing of what it checks: it
gets a callable through ApplyOptions and asks it after the kind's own verify, so a failure is
reported, rolled back and recorded exactly like a failed verify."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from gitmigrate.core.model import Step
from gitmigrate.engine.kinds import Finding, Kind, StepContext

ExtraVerify = Callable[[Step], list[Finding]]


class _ExtraVerified:
    """The kind, whose verify also asks `extra`; every other question goes to the kind."""

    def __init__(self, kind: Kind, extra: ExtraVerify) -> None:
        self._kind = kind
        self._extra = extra

    def __getattr__(self, name: str) -> Any:
        return getattr(self._kind, name)

    def verify(self, step: Step, ctx: StepContext) -> list[Finding]:
        found = self._kind.verify(step, ctx)
        if ctx.dry_run or any(f.severity == "error" for f in found):
            return found  # a dry run changed nothing to judge; the kind's error comes first
        return [*found, *self._extra(step)]


def with_extra_verify(kind: Kind, extra: ExtraVerify | None) -> Kind:
    """`kind`, its verify followed by `extra` (None: the kind itself)."""
    return kind if extra is None else cast(Kind, _ExtraVerified(kind, extra))
