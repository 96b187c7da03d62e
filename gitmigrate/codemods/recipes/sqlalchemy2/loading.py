"""SA005: attribute names given as strings to joins and loader options, which 2.0 removed
(migration guide: "Joining / loading on relationships uses attributes, not strings").

    session.query(User).options(joinedload("addresses"))  -> ...options(joinedload(User.addresses))
    select(User).options(load_only("name", "email"))      -> ...load_only(User.name, User.email))
    session.query(User).join("addresses")                  -> ...join(User.addresses)
    Load(User).selectinload("orders")                      -> Load(User).selectinload(User.orders)

Rewritten when the query's one entity is a mapped class the pre-pass knows and the name is one
of its attributes. A dotted path ("orders.items"), a chained option's string, a join after
another join, `with_parent(obj, "name")` or a string the entity does not have is flagged.
The wildcard "*" stays a string (2.0 keeps it).
"""

from __future__ import annotations

import libcst as cst

from gitmigrate.codemods.recipes.sqlalchemy2.command import SqlaCommand, code, string_value
from gitmigrate.codemods.recipes.sqlalchemy2.select import SELECTS

LOADERS = frozenset(
    "joinedload selectinload subqueryload lazyload noload raiseload immediateload defer undefer"
    " load_only contains_eager defaultload".split()
)
LOADER_FQNS = frozenset(
    f"sqlalchemy.orm.{prefix}{name}" for name in LOADERS for prefix in ("", "strategy_options.")
)
LOAD = frozenset({"sqlalchemy.orm.Load", "sqlalchemy.orm.strategy_options.Load"})
PATTERN = "strings as attribute names were removed in 2.0: pass the attribute (User.addresses)"


def _has_string(call: cst.Call) -> bool:
    return any(string_value(a.value) not in (None, "*") for a in call.args)


class StringAttributes(SqlaCommand):
    DESCRIPTION = "joinedload('x') / join('x') -> joinedload(Model.x) / join(Model.x)"
    RULE = "SA005"
    TRIGGERS = ("options", "join", "outerjoin", "Load", "with_parent")

    def __init__(self, context: cst.codemod.CodemodContext) -> None:
        super().__init__(context)
        self._entity: dict[cst.Call, cst.BaseExpression] = {}  # loader call -> its entity
        self._seen: set[cst.Call] = set()

    def _root(self, node: cst.BaseExpression) -> tuple[cst.BaseExpression | None, list[str]]:
        """The one mapped entity of a `s.query(M)...` / `select(M)...` chain, and its methods."""
        methods: list[str] = []
        while isinstance(node, cst.Call):
            func = node.func
            is_select = bool(self.names(func) & SELECTS)
            is_query = isinstance(func, cst.Attribute) and func.attr.value == "query"
            if is_select or is_query:
                if len(node.args) == 1 and node.args[0].keyword is None:
                    entity = node.args[0].value
                    if self.is_mapped(entity):
                        return entity, methods
                return None, methods
            if not isinstance(func, cst.Attribute):
                return None, methods
            methods.append(func.attr.value)
            node = func.value
        return None, methods

    def _innermost_loader(self, node: cst.BaseExpression) -> cst.Call | None:
        while isinstance(node, cst.Call):
            if self.names(node.func) & LOADER_FQNS:
                return node
            if not isinstance(node.func, cst.Attribute):
                return None
            node = node.func.value
        return None

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "options":
            entity, _ = self._root(func.value)
            for arg in node.args:
                loader = self._innermost_loader(arg.value)
                if entity is not None and loader is not None:
                    self._entity[loader] = entity
        if isinstance(func, cst.Attribute) and func.attr.value in LOADERS:
            receiver = func.value
            if isinstance(receiver, cst.Call) and self.names(receiver.func) & LOAD:
                if len(receiver.args) == 1 and self.is_mapped(receiver.args[0].value):
                    self._entity[node] = receiver.args[0].value

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        names = self.names(func)
        if "sqlalchemy.orm.with_parent" in names and _has_string(original_node):
            self.flag(original_node, PATTERN + ": with_parent(obj, Model.relationship)")
            return updated_node
        loader_method = isinstance(func, cst.Attribute) and func.attr.value in LOADERS
        if isinstance(func, cst.Attribute) and func.attr.value in ("join", "outerjoin"):
            return self._join(original_node, updated_node)
        if not (names & LOADER_FQNS or loader_method) or not _has_string(original_node):
            return updated_node
        entity = self._entity.get(original_node)
        if entity is None:
            if names & LOADER_FQNS or original_node in self._entity or self._chained(func):
                self.flag(
                    original_node, PATTERN + ": the entity this option loads from is not known here"
                )
            return updated_node
        return self._attributes(original_node, updated_node, entity)

    def _chained(self, func: cst.BaseExpression) -> bool:
        """`joinedload("a").joinedload("b")`: a loader method on a loader option."""
        return isinstance(func, cst.Attribute) and self._innermost_loader(func.value) is not None

    def _attributes(
        self, original: cst.Call, updated: cst.Call, entity: cst.BaseExpression
    ) -> cst.BaseExpression:
        fqns = sorted(self.names(entity))
        known = self.kinds.attributes(fqns[0]) if len(fqns) == 1 else {}
        args = []
        for arg in updated.args:
            text = string_value(arg.value)
            if text is None or text == "*":
                args.append(arg)
                continue
            if "." in text or text not in known or arg.keyword is not None:
                self.flag(
                    original,
                    PATTERN + f": {text!r} is not an attribute of {code(entity)} it can resolve",
                )
                return updated
            args.append(arg.with_changes(value=cst.Attribute(entity.deep_clone(), cst.Name(text))))
        self.rewrite(original, f"string attribute names -> {code(entity)}.<attribute>")
        return updated.with_changes(args=args)

    def _join(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if not _has_string(original):
            return updated
        assert isinstance(original.func, cst.Attribute)
        entity, methods = self._root(original.func.value)
        if entity is None and self.kind(original.func.value) not in ("query", "select"):
            return updated  # a str.join or another library's join
        single = len(original.args) == 1 and original.args[0].keyword is None
        if entity is None or not single or {"join", "outerjoin"} & set(methods):
            self.flag(
                original, PATTERN + ": join(Model.relationship) from the entity the join starts at"
            )
            return updated
        return self._attributes(original, updated, entity)
