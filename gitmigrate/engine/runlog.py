"""The run's audit trail in git notes: who, where, when, what, how long.

Events are buffered and flushed once per step (one compare-and-swap notes update), so a long
run does not spawn git for every statement. A dry run records nothing.
"""

from __future__ import annotations

import getpass
import os
import socket
import uuid
from datetime import UTC, datetime
from typing import Any

from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import Step
from gitmigrate.core.notes import append_run_events


def now() -> datetime:
    return datetime.now(UTC)


def current_user(repo: GitRepo) -> str:
    return repo.config_get("user.email") or os.environ.get("USER") or getpass.getuser()


class RunRecorder:
    def __init__(self, repo: GitRepo, target: str, command: str, *, dry_run: bool) -> None:
        self.repo = repo
        self.run_id = uuid.uuid4().hex[:16]
        self.target = target
        self.command = command
        self.user = current_user(repo)
        self.host = socket.gethostname()
        self.dry_run = dry_run
        self._seq = 0
        self._pending: list[tuple[str, dict[str, Any]]] = []

    def event(self, name: str, step: Step | None, anchor: str | None, **fields: Any) -> None:
        """Queue an event on the step's commit (or `anchor`, e.g. HEAD, for run-level events)."""
        commit = (step.commit if step else None) or anchor
        if commit is None:
            return
        self._seq += 1
        payload = {
            "event": name,
            "run": self.run_id,
            "seq": self._seq,
            "command": self.command,
            "target": self.target,
            "user": self.user,
            "host": self.host,
            "at": now().isoformat(timespec="microseconds"),
            **({"step": step.id} if step else {}),
            **{k: v for k, v in fields.items() if v is not None},
        }
        self._pending.append((commit, payload))

    def flush(self) -> None:
        if self.dry_run or not self._pending:
            self._pending.clear()
            return
        events, self._pending = self._pending, []
        append_run_events(self.repo, events)
