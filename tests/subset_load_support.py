"""A small schema with every shape the subset load must handle (a self reference, a composite
foreign key, a cycle broken at a nullable key, a second schema), the closure of known rows
built by hand (the load is tested on its own, whatever the closure parts compute), and a
driver that runs the subset step's phases the way the engine does: each checkpoint committed
with the work before it, an interruption rolling back the work in flight.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.pool import NullPool

from gitmigrate.core.config import ProjectConfig
from gitmigrate.core.model import Step
from gitmigrate.data.options import DataOptions
from gitmigrate.data.subset.compute import Computed
from gitmigrate.data.subset.model import Closure, Edge, QName, SubsetTable
from gitmigrate.data.subset.step import subset_apply, subset_rollback
from gitmigrate.db.connect import create_target_engine
from gitmigrate.engine.kinds import Checkpoint, StepContext
from gitmigrate.schema.reflect import reflect_schema

TABLES = (
    "CREATE TABLE customer (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(80) NOT NULL,"
    " name VARCHAR(40), referrer_id INTEGER, CONSTRAINT customer_email UNIQUE (email),"
    " CONSTRAINT customer_referrer FOREIGN KEY (referrer_id) REFERENCES customer (id))",
    "CREATE TABLE orders (id INTEGER NOT NULL PRIMARY KEY, customer_id INTEGER NOT NULL,"
    " total DECIMAL(10, 2), CONSTRAINT orders_customer FOREIGN KEY (customer_id)"
    " REFERENCES customer (id))",
    "CREATE TABLE order_line (order_id INTEGER NOT NULL, line_no INTEGER NOT NULL,"
    " product VARCHAR(40), PRIMARY KEY (order_id, line_no), CONSTRAINT line_order"
    " FOREIGN KEY (order_id) REFERENCES orders (id))",
    "CREATE TABLE shipment (id INTEGER NOT NULL PRIMARY KEY, order_id INTEGER NOT NULL,"
    " line_no INTEGER NOT NULL, CONSTRAINT shipment_line FOREIGN KEY (order_id, line_no)"
    " REFERENCES order_line (order_id, line_no))",
    "CREATE INDEX shipment_order ON shipment (order_id)",
)
CYCLE = {  # dept.manager_id -> emp and emp.dept_id -> dept: one cycle
    "sqlite": (
        "CREATE TABLE dept (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(40), manager_id INTEGER,"
        " CONSTRAINT dept_manager FOREIGN KEY (manager_id) REFERENCES emp (id))",
        "CREATE TABLE emp (id INTEGER NOT NULL PRIMARY KEY, dept_id INTEGER NOT NULL,"
        " name VARCHAR(40), CONSTRAINT emp_dept FOREIGN KEY (dept_id) REFERENCES dept (id))",
    ),
    "other": (
        "CREATE TABLE dept (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(40), manager_id INTEGER)",
        "CREATE TABLE emp (id INTEGER NOT NULL PRIMARY KEY, dept_id INTEGER NOT NULL,"
        " name VARCHAR(40), CONSTRAINT emp_dept FOREIGN KEY (dept_id) REFERENCES dept (id))",
        "ALTER TABLE dept ADD CONSTRAINT dept_manager FOREIGN KEY (manager_id) REFERENCES emp (id)",
    ),
}
DATA = (
    "INSERT INTO customer VALUES (1, 'ann@example.com', 'Ann', NULL)",
    "INSERT INTO customer VALUES (2, 'bob@example.com', 'Bob', 1)",
    "INSERT INTO customer VALUES (3, 'cy@example.com', 'Cy', 2)",
    "INSERT INTO customer VALUES (4, 'di@example.com', 'Di', NULL)",
    "INSERT INTO customer VALUES (5, 'ed@example.com', 'Ed', 4)",
    "INSERT INTO customer VALUES (6, 'flo@example.com', 'Flo', NULL)",
    "INSERT INTO orders VALUES (1, 3, 10.50), (2, 5, 20.00), (3, 3, 7.25), (4, 6, 1.00)",
    "INSERT INTO order_line VALUES (1, 1, 'pen'), (1, 2, 'ink'), (2, 1, 'pad'), (3, 1, 'cap'),"
    " (4, 1, 'box')",
    "INSERT INTO shipment VALUES (1, 1, 1), (2, 2, 1), (3, 4, 1)",
    "INSERT INTO dept VALUES (1, 'north', NULL), (2, 'south', NULL), (3, 'west', NULL)",
    "INSERT INTO emp VALUES (1, 1, 'Gus'), (2, 1, 'Hal'), (3, 2, 'Ivy'), (4, 3, 'Jo')",
    "UPDATE dept SET manager_id = 2 WHERE id = 1",
    "UPDATE dept SET manager_id = 3 WHERE id = 2",
)

_Q = QName
_CUSTOMER, _ORDERS, _LINE, _SHIP, _DEPT, _EMP = (
    _Q(None, n) for n in ("customer", "orders", "order_line", "shipment", "dept", "emp")
)
EDGES = (
    Edge(_CUSTOMER, ("referrer_id",), _CUSTOMER, ("id",), True, name="customer_referrer"),
    Edge(_ORDERS, ("customer_id",), _CUSTOMER, ("id",), False, name="orders_customer"),
    Edge(_LINE, ("order_id",), _ORDERS, ("id",), False, name="line_order"),
    Edge(_SHIP, ("order_id", "line_no"), _LINE, ("order_id", "line_no"), False),
    Edge(_DEPT, ("manager_id",), _EMP, ("id",), True, name="dept_manager"),
    Edge(_EMP, ("dept_id",), _DEPT, ("id",), False, name="emp_dept"),
)
# the closure of roots `orders WHERE id IN (1, 2, 3)` and `emp WHERE id = 1`, following the
# children of orders and order_line: the referrer chains 3 -> 2 -> 1 and 5 -> 4 (parents
# first), dept 1 and its manager emp 2 (the cycle: dept.manager_id loaded NULL, fixed up)
KEYS: dict[QName, list[tuple[Any, ...]]] = {
    _CUSTOMER: [(1,), (2,), (3,), (4,), (5,)],
    _ORDERS: [(1,), (2,), (3,)],
    _LINE: [(1, 1), (1, 2), (2, 1), (3, 1)],
    _SHIP: [(1,), (2,)],
    _DEPT: [(1,)],
    _EMP: [(1,), (2,)],
}
_KEY = {_LINE: ("order_id", "line_no")}
_COLUMNS = {
    _CUSTOMER: ("id", "email", "name", "referrer_id"),
    _ORDERS: ("id", "customer_id", "total"),
    _LINE: ("order_id", "line_no", "product"),
    _SHIP: ("id", "order_id", "line_no"),
    _DEPT: ("id", "name", "manager_id"),
    _EMP: ("id", "dept_id", "name"),
}


def closure() -> Closure:
    tables = tuple(
        SubsetTable(
            source=name,
            key=_KEY.get(name, ("id",)),
            columns=_COLUMNS[name],
            rows=len(keys),
            deferred=(EDGES[4],) if name == _DEPT else (),
        )
        for name, keys in KEYS.items()
    )
    return Closure(tables=tables, keys=dict(KEYS), edges=EDGES, broken=(EDGES[4],))


def load_source(url: str, dialect: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            for sql in (*TABLES, *CYCLE["sqlite" if dialect == "sqlite" else "other"], *DATA):
                conn.execute(text(sql))
    finally:
        engine.dispose()


def computed_from(source: Connection, options: DataOptions) -> Computed:
    """The hand-built closure, with the source's real tables (as the graph would reflect)."""
    schema = reflect_schema(source)
    return Computed(closure(), {QName(None, t.name): t for t in schema.tables})


