"""SA003: a plain SQL string passed to `execute` is wrapped in `text()` (2.0 executes only
statement objects: "Connection.execute() no longer accepts a plain string").

    conn.execute("DELETE FROM t")                       -> conn.execute(text("DELETE FROM t"))
    session.execute("SELECT * FROM t WHERE id = :id", {"id": 1})
                                                        -> session.execute(text("..."), {"id": 1})

A name bound only to string literals is flagged (its SQL is not seen here). Only on an
Engine, Connection or Session the pre-pass can prove (a sqlite3 cursor's `execute`
is left alone). A string with DBAPI placeholders (`?`, `%s`, `%(x)s`) is driver-level SQL: on a
Connection it becomes `exec_driver_sql(...)`, elsewhere it is flagged, as are f-strings and
keyword parameters.
"""

from __future__ import annotations

import re

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import QualifiedName, QualifiedNameSource, ScopeProvider

from gitmigrate.codemods.recipes.sqlalchemy2.command import SqlaCommand, code, string_value

EXECUTORS = frozenset({"engine", "connection", "session", "scoped"})
METHODS = frozenset({"execute", "scalar", "scalars"})
DBAPI = re.compile(r"\?|%\(\w+\)s|%s")
BIND = re.compile(r"(?<![:\w\\]):\w+(?!:)")  # text()'s own bind parameter syntax


class WrapText(SqlaCommand):
    DESCRIPTION = "string SQL in execute() -> text()"
    RULE = "SA003"
    TRIGGERS = ("execute", "scalar", "scalars")
    METADATA_DEPENDENCIES = (*SqlaCommand.METADATA_DEPENDENCIES, ScopeProvider)

    def _text(self, node: cst.Call) -> cst.BaseExpression:
        """`text`, imported from sqlalchemy; `sqlalchemy.text` where the file's own `text`
        (a parameter, a variable) would be called instead."""
        scope = self.get_metadata(ScopeProvider, node, None)
        if scope is not None and "text" in scope:
            own = set(scope.get_qualified_names_for("text"))
            if own - {QualifiedName("sqlalchemy.text", QualifiedNameSource.IMPORT)}:
                AddImportsVisitor.add_needed_import(self.context, "sqlalchemy")
                return cst.Attribute(cst.Name("sqlalchemy"), cst.Name("text"))
        AddImportsVisitor.add_needed_import(self.context, "sqlalchemy", "text")
        return cst.Name("text")

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in METHODS:
            return updated_node
        if not original_node.args or original_node.args[0].keyword is not None:
            return updated_node
        first = original_node.args[0].value
        literal = isinstance(first, cst.SimpleString | cst.ConcatenatedString | cst.FormattedString)
        if not literal and not isinstance(first, cst.Name):
            return updated_node
        kind = self.kind(func.value)
        if kind not in EXECUTORS:
            return updated_node
        if not literal:
            if self.kind(first) == "str":
                self.flag(
                    original_node,
                    f"the SQL string in {code(first)!r} is executed as it is: wrap it in text() (with :name parameters) where it is defined or here",
                )
            return updated_node
        sql = string_value(first)
        rest = original_node.args[1:]
        if sql is None:
            self.flag(
                original_node,
                "SQL built with an f-string: use text() with bound parameters (:name) and pass the values",
            )
            return updated_node
        if any(arg.keyword is not None or arg.star for arg in rest):
            self.flag(
                original_node,
                "execute(sql, **params): 2.0 takes one dict of parameters: execute(text(sql), {...})",
            )
            return updated_node
        if DBAPI.search(sql):
            if kind == "connection" and func.attr.value == "execute":
                self.rewrite(
                    original_node, "driver-level SQL string -> Connection.exec_driver_sql()"
                )
                return updated_node.with_changes(
                    func=updated_node.func.with_changes(attr=cst.Name("exec_driver_sql"))
                )
            self.flag(
                original_node,
                "SQL string with DBAPI placeholders: use text() with :name parameters, or conn.exec_driver_sql()",
            )
            return updated_node
        if BIND.search(sql) and not rest:
            self.flag(
                original_node,
                "SQL string with ':name' but no parameters: text() would read it as a bind parameter; escape it as '\\:' and wrap it in text()",
            )
            return updated_node
        self.rewrite(original_node, f"string SQL in {func.attr.value}() -> text()")
        wrapped = cst.Call(
            func=self._text(original_node), args=[cst.Arg(updated_node.args[0].value)]
        )
        args = [updated_node.args[0].with_changes(value=wrapped), *updated_node.args[1:]]
        return updated_node.with_changes(args=args)
