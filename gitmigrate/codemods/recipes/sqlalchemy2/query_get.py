"""SA002: `Query.get()` moved to the Session (migration guide: "get() method moves to Session").

    session.query(User).get(5)                      -> session.get(User, 5)
    db.session.query(User).options(o).get(5)        -> db.session.get(User, 5, options=[o])

Rewritten only when User resolves to a mapped class of the project (so `.get()` on a dict, a
requests session or anything else is never touched). A Query held in a variable, a filtered
query, or Flask-SQLAlchemy's `User.query.get(5)` is flagged with the pattern to use.
"""

from __future__ import annotations

import libcst as cst

from gitmigrate.codemods.recipes.sqlalchemy2.command import SqlaCommand, code

PATTERN = "Query.get() is legacy in 2.0: use session.get(Model, id)"


def query_root(node: cst.BaseExpression) -> tuple[cst.Call | None, list[cst.Call]]:
    """`s.query(M).options(a).options(b)` -> (the `.query(M)` call, [the .options calls])."""
    between: list[cst.Call] = []
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        if node.func.attr.value == "query":
            return node, between
        between.append(node)
        node = node.func.value
    return None, between


class QueryGet(SqlaCommand):
    DESCRIPTION = "session.query(Model).get(id) -> session.get(Model, id)"
    RULE = "SA002"
    TRIGGERS = ("query", "Query")

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "get":
            return updated_node
        receiver = func.value
        root, between = query_root(receiver)
        if root is None:
            if self.kind(receiver) == "query":
                self.flag(original_node, PATTERN + f" (the Query here is {code(receiver)!r})")
            return updated_node
        assert isinstance(root.func, cst.Attribute)
        entity = root.args[0].value if len(root.args) == 1 else None
        if entity is None or root.args[0].keyword or not self.is_mapped(entity):
            if self.kind(root.func.value) in ("session", "scoped"):
                self.flag(
                    original_node,
                    PATTERN + ": the queried entity is not a mapped class it can resolve",
                )
            return updated_node
        if any(not self._options(call) for call in between):
            self.flag(
                original_node,
                PATTERN + ": this query has criteria that session.get() does not take",
            )
            return updated_node
        args = [a for a in original_node.args]
        if len(args) != 1 or args[0].keyword is not None or args[0].star:
            self.flag(original_node, PATTERN)
            return updated_node
        new_args = [
            cst.Arg(entity, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
            updated_node.args[0],
        ]
        options = [a for call in reversed(between) for a in call.args]
        if options:
            elements = [cst.Element(a.value) for a in options]
            new_args[-1] = new_args[-1].with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            )
            new_args.append(
                cst.Arg(
                    cst.List(elements),
                    keyword=cst.Name("options"),
                    equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
                )
            )
        self.rewrite(original_node, f"{code(root)}.get() -> Session.get({code(entity)}, ...)")
        session = root.func.value
        return updated_node.with_changes(
            func=cst.Attribute(session, cst.Name("get")), args=new_args
        )

    @staticmethod
    def _options(call: cst.Call) -> bool:
        return (
            isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "options"
            and all(a.keyword is None and not a.star for a in call.args)
        )
