"""SA004: `Base = declarative_base()` -> `class Base(DeclarativeBase): pass` (sqlalchemy.orm).

    Base = declarative_base(metadata=md)   -> class Base(DeclarativeBase):
                                                  metadata = md
    Base = declarative_base(cls=Mixin)     -> class Base(Mixin, DeclarativeBase):
                                                  pass

Other arguments (name=, constructor=, class_registry=, mapper=, metaclass=, bind=) have no
direct DeclarativeBase spelling: flagged. So is a declarative_base() not assigned to one name.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from gitmigrate.codemods.recipes.sqlalchemy2.command import SqlaCommand

PATTERN = (
    "declarative_base() is legacy in 2.0: `class Base(DeclarativeBase): pass` (sqlalchemy.orm)"
)


class DeclarativeBaseClass(SqlaCommand):
    DESCRIPTION = "declarative_base() -> class Base(DeclarativeBase)"
    RULE = "SA004"
    TRIGGERS = ("declarative_base",)

    def _is_factory(self, node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Call) and any(
            self.kinds.of_name(n) == "fn:base" for n in self.names(node.func)
        )

    def visit_Call(self, node: cst.Call) -> None:
        if self._is_factory(node) and node not in self._handled:
            self.flag(node, PATTERN + " (not assigned to a single name: rewrite by hand)")

    def __init__(self, context: cst.codemod.CodemodContext) -> None:
        super().__init__(context)
        self._handled: set[cst.CSTNode] = set()
        self._made: set[cst.CSTNode] = set()

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        if len(node.body) == 1 and isinstance(node.body[0], cst.Assign):
            assign = node.body[0]
            if len(assign.targets) == 1 and self._is_factory(assign.value):
                self._handled.add(assign.value)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.SimpleStatementLine:
        if len(original_node.body) != 1 or not isinstance(original_node.body[0], cst.Assign):
            return updated_node
        assign = original_node.body[0]
        call = assign.value
        if not (len(assign.targets) == 1 and self._is_factory(call)):
            return updated_node
        assert isinstance(call, cst.Call)
        target = assign.targets[0].target
        if not isinstance(target, cst.Name):
            self.flag(call, PATTERN)
            return updated_node
        bases: list[cst.Arg] = []
        body: list[cst.BaseStatement] = []
        for arg in call.args:
            key = arg.keyword.value if arg.keyword is not None else None
            if key == "metadata":
                body.append(
                    cst.SimpleStatementLine(
                        [cst.Assign([cst.AssignTarget(cst.Name("metadata"))], arg.value)]
                    )
                )
            elif key == "cls":
                bases.append(cst.Arg(arg.value))
            else:
                self.flag(
                    call,
                    PATTERN
                    + f": {key or 'a positional argument'}= has no DeclarativeBase spelling; move it by hand",
                )
                return updated_node
        bases.append(cst.Arg(cst.Name("DeclarativeBase")))
        bases = [
            b.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            for b in bases[:-1]
        ] + bases[-1:]
        AddImportsVisitor.add_needed_import(self.context, "sqlalchemy.orm", "DeclarativeBase")
        RemoveImportsVisitor.remove_unused_import_by_node(self.context, call.func)
        self.rewrite(
            call, f"{target.value} = declarative_base() -> class {target.value}(DeclarativeBase)"
        )
        made = cst.ClassDef(
            name=target,
            bases=bases,
            body=cst.IndentedBlock(
                body or [cst.SimpleStatementLine([cst.Pass()])],
                header=updated_node.trailing_whitespace,
            ),
            leading_lines=updated_node.leading_lines,
        )
        self._made.add(made)
        return made

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        """Two blank lines around a class made at module level, as around any other class."""
        body: list[cst.BaseStatement] = list(updated_node.body)
        for i, statement in enumerate(body):
            if statement not in self._made:
                continue
            if i > 0:
                body[i] = _blank_lines_before(body[i])
            if i + 1 < len(body):
                body[i + 1] = _blank_lines_before(body[i + 1])
        return updated_node.with_changes(body=body)


def _blank_lines_before(statement: cst.BaseStatement, wanted: int = 2) -> cst.BaseStatement:
    lines = list(getattr(statement, "leading_lines", ()))
    blank = 0
    while blank < len(lines) and lines[blank].comment is None:
        blank += 1
    if blank >= wanted:
        return statement
    return statement.with_changes(leading_lines=[cst.EmptyLine()] * (wanted - blank) + lines)
