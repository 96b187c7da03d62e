"""PY006: string annotations unquoted where annotations are never evaluated at definition time
(`from __future__ import annotations`, PEP 563; or a target of 3.14+, PEP 649), as pyupgrade:
`def parent(self) -> "Node":` -> `def parent(self) -> Node:`. Strings inside `Literal[...]`,
the metadata of `Annotated[...]` and call arguments stay (they are values, not types); so does
a string whose text is not one expression on one line."""

from __future__ import annotations

from typing import Any

import libcst as cst

from gitmigrate.codemods.recipes.modern_python.base import TypingCommand

_VALUES = {"Literal", "Annotated"}


class UnquoteAnnotations(TypingCommand):
    DESCRIPTION = "PEP 563: string annotations unquoted"
    RULE = "PY006"
    NEEDS = ('"', "'")  # a string annotation has quotes (typing or not)

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self.values = 0  # depth inside a Literal, Annotated metadata or a call
        self.annotated: list[tuple[cst.SubscriptElement, ...]] = []  # open Annotated[...]
        self.concatenated = 0  # depth inside "a" "b" (its parts are not unquoted alone)

    def _value_name(self, node: cst.Subscript) -> str | None:
        """ "Literal"/"Annotated" when the subscript is one (by spelling, as pyupgrade, or
        through an import)."""
        name = self.typing_name(node.value)
        if name is None:
            value = node.value
            name = value.value if isinstance(value, cst.Name) else None
            if isinstance(value, cst.Attribute):
                name = value.attr.value
        return name if name in _VALUES else None

    def visit_Subscript(self, node: cst.Subscript) -> None:
        name = self._value_name(node) if self.in_annotation() else None
        self.values += name == "Literal"
        if name == "Annotated":
            self.annotated.append(tuple(node.slice))

    def leave_Subscript(
        self, original_node: cst.Subscript, updated_node: cst.Subscript
    ) -> cst.BaseExpression:
        name = self._value_name(original_node) if self.in_annotation() else None
        self.values -= name == "Literal"
        if name == "Annotated":
            self.annotated.pop()
        return updated_node

    def visit_SubscriptElement(self, node: cst.SubscriptElement) -> None:
        self.values += self._is_metadata(node)

    def leave_SubscriptElement(
        self, original_node: cst.SubscriptElement, updated_node: cst.SubscriptElement
    ) -> cst.SubscriptElement:
        self.values -= self._is_metadata(original_node)
        return updated_node

    def _is_metadata(self, node: cst.SubscriptElement) -> int:
        elements = self.annotated[-1] if self.annotated else ()
        return int(any(node is e for e in elements[1:]))

    def visit_Call(self, node: cst.Call) -> None:
        self.values += 1

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        self.values -= 1
        return updated_node

    def _unquote(self, original: cst.BaseString, updated: cst.BaseExpression) -> cst.BaseExpression:
        if not self.in_annotation() or self.values or self.concatenated:
            return updated
        if not (self.future_annotations or self.target >= (3, 14)):
            return updated
        if isinstance(original, cst.SimpleString | cst.ConcatenatedString):
            text = original.evaluated_value
        else:
            return updated
        if not isinstance(text, str) or "\n" in text or not text.strip():
            return updated
        try:
            expression = cst.parse_expression(text.strip())
        except cst.ParserSyntaxError:
            return updated
        self.rewritten(original, "", f'"{text}" unquoted (annotations are not evaluated)')
        return expression

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.BaseExpression:
        return self._unquote(original_node, updated_node)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self.concatenated += 1

    def leave_ConcatenatedString(
        self, original_node: cst.ConcatenatedString, updated_node: cst.ConcatenatedString
    ) -> cst.BaseExpression:
        self.concatenated -= 1
        return self._unquote(original_node, updated_node)
