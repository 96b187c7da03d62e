"""docs/troubleshooting.md covers every state `status` can show, and every ledger status has a
way out named by engine/next_step.py: adding a status without documenting its exit fails here."""

from __future__ import annotations

import re
from pathlib import Path

from gitmigrate.db.ledger_version import STATUSES
from gitmigrate.engine.next_step import STATES, Scope, step_next, target_next

DOC = Path(__file__).resolve().parents[2] / "docs" / "troubleshooting.md"


def _sections() -> set[str]:
    return set(re.findall(r"^## `([^`]+)`", DOC.read_text(), flags=re.M))


def test_every_state_has_a_section() -> None:
    missing = sorted(set(STATES) - _sections())
    assert not missing, f"docs/troubleshooting.md has no section for: {missing}"


def test_every_section_is_a_state() -> None:
    stale = sorted(_sections() - set(STATES))
    assert not stale, f"docs/troubleshooting.md documents states status never shows: {stale}"


def test_every_ledger_status_is_a_known_state() -> None:
    unknown = sorted(set(STATUSES) - set(STATES) - {"applied"})
    assert not unknown, f"ledger statuses with no entry in engine/next_step.py STATES: {unknown}"


def test_every_state_names_a_way_out() -> None:
    scope = Scope()
    for state in STATES:
        if state in ("changed", "gone", "interrupted rollback"):
            continue  # derived states: tested below
        out = step_next(scope, "m/001", state)
        assert out.why or out.command, state
        if state not in ("skipped", "abandoned"):
            assert out.command and out.command.startswith("git migrate "), (state, out)


def test_derived_states() -> None:
    scope = Scope(migration="m", target="prod")
    down = step_next(scope, "m/002", "running", checkpoint={"direction": "down"})
    assert down.command == "git migrate rollback --steps 1 --migration m --target prod"
    up = step_next(scope, "m/002", "running", checkpoint={"direction": "up"})
    assert up.command == "git migrate resume --migration m --target prod"
    changed = step_next(
        scope, "m/001", "applied", changed=("up.sql",), commit="a" * 40, path="migrations/m/001-x"
    )
    assert changed.command == f"git checkout {'a' * 12} -- migrations/m/001-x"
    replaced = step_next(
        scope,
        "m/001",
        "applied",
        changed=("up.sql",),
        commit="a" * 40,
        old_path="migrations/m/001-y",
    )
    assert replaced.command is None and "migrations/m/001-y" in replaced.why
    assert (
        target_next([("changed", replaced), ("pending", step_next(scope, "m/2", "pending"))])
        is replaced
    )
    assert step_next(scope, "m/001", "applied").command is None


def test_a_url_target_is_never_repeated() -> None:
    out = step_next(Scope(target="postgresql://u:secret@h/db"), "m/001", "pending")
    assert out.command == "git migrate apply --target <URL>"


def test_target_next_order() -> None:
    scope = Scope()
    states = [
        ("applied", step_next(scope, "m/001", "applied")),
        ("failed", step_next(scope, "m/002", "failed")),
        ("needs_attention", step_next(scope, "m/003", "needs_attention")),
        ("pending", step_next(scope, "m/004", "pending")),
    ]
    chosen = target_next(states)
    assert chosen is not None and chosen.command == "git migrate resume"
    assert target_next(states[:1]) is None
    skipped = [("skipped", step_next(scope, "m/001", "skipped"))]
    assert target_next(skipped) is None
