"""SA001: the legacy `select([columns], whereclause, **kw)` and `case([whens])` calling forms.

2.0 takes columns positionally and builds the rest generatively (migration guide: "select() no
longer accepts varied constructor arguments, columns are passed positionally"):

    select([t.c.x, t.c.y])                  -> select(t.c.x, t.c.y)
    select([t], t.c.id == 5, order_by=[t.c.x]) -> select(t).where(t.c.id == 5).order_by(t.c.x)
    case([(t.c.x == 5, "five")], else_="n") -> case((t.c.x == 5, "five"), else_="n")

A keyword it has no generative method for (correlate=, use_labels=, bind= ...) is flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import libcst as cst

from gitmigrate.codemods.recipes.sqlalchemy2.command import SqlaCommand

SELECTS = frozenset(
    "sqlalchemy.select sqlalchemy.sql.select sqlalchemy.sql.expression.select".split()
)
CASES = frozenset("sqlalchemy.case sqlalchemy.sql.case sqlalchemy.sql.expression.case".split())
# legacy select()'s positional parameters after the columns, in order
POSITIONAL = ("whereclause", "from_obj", "distinct", "having")
# keyword -> the generative method; True: its value is a list to spread
METHODS = {
    "whereclause": ("where", False),
    "from_obj": ("select_from", True),
    "order_by": ("order_by", True),
    "group_by": ("group_by", True),
    "having": ("having", False),
    "limit": ("limit", False),
    "offset": ("offset", False),
    "distinct": ("distinct", False),
}


def _dedent(
    ws: cst.BaseParenthesizableWhitespace, amount: int
) -> cst.BaseParenthesizableWhitespace:
    if amount > 0 and isinstance(ws, cst.ParenthesizedWhitespace):
        last = ws.last_line.value
        return ws.with_changes(
            last_line=cst.SimpleWhitespace(last[min(amount, len(last) - len(last.lstrip(" "))) :])
        )
    return ws


def _keep_comment(
    ws: cst.BaseParenthesizableWhitespace, closing: cst.BaseParenthesizableWhitespace
) -> cst.BaseParenthesizableWhitespace:
    """ws, with the comment that ended the list's last line (`b,  # why` before `]`)."""
    if (
        isinstance(closing, cst.ParenthesizedWhitespace)
        and closing.first_line.comment is not None
        and isinstance(ws, cst.ParenthesizedWhitespace)
    ):
        return ws.with_changes(first_line=closing.first_line, empty_lines=closing.empty_lines)
    return ws


def spread(
    items: cst.List, last_comma: cst.Comma | cst.MaybeSentinel, amount: int = 0
) -> list[cst.Arg]:
    """A list's elements as positional arguments, their commas and comments kept (lines that
    were inside the brackets move left by `amount` columns)."""
    args = []
    for element in items.elements:
        comma = element.comma
        if isinstance(comma, cst.Comma):
            comma = comma.with_changes(whitespace_after=_dedent(comma.whitespace_after, amount))
        star: Literal["", "*"] = "*" if isinstance(element, cst.StarredElement) else ""
        args.append(cst.Arg(element.value, star=star, comma=comma))
    own = args[-1].comma if args else None
    keeps_line = isinstance(own, cst.Comma) and isinstance(
        own.whitespace_after, cst.ParenthesizedWhitespace
    )  # "a,  # comment" on its own line: that comma stays, its comment with it
    if args and isinstance(last_comma, cst.Comma) and not keeps_line:
        args[-1] = args[-1].with_changes(comma=last_comma)
    return args


