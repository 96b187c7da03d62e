"""The database and config checks of an environment's health (health.py runs and times them).

Database: the environment's target answers (its ledger is read, which needs a connection) and
no database step of the branch's scope is pending there (`status`'s own reading of the ledger:
engine/status.target_status), or, inside a run, none before the step asking.

Config: the environment's layers parse and merge, and the merge satisfies its JSON Schema (the
same files.merge + files.validate that `config validate --env` runs). A problem is reported by
key path and place only, never with the schema's message, which may quote a secret value.
"""

from __future__ import annotations

from pathlib import Path

from gitmigrate.core.config import Environment, ProjectConfig
from gitmigrate.core.gitstore import GitRepo

_DONE = ("applied", "skipped")  # states that need nothing more from apply


def check_database(
    repo: GitRepo, config: ProjectConfig, target: str, before_step: str | None, timeout: float
) -> tuple[bool, str]:
    """(reachable and at the expected step, what was found)."""
    from sqlalchemy.exc import SQLAlchemyError

    from gitmigrate.engine.plan import steps_in_scope
    from gitmigrate.engine.status import target_status
    from gitmigrate.engine.tree_steps import is_tree_step
    from gitmigrate.errors import GitMigrateError

    silent = _silent(config, target, timeout)
    if silent is not None:
        return False, silent
    try:
        status = target_status(repo, target)
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        shown = first[0] if first else type(exc).__name__
        return False, f"target {target} is unreachable: {shown}"
    except GitMigrateError as exc:  # no such SQLite file, a server refusing the connection
        return False, f"target {target}: {exc.message}" + (f" ({exc.hint})" if exc.hint else "")
    scope = steps_in_scope(repo, config, None)
    order = [s.id for s in scope]
    if before_step in order:  # inside a run: the steps before this one (database or tree)
        scope = scope[: order.index(before_step)]
    database = {s.id for s in scope if not is_tree_step(s)}
    states = [s for s in status.steps if s.step_id in database]
    waiting = [s for s in states if s.state not in _DONE]
    if waiting:
        shown = ", ".join(f"{s.step_id} ({s.state})" for s in waiting[:5])
        more = f" and {len(waiting) - 5} more" if len(waiting) > 5 else ""
        return False, (
            f"target {target} ({status.dialect}) is not at the expected step: {shown}{more};"
            f" run `git migrate apply --target {target}`"
        )
    applied = sum(1 for s in states if s.state == "applied")
    return True, f"target {target} ({status.dialect}) reachable, {applied} step(s) applied"


def _silent(config: ProjectConfig, target: str, timeout: float) -> str | None:
    """Why the target's server gave no answer within `timeout` (None: it answered, or failed
    at once, which target_status then reports in its own words). A server that accepts the
    connection and never speaks would otherwise hold the check for the driver's own connect
    timeout (10 s) or, on MariaDB's handshake, indefinitely. The probe runs in a daemon
    thread: one that never returns is abandoned, not waited for."""
    import threading

    from gitmigrate.db.connect import create_target_engine
    from gitmigrate.db.url import dialect_name

    url = config.target(target).resolve_url()  # an unknown target: a UsageError
    if dialect_name(url) == "sqlite":
        return None  # a local file: nothing to wait for
    # created (the driver imported) before the clock starts: only the server's answer is timed
    engine = create_target_engine(url, base_dir=config.root, access="read")
    done = threading.Event()

    def probe() -> None:
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except Exception:  # noqa: BLE001, S110 - target_status reports it, in its own words
            pass
        done.set()

    threading.Thread(target=probe, name=f"health-{target}", daemon=True).start()
    if done.wait(timeout):
        engine.dispose()
        return None
    return f"target {target} gave no answer within {timeout:g}s (connect and SELECT 1)"


def check_config(root: Path, env: Environment) -> tuple[bool, str]:
    """(the merged config is valid, what was found)."""
    from gitmigrate.files.document import load
    from gitmigrate.files.keypath import format_key
    from gitmigrate.files.merge import merge_layers
    from gitmigrate.files.validate import load_schema, validate

    docs = [load(root / f, name=f) for f in env.config]  # a missing layer: a UsageError
    merged = merge_layers(docs)
    if env.schema is None:
        return True, f"{len(docs)} file(s) parse and merge (no schema to validate against)"
    found = validate(merged.data, load_schema(root / env.schema), origins=merged.origins)
    if not found:
        return True, f"{len(docs)} file(s) valid against {env.schema}"
    first = found[0]
    at = f" ({first.file}:{first.line})" if first.file and first.line else ""
    more = f" and {len(found) - 1} more" if len(found) > 1 else ""
    return False, (
        f"config invalid against {env.schema}: {format_key(first.path) or '(root)'}{at}{more};"
        f" see `git migrate config validate --env {env.name}`"
    )
