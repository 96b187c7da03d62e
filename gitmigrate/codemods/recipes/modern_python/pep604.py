"""PY002 (`Optional[X]` -> `X | None`) and PY003 (`Union[X, Y]` -> `X | Y`), PEP 604, Python
3.10. As pyupgrade: only inside annotations (a runtime `Alias = Optional[int]` stays), and not
when an argument is a string (`Optional["Node"]` would evaluate `"Node" | None`, a TypeError)
unless the module has `from __future__ import annotations`. A subscript over several lines
becomes a parenthesized union with its line breaks and comments where they were."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst.metadata import PositionProvider

from gitmigrate.codemods.recipes.modern_python.base import TypingCommand

_STRINGS = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)


class _Pep604(TypingCommand):
    NAME = ""

    def leave_Subscript(
        self, original_node: cst.Subscript, updated_node: cst.Subscript
    ) -> cst.BaseExpression:
        if self.typing_name(original_node.value) != self.NAME:
            return updated_node
        if not (self.in_annotation() and self.applies((3, 10), in_annotations_with_future=True)):
            return updated_node
        elements = updated_node.slice
        if not elements or any(
            not isinstance(e.slice, cst.Index) or e.slice.star is not None for e in elements
        ):
            return updated_node
        values = [e.slice.value for e in elements if isinstance(e.slice, cst.Index)]
        if not self.future_annotations and any(isinstance(v, _STRINGS) for v in values):
            return updated_node
        position = self.get_metadata(PositionProvider, original_node)
        multiline = position.start.line != position.end.line
        new = self.build(updated_node, values, multiline)
        if new is None:
            return updated_node
        self.rewritten(original_node, self.NAME, self.message(values))
        return new

    def build(
        self, node: cst.Subscript, values: Sequence[cst.BaseExpression], multiline: bool
    ) -> cst.BaseExpression | None:
        raise NotImplementedError

    def message(self, values: Sequence[cst.BaseExpression]) -> str:
        raise NotImplementedError


def _closing_space(node: cst.Subscript) -> cst.BaseParenthesizableWhitespace:
    """The whitespace before `]`, taking a trailing comma's (pyupgrade drops only the comma)."""
    comma = node.slice[-1].comma
    if isinstance(comma, cst.Comma) and not _empty(comma.whitespace_after):
        return comma.whitespace_after
    return node.rbracket.whitespace_before


def _empty(space: cst.BaseParenthesizableWhitespace) -> bool:
    return isinstance(space, cst.SimpleWhitespace) and not space.value


def _parenthesized(node: cst.Subscript, value: cst.BaseExpression) -> cst.BaseExpression:
    return value.with_changes(
        lpar=[cst.LeftParen(whitespace_after=node.lbracket.whitespace_after), *value.lpar],
        rpar=[*value.rpar, cst.RightParen(whitespace_before=_closing_space(node))],
    )


class OptionalToUnion(_Pep604):
    """Optional[X] -> X | None."""

    DESCRIPTION = "PEP 604: Optional[X] -> X | None"
    RULE = "PY002"
    NAME = "Optional"

    def build(
        self, node: cst.Subscript, values: Sequence[cst.BaseExpression], multiline: bool
    ) -> cst.BaseExpression | None:
        if len(values) != 1:
            return None
        if multiline:
            return cst.BinaryOperation(
                cst.Name("None"), cst.BitOr(), _parenthesized(node, values[0])
            )
        return cst.BinaryOperation(values[0], cst.BitOr(), cst.Name("None"))

    def message(self, values: Sequence[cst.BaseExpression]) -> str:
        return "Optional[X] -> X | None"


class UnionToBar(_Pep604):
    """Union[X, Y] -> X | Y."""

    DESCRIPTION = "PEP 604: Union[X, Y] -> X | Y"
    RULE = "PY003"
    NAME = "Union"

    def build(
        self, node: cst.Subscript, values: Sequence[cst.BaseExpression], multiline: bool
    ) -> cst.BaseExpression | None:
        result = values[0]
        for previous, value in zip(node.slice, values[1:], strict=False):
            comma = previous.comma
            assert isinstance(comma, cst.Comma)
            before = comma.whitespace_before
            bar = cst.BitOr(
                whitespace_before=cst.SimpleWhitespace(
                    (before.value if isinstance(before, cst.SimpleWhitespace) else "") + " "
                ),
                whitespace_after=comma.whitespace_after,
            )
            result = cst.BinaryOperation(result, bar, value)
        return _parenthesized(node, result) if multiline else result

    def message(self, values: Sequence[cst.BaseExpression]) -> str:
        return "Union[...] -> X | Y" if len(values) > 1 else "Union[X] -> X"