def spread_call(
    call: cst.Call, items: cst.List, arg: cst.Arg, rest: Sequence[cst.Arg] = ()
) -> cst.Call:
    """`f([a, b], *rest)` -> `f(a, b, *rest)`, the list's layout moved to the call's parentheses."""
    before, inner = call.whitespace_before_args, items.lbracket.whitespace_after
    amount = 0
    if isinstance(before, cst.ParenthesizedWhitespace) and isinstance(
        inner, cst.ParenthesizedWhitespace
    ):
        amount = len(inner.last_line.value) - len(before.last_line.value)
    elif not (isinstance(before, cst.SimpleWhitespace) and before.value):
        before = inner
    args = spread(items, arg.comma, amount)
    if not args:
        return call
    closing = items.rbracket.whitespace_before  # the comment of the last line, if any
    if rest:
        comma = args[-1].comma
        if isinstance(comma, cst.Comma):
            comma = comma.with_changes(
                whitespace_after=_keep_comment(comma.whitespace_after, closing)
            )
            args[-1] = args[-1].with_changes(comma=comma)
        return call.with_changes(whitespace_before_args=before, args=[*args, *rest])
    after = arg.whitespace_after_arg
    if isinstance(after, cst.SimpleWhitespace) and not after.value:
        after = closing
    args[-1] = args[-1].with_changes(whitespace_after_arg=_keep_comment(after, closing))
    return call.with_changes(whitespace_before_args=before, args=args)


def method_args(value: cst.BaseExpression, spreads: bool) -> list[cst.Arg]:
    if spreads and isinstance(value, cst.List):
        return spread(value, cst.MaybeSentinel.DEFAULT)
    if spreads and isinstance(value, cst.Tuple):
        return [cst.Arg(e.value, comma=e.comma) for e in value.elements]
    return [cst.Arg(value)]


class SelectList(SqlaCommand):
    DESCRIPTION = "select([a, b]) -> select(a, b); case([...]) -> case(...)"
    RULE = "SA001"
    TRIGGERS = ("select", "case")

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        names = self.names(original_node.func)
        if names & CASES:
            return self._case(original_node, updated_node)
        if not names & SELECTS or not updated_node.args:
            return updated_node
        first = updated_node.args[0]
        if first.keyword is not None and first.keyword.value == "columns":
            first = first.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)
        if first.keyword is not None or first.star or not isinstance(first.value, cst.List):
            return updated_node
        if not first.value.elements:
            self.flag(
                original_node,
                "select([]) with no columns: write select() and add columns with .add_columns()",
            )
            return updated_node
        chain: list[tuple[str, list[cst.Arg]]] = []
        for i, arg in enumerate(updated_node.args[1:]):
            if arg.star or (arg.keyword is None and i >= len(POSITIONAL)):
                return self._unknown(original_node, "*args")
            key = arg.keyword.value if arg.keyword is not None else POSITIONAL[i]
            if key not in METHODS:
                return self._unknown(original_node, f"{key}=")
            method, spreads = METHODS[key]
            if key == "distinct":
                if not (isinstance(arg.value, cst.Name) and arg.value.value in ("True", "False")):
                    return self._unknown(original_node, "distinct=<expression>")
                if arg.value.value == "True":
                    chain.append((method, []))
                continue
            chain.append((method, method_args(arg.value, spreads)))
        columns = first.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        new: cst.BaseExpression = spread_call(updated_node, first.value, columns)
        for method, args in chain:
            new = cst.Call(func=cst.Attribute(new, cst.Name(method)), args=args)
        self.rewrite(
            original_node, "select([...]) -> select(...)" + "".join(f".{m}()" for m, _ in chain)
        )
        return new

    def _unknown(self, node: cst.Call, what: str) -> cst.Call:
        self.flag(
            node,
            f"legacy select([...], {what}): pass the columns positionally and use the generative methods (.where(), .select_from(), .order_by() ...)",
        )
        return node

    def _case(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        first = updated.args[0] if updated.args else None
        if first is None or first.keyword is not None or not isinstance(first.value, cst.List):
            return updated
        rest = list(updated.args[1:])
        self.rewrite(original, "case([...]) -> case(...): whens passed positionally")
        return spread_call(updated, first.value, first, rest)
