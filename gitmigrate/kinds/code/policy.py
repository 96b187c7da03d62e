"""Whether `apply` may run a code step's recorded verify command. A step pulled from someone
else's branch carries a shell command: it never runs unasked. The caller of a run says so for
the run's duration (`git migrate apply --run-verify`, or a question on a TTY):

    with verify_commands(run=True):          # --run-verify
        engine_apply(...)
    with verify_commands(confirm=ask_user):  # a terminal: ask per step
        engine_apply(...)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class VerifyPolicy:
    run: bool = False  # run every recorded command without asking
    confirm: Callable[[str], bool] | None = None  # else ask this (None: never run)

    def allows(self, question: str) -> bool:
        if self.run:
            return True
        return self.confirm is not None and self.confirm(question)


_NEVER = VerifyPolicy()
_POLICY: ContextVar[VerifyPolicy] = ContextVar("gitmigrate_code_verify", default=_NEVER)  # noqa: B039 - frozen


def current() -> VerifyPolicy:
    return _POLICY.get()


@contextmanager
def verify_commands(
    run: bool = False, confirm: Callable[[str], bool] | None = None
) -> Iterator[VerifyPolicy]:
    token = _POLICY.set(VerifyPolicy(run, confirm))
    try:
        yield _POLICY.get()
    finally:
        _POLICY.reset(token)
