"""TEST-ONLY: deterministic crash points for the crash-point sweep (tests/reliability).

`GITMIGRATE_CRASH_AT=<point>:<n>` makes the process SIGKILL itself at that point of statement n
of a step run without a transaction (MariaDB): `before-statement` (its intent is recorded, it has
not run), `before-record` (it ran, its ledger counter is not written) and `after-statement` (it
ran and is recorded), and `before-undo-record` (while a failed step is undone: the
inverse of statement n ran, the counter still counts statement n). Unset in every real run, where this is one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

VARIABLE = "GITMIGRATE_CRASH_AT"


def crash_point(point: str, statement: int) -> None:
    if os.environ.get(VARIABLE) == f"{point}:{statement}":
        os.kill(os.getpid(), signal.SIGKILL)
