"""`counter`: a database kind written outside gitmigrate, as a third party would write one.

A counter step creates a one-table counter (`table`, default gm_counter) holding one row per
`label`, and rolls back by deleting the row and dropping the table; verify checks the row.

    git migrate add counter --option label=first --option table=gm_first -m "Count first"

It is registered through the entry-point group `gitmigrate.executors`:

    [gitmigrate.executors]
    counter = counter_kind:CounterKind
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from gitmigrate.core.model import Step
from gitmigrate.engine.description import Description, Operation
from gitmigrate.engine.kinds import (
    AuthorRequest,
    Checkpoint,
    Compensator,
    Finding,
    Impact,
    Kind,
    Problem,
    PushChecker,
    RowCounts,
    StepContext,
    StepFiles,
    TargetSort,
    Work,
)
from gitmigrate.errors import UsageError

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,40}$")
_TRANSACTIONAL_DDL = ("sqlite", "postgresql")


class CounterKind:
    name = "counter"
    target_sort: TargetSort = "database"
    chunked = False
    compensator: Compensator | None = None
    push_checker: PushChecker | None = None

    def author(self, request: AuthorRequest) -> StepFiles:
        label = str(request.options.get("label", ""))
        table = str(request.options.get("table", "gm_counter"))
        unknown = set(request.options) - {"label", "table"}
        if unknown:
            raise UsageError(f"unknown counter option(s): {', '.join(sorted(unknown))}",
                             "counter takes --option label=NAME and --option table=NAME")  # fmt: skip
        for what, value in (("label", label), ("table", table)):
            if not _NAME.match(value):
                raise UsageError(f"counter {what} {value!r} is not a simple name",
                                 f"pass --option {what}=NAME (letters, digits, _)")  # fmt: skip
        return StepFiles({}, {"label": label, "table": table}, request.irreversible)

    def check(self, step: Step) -> list[Problem]:
        return [
            Problem(
                f"step {step.id}: counter option {key} is missing or not a simple name",
                f'set {key} = "NAME" under [options] in {step.path}/step.toml',
            )  # fmt: skip
            for key in ("label", "table")
            if not _NAME.match(str(step.options.get(key, "")))
        ]

    def check_target(self, step: Step, dialect: str) -> list[Problem]:
        return []  # its statements are portable SQL

    def note(
        self, step: Step, dialect: str | None, table_rows: RowCounts | None = None
    ) -> dict[str, Any]:
        table = str(step.options.get("table", ""))
        return {"dialect": dialect, "impact": {"objects": [table], "destructive": False}}

    def work(self, step: Step, dialect: str, rows: int | None = None) -> Work:
        return Work(("COUNTER CREATE", "COUNTER INSERT"), rows)

    def lint(self, step: Step, dialect: str, allow: frozenset[str]) -> list[Finding]:
        return []

    def describe(self, step: Step, dialect: str, note: Mapping[str, Any]) -> Description:
        label, table = step.options.get("label"), step.options.get("table")
        return Description(
            kind=self.name,
            what=f"counts {label!r} in the table {table}",
            forward=(Operation(1, "COUNTER CREATE", (str(table),), False, None, "table"),),
            backward=(
                Operation(1, "COUNTER DROP", (str(table),), True, "drops the counter", "table"),
            ),
            rollback="deletes the row and drops the counter table",
            undo="drop the counter table",
            undo_detail=f"DROP TABLE {table}",
            loss=f"the counter table {table}",
            verify=f"{table} has the row {label!r}",
            validation=f"verify checks that {table} has the row {label!r}",
            transactional=dialect in _TRANSACTIONAL_DDL,
            show_options=True,
        )

    def analyze(self, step: Step, dialect: str) -> Impact:
        return Impact(
            objects=(str(step.options["table"]),),
            statements=2,
            previewable=dialect in _TRANSACTIONAL_DDL,
        )

    def analyze_rollback(self, step: Step, dialect: str) -> Impact:
        return Impact(
            objects=(str(step.options["table"]),),
            destructive=True,
            reasons=(f"drops the counter table {step.options['table']}",),
            statements=2,
            previewable=dialect in _TRANSACTIONAL_DDL,
        )

    def apply(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
        table, label = step.options["table"], step.options["label"]
        yield from _run(ctx, [
            f"CREATE TABLE {table} (label VARCHAR(50) PRIMARY KEY, n INTEGER NOT NULL)",
            f"INSERT INTO {table} (label, n) VALUES ('{label}', 1)",
        ])  # fmt: skip

    def rollback(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
        table, label = step.options["table"], step.options["label"]
        yield from _run(
            ctx, [f"DELETE FROM {table} WHERE label = '{label}'", f"DROP TABLE {table}"]
        )

    def verify(self, step: Step, ctx: StepContext) -> list[Finding]:
        table, label = step.options["table"], step.options["label"]
        row = ctx.execute(f"SELECT COUNT(*) FROM {table} WHERE label = '{label}'").first()
        if row is None or row[0] != 1:
            return [Finding("error", "counter", f"{table} has no row {label!r}")]
        return []


def _run(ctx: StepContext, statements: list[str]) -> Iterator[Checkpoint]:
    for number, sql in enumerate(statements[ctx.start_position :], ctx.start_position + 1):
        ctx.execute(sql)
        yield Checkpoint(position=number, total=len(statements))


_CONTRACT: type[Kind] = CounterKind  # mypy checks the kind against the protocol
