"""The pre-pass of the SQLAlchemy recipe: what each name of a module is bound to, and which
classes it defines, as plain JSON so it crosses process boundaries.

A binding is described, not evaluated: `conn = engine.connect()` is stored as
`{"app.db.f.<locals>.conn": [["call", ["name", ["app.db.engine.connect"]]]]}`. kinds.py
evaluates the descriptions of every module together, so an engine made in one module and
connected to in another is still known to be an engine.

    facts = SqlaFacts().collect(tree, "app/db.py", "app.db")
    # {"bindings": {"app.db.engine": [["call", ["name", ["sqlalchemy.create_engine"]]]]},
    #  "classes": {"app.db.User": {"bases": ["app.db.Base"], "attrs": {"addresses": "str:Address"}}}}
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

KEY = "sqla"

Desc = list[
    Any
]  # ["name", [fqn]] | ["call", Desc] | ["attr", Desc, attr] | ["ann", [fqn]] | ["str"]
OTHER: Desc = ["other"]  # a value that is none of SQLAlchemy's objects as far as it can tell
Lookup = Callable[[Any], Collection[Any]]  # node -> its QualifiedNames

RELATIONSHIP = frozenset(
    {
        "sqlalchemy.orm.relationship",
        "sqlalchemy.orm.relation",
        "sqlalchemy.orm.relationships.relationship",
    }
)


def fqns(lookup: Lookup, node: Any) -> list[str]:
    return sorted(q.name for q in lookup(node))


def describe(node: Any, lookup: Lookup) -> Desc | None:
    """How an expression is built from names: enough to tell what SQLAlchemy object it is."""
    import libcst as cst

    if isinstance(node, cst.Name | cst.Attribute):
        base: cst.BaseExpression = node
        while isinstance(base, cst.Attribute):
            base = base.value
        # LibCST names `f().x` "f.x": trust a qualified name only for a plain dotted name
        names = fqns(lookup, node) if isinstance(base, cst.Name) else []
        if names:
            return ["name", names]
        if isinstance(node, cst.Attribute):
            inner = describe(node.value, lookup)
            return ["attr", inner, node.attr.value] if inner else None
        return None
    if isinstance(node, cst.Call):
        func = describe(node.func, lookup)
        return ["call", func] if func else None
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString | cst.FormattedString):
        return ["str"]  # SQL kept in a variable
    if isinstance(node, cst.Await):
        return describe(node.expression, lookup)
    return None


def annotation(node: Any, lookup: Lookup) -> Desc | None:
    """`conn: Connection` (or `Optional[Connection]`, `Connection | None`) as a description."""
    import libcst as cst

    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        inner = node.slice[0].slice
        if isinstance(inner, cst.Index):
            return annotation(inner.value, lookup)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        if isinstance(node.right, cst.Name) and node.right.value == "None":
            return annotation(node.left, lookup)
    if isinstance(node, cst.Name | cst.Attribute):
        names = fqns(lookup, node)
        return ["ann", names] if names else None
    return None


def relationship_target(call: Any, lookup: Lookup) -> str:
    """`relationship("Address")` -> "str:Address"; `relationship(Address)` -> "fqn:app.m.Address"."""
    import libcst as cst

    if not call.args or call.args[0].keyword is not None:
        return "rel:"
    first = call.args[0].value
    if isinstance(first, cst.SimpleString):
        return "str:" + str(first.evaluated_value)
    names = fqns(lookup, first) if isinstance(first, cst.Name | cst.Attribute) else []
    return "fqn:" + names[0] if len(names) == 1 else "rel:"


class SqlaFacts:
    key = KEY

    def collect(self, tree: Any, path: str, module: str) -> dict[str, Any]:
        import libcst as cst
        from libcst.helpers.module import ModuleNameAndPackage
        from libcst.metadata import FullyQualifiedNameProvider, MetadataWrapper

        package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
        wrapper = MetadataWrapper(
            tree, cache={FullyQualifiedNameProvider: ModuleNameAndPackage(module, package)}
        )
        resolved = wrapper.resolve(FullyQualifiedNameProvider)

        def lookup(node: Any) -> Collection[Any]:
            return resolved.get(node, set())

        bindings: dict[str, list[Desc]] = {}
        classes: dict[str, dict[str, Any]] = {}

        def bind(target: Any, desc: Desc | None) -> None:
            if desc is not None and isinstance(target, cst.Name):
                for name in fqns(lookup, target):
                    bindings.setdefault(name, []).append(desc)

        class Visitor(cst.CSTVisitor):
            # a value it cannot describe is still a binding ("other"): a name bound to an
            # engine here and to a list there is neither
            def visit_Assign(self, node: cst.Assign) -> None:
                for target in node.targets:
                    bind(target.target, describe(node.value, lookup) or OTHER)

            def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
                bind(node.target, annotation(node.annotation.annotation, lookup))
                if node.value is not None:
                    bind(node.target, describe(node.value, lookup) or OTHER)

            def visit_WithItem(self, node: cst.WithItem) -> None:
                if node.asname is not None:
                    bind(node.asname.name, describe(node.item, lookup) or OTHER)

            def visit_Param(self, node: cst.Param) -> None:
                if node.annotation is not None:
                    bind(node.name, annotation(node.annotation.annotation, lookup))

            def visit_ClassDef(self, node: cst.ClassDef) -> None:
                bases: list[str] = []
                for arg in node.bases:
                    value = arg.value.value if isinstance(arg.value, cst.Subscript) else arg.value
                    bases.extend(fqns(lookup, value))
                attrs: dict[str, str] = {}
                body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
                for line in body:
                    if not isinstance(line, cst.SimpleStatementLine):
                        continue
                    for small in line.body:
                        target, value = _assigned(small)
                        if target is None:
                            continue
                        is_rel = isinstance(value, cst.Call) and RELATIONSHIP & set(
                            fqns(lookup, value.func)
                        )
                        attrs[target] = relationship_target(value, lookup) if is_rel else ""
                for name in fqns(lookup, node):
                    classes[name] = {"bases": bases, "attrs": attrs}

        wrapper.visit(Visitor())
        return {"bindings": bindings, "classes": classes}


def _assigned(small: Any) -> tuple[str | None, Any]:
    import libcst as cst

    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target = small.targets[0].target
        if isinstance(target, cst.Name):
            return target.value, small.value
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
        return small.target.value, small.value
    return None, None
