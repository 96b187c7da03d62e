"""Which breaking (ERR) changes of a migration have neither an adapter nor a waiver: what the
pre-push hook refuses when `.gitmigrate.toml` has `[api] require_adapter = true`.

The ERR changes of a branch are those its api steps recorded (guide and adapter steps diff the
specs when they are authored). One is covered when an adapter step of the branch maps it (it
recorded it and it is not among the adapter's manual ones) or when an api step waives it
(`waive = ["ID at OPERATION"]` with a `reason`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gitmigrate.core.model import Step
from gitmigrate.kinds.api.options import ADAPTER, ApiOptions, options_of
from gitmigrate.kinds.api.record import RecordedChange, recorded


@dataclass(frozen=True)
class Uncovered:
    step: str  # the step that recorded it
    change: RecordedChange
    manual: bool = False  # an adapter of the branch recorded it as one it cannot map

    def message(self) -> str:
        c = self.change
        return (f"breaking API change {c.key} ({c.text}) has no adapter and no waiver"
                f" (recorded by step {self.step})")  # fmt: skip

    def fix(self) -> str:
        if self.manual:
            return (
                "the adapter cannot map it: handle it by hand (or accept the break), then waive"
                f' it: waive = ["{self.change.key}"] with reason = "..." in an api step'
            )
        return (
            "add `git migrate api adapter OLD NEW --out DIR` (it maps the mechanical changes),"
            f' or waive it: waive = ["{self.change.key}"] with reason = "..." in an api step'
        )


def _options(step: Step) -> ApiOptions | None:
    try:
        return options_of(step.options)
    except Exception:  # noqa: BLE001 - a malformed step is reported by Kind.check
        return None


def step_status(step: Step, change: RecordedChange) -> str:
    """How one step handles one of its changes: "adapter", "waived", "manual" or "open"."""
    options = _options(step)
    if options is None:
        return "open"
    if options.waived(change.id, change.operation, change.path):
        return "waived"
    if options.command == ADAPTER:
        return "manual" if change.key in recorded(step).manual else "adapter"
    return "open"


def uncovered(steps: Sequence[Step]) -> list[Uncovered]:
    """The ERR changes of `steps` (one migration's, in order) that nothing covers."""
    mine = [(s, o) for s in steps if (o := _options(s)) is not None]
    waivers = [w for _, options in mine for w in options.waive]
    mapped = {c.key for s, o in mine if o.command == ADAPTER
              for c in recorded(s).breaking if step_status(s, c) == "adapter"}  # fmt: skip
    manual = {m for s, o in mine if o.command == ADAPTER for m in recorded(s).manual}
    found: dict[str, Uncovered] = {}
    for step, _ in mine:
        for c in recorded(step).breaking:
            if c.key in mapped or c.key in found:
                continue
            if not any(w.covers(c.id, c.operation, c.path) for w in waivers):
                found[c.key] = Uncovered(step.id, c, c.key in manual)
    return list(found.values())
