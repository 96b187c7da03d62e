"""Optional capabilities a kind declares on its object, typed, for the engine (and review) to
call without knowing the language of the kind's steps.

`Compensator`: for a step that runs statement by statement where each statement commits by
itself (DDL on MariaDB/MySQL, or `transaction = false`). The engine records, before such a
statement, a fingerprint of what the statement will change; after a crash it asks whether the
statement ran (the fingerprint changed), and after a failure it runs the inverses of the
statements already done, newest first. What a statement is, what it touches, how to fingerprint
that and how to undo it is the kind's knowledge (the sql kind: gitmigrate/kinds/sql/).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from gitmigrate.core.model import Step

if TYPE_CHECKING:  # kinds declare this capability; reading commands never load sqlalchemy
    from sqlalchemy.engine import Connection


class Compensator(Protocol):
    def statements(self, step: Step, direction: str, dialect: str) -> list[str]:
        """The step's statements in the order its apply ("up") or rollback ("down") runs them."""
        ...

    def commits_by_itself(self, statement: str, dialect: str) -> bool:
        """Whether `statement` commits by itself, so its intent must be recorded before it."""
        ...

    def fingerprint(self, conn: Connection, statement: str, dialect: str) -> dict[str, Any]:
        """What `statement` would change, as it is now (JSON; stored in the ledger checkpoint).
        The caller rolls back the reads."""
        ...

    def ran(self, conn: Connection, fingerprint: Mapping[str, Any]) -> bool:
        """Whether the statement fingerprinted before it ran has run since (it changed)."""
        ...

    def inverse(self, statement: str, dialect: str) -> str | None:
        """The statement that undoes `statement`, or None when there is no automatic one."""
        ...


class PushChecker(Protocol):
    """What blocks a push of one migration's steps of a kind, judged over those steps together
    (the api kind: a breaking change with neither an adapter nor a waiver, when the project
    asks for one). The pre-push hook and `review` ask every kind that declares one."""

    def push_problems(self, steps: Sequence[Step], root: Path) -> list[tuple[str, str, str]]:
        """(step id, what blocks, what to do) for each problem; `root` is the work tree."""
        ...
