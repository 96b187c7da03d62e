"""SA009 (opt-in): `Column(...)` in a declarative class -> a `Mapped[...]` annotation and
`mapped_column(...)` (2.0's typed declarative; the arguments stay as they are).

    id = Column(Integer, primary_key=True)   -> id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name = Column(String(50))                -> name: Mapped[Optional[str]] = mapped_column(String(50))
    email = Column(String, nullable=False)   -> email: Mapped[str] = mapped_column(String, nullable=False)

Nullability follows Column's own default (nullable unless primary_key=True or nullable=False);
`X | None` is written instead of Optional[X] with the option python >= 3.10. A column whose type
it cannot map to a Python type (ForeignKey only, a custom type, nullable=<expression>) is flagged
and left as it is; so is every Column outside a class the pre-pass knows is mapped.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from gitmigrate.codemods.recipes.sqlalchemy2.command import SqlaCommand, string_value

COLUMNS = frozenset(
    {"sqlalchemy.Column", "sqlalchemy.schema.Column", "sqlalchemy.sql.schema.Column"}
)
PYTHON: dict[str, tuple[str, str | None]] = {  # sqlalchemy type -> (annotation, module to import)
    **dict.fromkeys(
        ["Integer", "BigInteger", "SmallInteger", "INTEGER", "BIGINT", "SMALLINT"], ("int", None)
    ),
    **dict.fromkeys(
        ["String", "Text", "Unicode", "UnicodeText", "VARCHAR", "CHAR", "TEXT", "NVARCHAR"],
        ("str", None),
    ),
    **dict.fromkeys(["Boolean", "BOOLEAN"], ("bool", None)),
    **dict.fromkeys(["Float", "REAL", "FLOAT", "Double"], ("float", None)),
    **dict.fromkeys(["Numeric", "NUMERIC", "DECIMAL"], ("decimal.Decimal", "decimal")),
    **dict.fromkeys(["DateTime", "DATETIME", "TIMESTAMP"], ("datetime.datetime", "datetime")),
    **dict.fromkeys(["Date", "DATE"], ("datetime.date", "datetime")),
    **dict.fromkeys(["Time", "TIME"], ("datetime.time", "datetime")),
    **dict.fromkeys(["Interval"], ("datetime.timedelta", "datetime")),
    **dict.fromkeys(["LargeBinary", "BLOB"], ("bytes", None)),
    **dict.fromkeys(["Uuid", "UUID"], ("uuid.UUID", "uuid")),
}


def _literal(value: cst.BaseExpression) -> bool | None:
    if isinstance(value, cst.Name) and value.value in ("True", "False"):
        return value.value == "True"
    return None


class MappedColumn(SqlaCommand):
    DESCRIPTION = "Column(...) -> Mapped[...] = mapped_column(...)"
    RULE = "SA009"
    TRIGGERS = ("Column",)

    def __init__(self, context: cst.codemod.CodemodContext) -> None:
        super().__init__(context)
        self._mapped: list[bool] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._mapped.append(any(self.kinds.is_mapped(n) for n in self.names(node)))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._mapped.append(False)

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        self._mapped.pop()
        return updated_node

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        self._mapped.pop()
        return updated_node

    def _new_style(self) -> bool:
        python = str(self.fctx.options.get("python", "3.8"))
        major, _, minor = python.partition(".")
        return (int(major), int(minor or 0)) >= (3, 10)

    def _type_of(self, call: cst.Call) -> tuple[str, str | None] | None:
        positional = [a.value for a in call.args if a.keyword is None and not a.star]
        if positional and string_value(positional[0]) is not None:
            positional = positional[1:]
        if not positional:
            return None
        kind = positional[0].func if isinstance(positional[0], cst.Call) else positional[0]
        for name in self.names(kind):
            if name.startswith("sqlalchemy.") and name.rpartition(".")[2] in PYTHON:
                return PYTHON[name.rpartition(".")[2]]
        return None

    def leave_Assign(
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> cst.Assign | cst.AnnAssign:
        if not self._mapped or not self._mapped[-1] or len(original_node.targets) != 1:
            return updated_node
        call = original_node.value
        target = original_node.targets[0].target
        if not (isinstance(call, cst.Call) and self.names(call.func) & COLUMNS):
            return updated_node
        if not isinstance(target, cst.Name):
            return updated_node
        python = self._type_of(call)
        keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
        primary = _literal(keywords["primary_key"]) if "primary_key" in keywords else False
        nullable = _literal(keywords["nullable"]) if "nullable" in keywords else not primary
        if python is None or nullable is None or primary is None:
            self.flag(
                original_node,
                f"{target.value} = Column(...): its Python type is not known here; write `{target.value}: Mapped[<type>] = mapped_column(...)` by hand",
            )
            return updated_node
        annotation, module = python
        if module is not None:
            AddImportsVisitor.add_needed_import(self.context, module)
        if nullable and self._new_style():
            inner = f"{annotation} | None"
        elif nullable:
            AddImportsVisitor.add_needed_import(self.context, "typing", "Optional")
            inner = f"Optional[{annotation}]"
        else:
            inner = annotation
        AddImportsVisitor.add_needed_import(self.context, "sqlalchemy.orm", "Mapped")
        AddImportsVisitor.add_needed_import(self.context, "sqlalchemy.orm", "mapped_column")
        RemoveImportsVisitor.remove_unused_import_by_node(self.context, call.func)
        self.rewrite(
            original_node,
            f"{target.value} = Column(...) -> {target.value}: Mapped[{inner}] = mapped_column(...)",
        )
        assert isinstance(updated_node.value, cst.Call)
        return cst.AnnAssign(
            target=updated_node.targets[0].target,
            annotation=cst.Annotation(cst.parse_expression(f"Mapped[{inner}]")),
            value=updated_node.value.with_changes(func=cst.Name("mapped_column")),
        )
