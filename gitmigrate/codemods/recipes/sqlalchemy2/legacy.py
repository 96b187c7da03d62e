"""SA006-SA008: what 2.0 removed with no one-line replacement, flagged with the 2.0 pattern.

SA006 implicit execution: `engine.execute(...)`, `engine.scalar(...)`, `stmt.execute()` on a
statement, `metadata.bind.execute(...)`; SA007 bound metadata: `MetaData(bind=engine)`,
`MetaData(engine)`, `metadata.bind = engine`, `declarative_base(bind=...)`, `metadata.create_all()`
with no engine, `Table(..., autoload=True)` without autoload_with; SA008 library-level
autocommit: `Session(autocommit=True)`, `sessionmaker(autocommit=True)`,
`.execution_options(autocommit=True)`. A person picks the transaction boundaries.
"""

from __future__ import annotations

import libcst as cst

from gitmigrate.codemods.recipes.sqlalchemy2.command import SqlaCommand

ENGINE_EXECUTE = (
    "Engine.{m}() was removed in 2.0: use `with engine.connect() as conn: conn.{m}(stmt); "
    "conn.commit()` (or `with engine.begin() as conn:` to commit at the end)"
)
STMT_EXECUTE = (
    "implicit execution (statement.{m}()) was removed in 2.0: run it on a connection: "
    "`with engine.connect() as conn: conn.{m}(stmt)`"
)
BOUND = (
    "bound MetaData was removed in 2.0: create MetaData() without bind and pass the engine "
    "where it is used: metadata.create_all(engine), Session(engine), conn.execute(stmt)"
)
AUTOCOMMIT = (
    "autocommit=True was removed in 2.0: commit explicitly (session.commit() / "
    "`with Session(engine) as s, s.begin():`), or use engine.begin() for a block that commits"
)


class EngineExecute(SqlaCommand):
    DESCRIPTION = "flag Engine.execute() and implicit execution"
    RULE = "SA006"
    TRIGGERS = ("execute", "scalar")

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in ("execute", "scalar"):
            return
        kind = self.kind(func.value)
        method = func.attr.value
        if kind == "engine":
            self.flag(node, ENGINE_EXECUTE.format(m=method))
        elif kind == "select" or self.is_statement(func.value):
            self.flag(node, STMT_EXECUTE.format(m=method))


BIND_USERS = frozenset({"create_all", "drop_all", "reflect"})
TABLES = frozenset({"sqlalchemy.Table", "sqlalchemy.schema.Table", "sqlalchemy.sql.schema.Table"})


class BoundMetadata(SqlaCommand):
    DESCRIPTION = "flag bound MetaData"
    RULE = "SA007"
    TRIGGERS = (
        "MetaData",
        "bind",
        "create_all",
        "drop_all",
        "reflect",
        "autoload",
        "declarative_base",
    )

    def visit_Call(self, node: cst.Call) -> None:
        kind = self.kinds.of_name(next(iter(self.names(node.func)), ""))
        if kind == "fn:metadata":
            positional = [a for a in node.args if a.keyword is None and not a.star]
            if positional or any(a.keyword and a.keyword.value == "bind" for a in node.args):
                self.flag(node, BOUND)
        elif kind == "fn:base" and any(a.keyword and a.keyword.value == "bind" for a in node.args):
            self.flag(node, BOUND)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        """`metadata.create_all()` with no engine and `Table(..., autoload=True)` relied on
        bound metadata too."""
        func = original_node.func
        if isinstance(func, cst.Attribute) and func.attr.value in BIND_USERS:
            if not original_node.args and self.kind(func.value) == "metadata":
                self.flag(
                    original_node,
                    f"metadata.{func.attr.value}() without an engine relied on bound MetaData: pass it, metadata.{func.attr.value}(engine)",
                )
        elif self.names(func) & TABLES and any(
            a.keyword is not None and a.keyword.value == "autoload" for a in original_node.args
        ):
            if not any(
                a.keyword is not None and a.keyword.value == "autoload_with"
                for a in original_node.args
            ):
                self.flag(
                    original_node,
                    "Table(..., autoload=True) was removed in 2.0: Table(..., autoload_with=engine)",
                )
        return updated_node

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            t = target.target
            if isinstance(t, cst.Attribute) and t.attr.value == "bind":
                if self.kind(t.value) == "metadata":
                    self.flag(node, BOUND)


class Autocommit(SqlaCommand):
    DESCRIPTION = "flag autocommit=True"
    RULE = "SA008"
    TRIGGERS = ("autocommit",)

    def visit_Call(self, node: cst.Call) -> None:
        if not any(
            a.keyword is not None
            and a.keyword.value == "autocommit"
            and not (isinstance(a.value, cst.Name) and a.value.value == "False")
            for a in node.args
        ):
            return
        func = node.func
        kinds = {self.kinds.of_name(n) for n in self.names(func)}
        if kinds & {"fn:session", "fn:sessionmaker", "fn:scoped"}:
            self.flag(node, AUTOCOMMIT)
        elif isinstance(func, cst.Attribute) and func.attr.value == "execution_options":
            if self.kind(func.value) in ("engine", "connection", "session", "select", "query"):
                self.flag(node, AUTOCOMMIT)
            elif self.is_statement(func.value):
                self.flag(node, AUTOCOMMIT)