@dataclass
class Run:
    """What a driven run left: the checkpoints committed, the last one's data."""

    checkpoints: list[dict[str, Any]] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)

    @property
    def last(self) -> dict[str, Any]:
        return self.checkpoints[-1] if self.checkpoints else {}


def make_step(options: DataOptions, files: dict[str, bytes] | None = None) -> Step:
    return Step("subset", 1, "subset", "data", "a subset", files or {},
                options=options.to_toml())  # fmt: skip


def _context(conn: Connection, root: Path, run: Run, **more: Any) -> StepContext:
    def execute(sql: str, params: Any = None) -> Any:
        run.statements.append(sql)
        if params is None:
            return conn.exec_driver_sql(sql)
        return conn.execute(text(sql), params)

    config = ProjectConfig(root=root, default_target=None, dialect=None, branch_prefix="migrate/")
    dialect = "mysql" if conn.dialect.name == "mariadb" else conn.dialect.name
    return StepContext(
        target=None,  # type: ignore[arg-type]  # the load never asks the target object
        dialect=dialect, execute=execute, config=config, session=conn,
        log=run.statements.append, **more,
    )  # fmt: skip


def drive(
    target_url: str,
    options: DataOptions,
    root: Path,
    *,
    stop_after: int | None = None,
    resume: Run | None = None,
    files: dict[str, bytes] | None = None,
    crash_at_first: bool = False,
) -> Run:
    """Run the step's apply as the engine does; `stop_after` checkpoints, then interrupt
    (the work in flight rolled back); `resume`: continue from that run's last checkpoint;
    `crash_at_first`: die just before the first checkpoint commits (the plan phase lost,
    except what the database committed by itself: MariaDB's DDL)."""
    run = Run()
    step = make_step(options, files)
    engine = create_target_engine(
        target_url
    )  # as the engine's: SQLite foreign keys on, DDL in BEGIN
    try:
        with engine.connect() as conn:
            previous = resume.last if resume else {}
            start = len(resume.checkpoints) if resume else 0
            ctx = _context(conn, root, run, resume=previous, start_position=start)
            chunks: Iterator[Checkpoint] = subset_apply(step, options, ctx, computed_from)
            for checkpoint in chunks:
                if crash_at_first:
                    break
                conn.commit()
                run.checkpoints.append(dict(checkpoint.data))
                if stop_after is not None and len(run.checkpoints) >= stop_after:
                    break
            conn.rollback()
    finally:
        engine.dispose()
    if resume is not None:
        run.checkpoints = resume.checkpoints + run.checkpoints
    return run


def undo(target_url: str, options: DataOptions, root: Path, applied: Run) -> None:
    run = Run()
    engine = create_target_engine(target_url)
    try:
        with engine.connect() as conn:
            ctx = _context(conn, root, run, applied=applied.last)
            for _ in subset_rollback(make_step(options), options, ctx):
                pass
            conn.commit()
    finally:
        engine.dispose()


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows (sorted), by name, of the default schema."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            out = {}
            for name in sorted(inspect(conn).get_table_names()):
                q = conn.dialect.identifier_preparer.quote(name)
                out[name] = sorted(tuple(r) for r in conn.execute(text(f"SELECT * FROM {q}")))
            return out
    finally:
        engine.dispose()
