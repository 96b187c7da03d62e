"""How a program that runs git-migrate's commands ends on SIGINT/SIGTERM as the CLI does: exit
130 with `error: interrupted …` and a hint (see gitmigrate/engine/signals.py).

    with interrupts_raise():        # around main(): signals raise Interrupted
        try:
            ...
        except Interrupted as exc:
            error = interrupted_outside_run(exc.signal_name)   # message and hint
"""

from __future__ import annotations

from gitmigrate.engine.signals import Interrupted, interrupted_outside_run, interrupts_raise

__all__ = ["Interrupted", "interrupted_outside_run", "interrupts_raise"]
