"""kill -9 and resume of a subset step (issue 16): `git migrate apply` of a masked Chinook subset
(PostgreSQL source) is SIGKILLed at a random instant while it loads, `git migrate resume`
finishes it, and the target must hold exactly what an uninterrupted run wrote: the same rows
byte for byte (masks are deterministic), row counts equal to the plan, no duplicate keys, no
foreign-key violation, the step `applied` in the ledger.

CI: per target (SQLite, MariaDB) one kill at a random instant of the load and one as its last
rows land (the fix-up and finish phases). GITMIGRATE_RELIABILITY_FULL=1: five random kills per
target, PostgreSQL as a target too. GITMIGRATE_TRIAL_SEED replays a series (pytest -s prints it).
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from gitmigrate.data.subset.model import QName
from tests import subset_oracles as o
from tests.chinook import load_chinook
from tests.engine_procs import cli_env, run_cli, start_cli
from tests.fixtures_db import fresh_database_url
from tests.subset_acceptance import MASK_KEY_VAR, connect, make_project

FULL = os.environ.get("GITMIGRATE_RELIABILITY_FULL") == "1"
TRIALS = 5 if FULL else 1
BATCH = 50  # small chunks: the load of ~6,000 rows takes many checkpoints
ROOT = "invoice_id <= 300"
MASK = '[columns]\n"customer.email" = "fake.email"\n"customer.customer_id" = "hmac"\n'
TARGETS = [
    pytest.param("sqlite", id="pg-to-sqlite", marks=pytest.mark.postgres),
    pytest.param("mysql", id="pg-to-mariadb", marks=[pytest.mark.postgres, pytest.mark.mysql]),
]
if FULL:
    TARGETS.append(pytest.param("postgresql", id="pg-to-pg", marks=pytest.mark.postgres))


def _state(url: str) -> tuple[str, dict[str, int], str | None]:
    """A digest of every user table's rows (sorted), the counts, and the step's ledger status."""
    digest = hashlib.sha256()
    counts = {}
    with connect(url) as conn:
        for table in o.user_tables(conn):
            rows = sorted(
                repr(r) for r in conn.execute(text(f"SELECT * FROM {o.ref(conn, table)}"))
            )
            digest.update(f"{table.label}:{len(rows)}\n{''.join(rows)}".encode())
            counts[table.name] = len(rows)
        status = None
        if inspect(conn).has_table("gitmigrate_ledger"):
            status = conn.execute(
                text("SELECT status FROM gitmigrate_ledger WHERE step_id LIKE 'subset/%'")
            ).scalar()
    return digest.hexdigest(), counts, status


def _check(url: str, plan: dict[str, int]) -> None:
    """The oracles after a resume: counts equal the plan, no duplicate keys, no orphans."""
    with connect(url) as conn:
        assert o.fk_violations(conn) == []
        for table in o.user_tables(conn):
            assert o.row_count(conn, table) == plan.get(table.name.lower(), 0), table.label
            key = inspect(conn).get_pk_constraint(table.name)["constrained_columns"]
            assert key and o.duplicate_groups(conn, table, key) == 0, table.label


def _rows_arrived(url: str) -> int:
    try:
        with connect(url) as conn:
            return sum(o.row_count(conn, t) for t in o.user_tables(conn))
    except Exception:  # the target or its tables do not exist yet
        return 0


def _wait_for_rows(proc: subprocess.Popen[str], url: str, rows: int = 1) -> float:
    """Poll the target until the load has written `rows` rows (or the run ended)."""
    while proc.poll() is None and _rows_arrived(url) < rows:
        time.sleep(0.02)
    return time.monotonic()


def _check_partial(url: str) -> None:
    """Whatever a kill left: the target's tables already carry their foreign keys (created
    before loading, so enforced while loading) and the rows so far violate none of them."""
    with connect(url) as conn:
        assert o.foreign_keys(conn), "the target's tables were loaded without foreign keys"
        assert o.fk_violations(conn) == []


@pytest.mark.parametrize("target_dialect", TARGETS)
def test_sigkill_during_a_subset_load_then_resume_equals_a_clean_run(
    target_dialect: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MASK_KEY_VAR, "kill-trial-masking-key")
    seed = int(os.environ.get("GITMIGRATE_TRIAL_SEED", str(random.randrange(1 << 30))))
    rng = random.Random(seed)
    from gitmigrate import api

    with fresh_database_url("postgresql", tmp_path) as source_url:
        load_chinook(source_url)
        invoice = QName(None, "invoice")
        with connect(source_url) as source:
            reference = o.reference_closure(source, [None], [(invoice, ROOT)], {invoice})
        plan = {t.name: rows for t, rows in reference.items() if rows}
        total = sum(plan.values())
        with fresh_database_url(target_dialect, tmp_path / "clean") as clean_url:
            repo = make_project(tmp_path / "project", source_url, clean_url)
            (tmp_path / "mask.toml").write_text(MASK)
            api.env_subset(
                repo, source="source", target="copy", roots=[f"invoice WHERE {ROOT}"],
                follow=["invoice"], mask=tmp_path / "mask.toml", batch_size=BATCH, run=False,
                yes=True,
            )  # fmt: skip
            env = cli_env(tmp_path / "home")
            started = time.monotonic()
            clean = start_cli(repo, env, "apply", "--yes", "--no-progress", "--target", clean_url)
            loading = _wait_for_rows(clean, clean_url)
            load_time = _wait_for_rows(clean, clean_url, total) - loading  # first to last row
            _, stderr = clean.communicate(timeout=300)
            seconds = time.monotonic() - started
            assert clean.returncode == 0, stderr
            expected = _state(clean_url)
        assert expected[2] == "applied" and total > 3000
        outcomes = []
        # random instants inside the load, then one as the last rows land (the fix-up and the
        # finish: indexes, on MariaDB DDL that commits itself)
        trials = [(rng.uniform(0, load_time), 1) for _ in range(TRIALS)]
        for number, (delay, rows) in enumerate([*trials, (0.0, total)]):
            with fresh_database_url(target_dialect, tmp_path / f"t{number}") as url:
                proc = start_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
                _wait_for_rows(proc, url, rows)
                time.sleep(delay)
                killed = proc.poll() is None
                if killed:
                    proc.send_signal(signal.SIGKILL)
                proc.communicate(timeout=300)
                after_kill = _state(url)
                if sum(after_kill[1].values()):  # killed mid-load: keys were on while loading
                    _check_partial(url)
                resumed = run_cli(repo, env, "resume", "--yes", "--no-progress", "--target", url,
                                  timeout=300)  # fmt: skip
                final = _state(url)
                where = f"killed with {sum(after_kill[1].values())} rows" if killed else "done"
                outcomes.append(f"#{number} {delay:.2f}s {where}")
                assert resumed.returncode == 0, (seed, delay, resumed.stdout, resumed.stderr)
                assert final == expected, (seed, delay, where, final[1:], expected[1:])
                _check(url, plan)
    print(
        f"\n[{target_dialect}] seed={seed} clean {seconds:.2f}s, load {load_time:.2f}s\n  "
        + "\n  ".join(outcomes)
    )
