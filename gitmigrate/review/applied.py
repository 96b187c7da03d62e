"""Where each step is applied, per the run notes, and with which checksum.

Events carry the step id and, on `step_applied`, the checksum of the files that ran. The last
event per (step, target, host) decides: applied, or rolled back (a rollback on one machine's
`dev` says nothing about another's, hence the host). Events are indexed by step id, not by
commit, so a step whose commit was rewritten by a rebase is still recognised.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.notes import read_run_events

_UNDONE = ("step_rolled_back", "rollback_skipped")


@dataclass(frozen=True)
class AppliedRecord:
    step_id: str
    target: str
    host: str
    user: str
    at: str
    checksum: str
    commit: str

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step_id,
            "target": self.target,
            "host": self.host,
            "user": self.user,
            "at": self.at,
            "checksum": self.checksum,
            "commit": self.commit,
        }

    def where(self) -> str:
        return f"{self.target} on {self.host} ({self.user}, {self.at[:19]})"


def applied_records(
    repo: GitRepo, step_ids: Iterable[str] | None = None
) -> dict[str, list[AppliedRecord]]:
    """Step id -> the places it is currently applied (per the run notes)."""
    wanted = set(step_ids) if step_ids is not None else None
    events = read_run_events(repo)
    return records_from_events(events, wanted)


def records_from_events(
    events: Mapping[str, list[dict[str, Any]]], wanted: set[str] | None = None
) -> dict[str, list[AppliedRecord]]:
    flat = [(commit, e) for commit, es in events.items() for e in es]
    flat.sort(key=lambda ce: (str(ce[1].get("at", "")), str(ce[1].get("seq", ""))))
    state: dict[tuple[str, str, str], AppliedRecord | None] = {}
    for commit, event in flat:
        step_id = event.get("step")
        if not isinstance(step_id, str) or (wanted is not None and step_id not in wanted):
            continue
        key = (step_id, str(event.get("target", "")), str(event.get("host", "")))
        name = event.get("event")
        if name == "step_applied" and isinstance(event.get("checksum"), str):
            state[key] = AppliedRecord(
                step_id, key[1], key[2], str(event.get("user", "")), str(event.get("at", "")),
                str(event["checksum"]), commit,
            )  # fmt: skip
        elif name in _UNDONE:
            state[key] = None
    found: dict[str, list[AppliedRecord]] = {}
    for record in state.values():
        if record is not None:
            found.setdefault(record.step_id, []).append(record)
    return found
