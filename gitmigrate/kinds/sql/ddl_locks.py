"""DDL that gives way to the application: a bounded lock wait, retried with backoff.

An ALTER that waits for a table lock (PostgreSQL ACCESS EXCLUSIVE, MariaDB's metadata lock) makes
every application query that arrives after it queue behind it, for as long as the transaction
it waits for lasts. So each DDL statement runs with `lock_timeout` (PostgreSQL) or
`lock_wait_timeout` (MariaDB/MySQL) set to N seconds: when it cannot get its lock within N s it
gives up, the queued queries run, and it tries again after a pause, up to `lock_retries` times.
Application queries therefore wait at most about N s per try. PostgreSQL retries inside a
savepoint, so a transactional step keeps what it did before the statement.

Settings, most specific first: the step's step.toml `lock_timeout` / `lock_retries`, then
`.gitmigrate.toml` `[migrate] lock_timeout` / `lock_retries`, then the defaults below.
`lock_timeout = 0` waits as long as it takes (no timeout, no retry).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from gitmigrate.core.config import lock_retries_setting, lock_timeout_setting
from gitmigrate.core.model import Step
from gitmigrate.errors import StepFailedError

DEFAULT_LOCK_TIMEOUT_S = 10.0
DEFAULT_LOCK_RETRIES = 10
MAX_PAUSE_S = 10.0
_MYSQL_LOCK_WAIT_TIMEOUT = 1205  # ER_LOCK_WAIT_TIMEOUT, also raised for metadata locks
_PG_LOCK_NOT_AVAILABLE = "55P03"


@dataclass(frozen=True)
class LockPolicy:
    timeout: float  # seconds one try may wait for a lock; 0 = no limit
    retries: int

    def pause(self, attempt: int) -> float:
        """Backoff before try `attempt + 1`: 0.5 s doubling, at most MAX_PAUSE_S."""
        return min(0.5 * 2.0**attempt, MAX_PAUSE_S)


def lock_policy(step: Step, config: Any) -> LockPolicy:
    where = f"{step.path}/step.toml"
    timeout = lock_timeout_setting(step.options.get("lock_timeout"), where)
    retries = lock_retries_setting(step.options.get("lock_retries"), where)
    if timeout is None:
        timeout = getattr(config, "lock_timeout", None)
    if retries is None:
        retries = getattr(config, "lock_retries", None)
    return LockPolicy(
        DEFAULT_LOCK_TIMEOUT_S if timeout is None else timeout,
        DEFAULT_LOCK_RETRIES if retries is None else retries,
    )


def run_ddl(
    conn: Connection,
    dialect: str,
    policy: LockPolicy,
    run: Callable[[], Any],
    step: Step,
    number: int,
) -> Any:
    """Run one DDL statement (`run`) under the lock policy; StepFailedError once it is spent."""
    if dialect not in ("postgresql", "mysql", "mariadb") or policy.timeout <= 0:
        return run()
    attempt = 0
    while True:
        savepoint = _savepoint(conn, dialect)
        _set_timeout(conn, dialect, policy.timeout)
        try:
            result = run()
        except DBAPIError as exc:
            if savepoint is not None:
                savepoint.rollback()
            if not _is_lock_timeout(exc, dialect):
                raise
            if attempt >= policy.retries:
                raise StepFailedError(
                    step.id,
                    f"statement {number} of step {step.id} could not get its table lock: it"
                    f" waited {policy.timeout:g} s, {attempt + 1} time(s), and gave way to the"
                    " transactions holding the table each time",
                    "run it when those transactions are over, or raise lock_timeout /"
                    " lock_retries (step.toml or [migrate] in .gitmigrate.toml)",
                ) from exc
            time.sleep(policy.pause(attempt))
            attempt += 1
            continue
        finally:
            _reset_timeout(conn, dialect)
        if savepoint is not None:
            savepoint.commit()
        return result


def _savepoint(conn: Connection, dialect: str) -> Any:
    """PostgreSQL: a failed statement aborts the transaction, so retry inside a savepoint."""
    if dialect != "postgresql" or not conn.in_transaction():
        return None
    if conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        return None
    return conn.begin_nested()


def _set_timeout(conn: Connection, dialect: str, seconds: float) -> None:
    driver = conn.execution_options(no_parameters=True)
    if dialect == "postgresql":
        driver.exec_driver_sql(f"SET lock_timeout = {max(int(seconds * 1000), 1)}")
    else:  # whole seconds on MariaDB/MySQL
        driver.exec_driver_sql(f"SET SESSION lock_wait_timeout = {max(math.ceil(seconds), 1)}")


def _reset_timeout(conn: Connection, dialect: str) -> None:
    """Back to the server's default, so later statements (and the ledger) wait as usual."""
    driver = conn.execution_options(no_parameters=True)
    try:
        if dialect == "postgresql":
            driver.exec_driver_sql("SET lock_timeout = DEFAULT")
        else:
            driver.exec_driver_sql("SET SESSION lock_wait_timeout = DEFAULT")
    except DBAPIError:
        pass  # the transaction failed for another reason: the caller reports that one


def _is_lock_timeout(exc: DBAPIError, dialect: str) -> bool:
    orig = exc.orig
    if dialect == "postgresql":
        return getattr(orig, "sqlstate", None) == _PG_LOCK_NOT_AVAILABLE
    args: tuple[Any, ...] = tuple(getattr(orig, "args", ()))
    return bool(args) and args[0] == _MYSQL_LOCK_WAIT_TIMEOUT
