"""The CLI's signal handling is scoped to the command (engine/signals.py): `main()` run inside
another process (as the tests do) leaves that process's SIGINT/SIGTERM handlers as it found
them, and an interrupt outside a run says whether anything had started."""

from __future__ import annotations

import os
import signal

import pytest

from gitmigrate.engine.signals import (
    Interrupted,
    deferred_signals,
    interrupted_outside_run,
    interrupts_raise,
)
from gitmigrate.errors import InterruptedRunError
from tests.fixtures_git import CliRunner


def test_main_restores_the_handlers_it_found(run_cli: CliRunner) -> None:
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    assert run_cli("--version").exit_code == 0
    assert {sig: signal.getsignal(sig) for sig in before} == before


def test_a_signal_outside_a_run_raises_interrupted_with_exit_130() -> None:
    with interrupts_raise(), pytest.raises(Interrupted) as caught:
        os.kill(os.getpid(), signal.SIGTERM)
    assert caught.value.signal_name == "SIGTERM" and caught.value.code == 130
    error = interrupted_outside_run("SIGTERM")
    assert error.exit_code == 130 and error.hint == "nothing was changed; run the command again"


def test_a_signal_after_the_last_check_still_ends_the_run_with_130() -> None:
    with interrupts_raise():
        with pytest.raises(InterruptedRunError) as caught:
            with deferred_signals("git migrate resume --target dev") as stop:
                os.kill(os.getpid(), signal.SIGINT)
                assert stop()  # deferred: a flag, no exception
        assert (
            caught.value.hint is not None and "git migrate resume --target dev" in caught.value.hint
        )
        error = interrupted_outside_run("SIGINT")  # a run had started in this command
        assert error.hint is not None and error.hint.startswith(
            "resume with: git migrate resume --target dev"
        )
