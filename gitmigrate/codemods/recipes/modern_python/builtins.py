"""PY001 (PEP 585: `typing.List[int]` -> `list[int]`, Python 3.9) and PY004 (`typing.Text` ->
`str`): a name imported from typing becomes the builtin it stands for, wherever it is used (as
pyupgrade does), unless the builtin's name means something else at that point (a method named
`list` in the same class body): then the case is flagged."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from gitmigrate.codemods.recipes.modern_python.base import TypingCommand


class _TypingToBuiltin(TypingCommand):
    NAMES: ClassVar[dict[str, str]] = {}
    VERSION: ClassVar[tuple[int, int]] = (3, 0)

    def _replace(
        self, original: cst.BaseExpression, updated: cst.BaseExpression
    ) -> cst.BaseExpression:
        name = self.typing_name(original)
        if name not in self.NAMES or not self.applies(
            self.VERSION, in_annotations_with_future=True
        ):
            return updated
        builtin = self.NAMES[name]
        if self.shadowed(original, builtin):
            self.flagged(original, f"typing.{name} kept: `{builtin}` is not the builtin here")
            return updated
        self.rewritten(original, name, f"typing.{name} -> {builtin}")
        return cst.Name(builtin, lpar=updated.lpar, rpar=updated.rpar)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self._replace(original_node, updated_node)

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        return self._replace(original_node, updated_node)


class BuiltinGenerics(_TypingToBuiltin):
    """typing.List/Dict/Tuple/Set/FrozenSet/Type -> list/dict/tuple/set/frozenset/type."""

    DESCRIPTION = "PEP 585 builtin generics"
    RULE = "PY001"
    VERSION = (3, 9)
    NAMES: ClassVar[dict[str, str]] = {
        n: n.lower() for n in ("Dict", "FrozenSet", "List", "Set", "Tuple", "Type")
    }


class TextToStr(_TypingToBuiltin):
    """typing.Text -> str."""

    DESCRIPTION = "typing.Text is str"
    RULE = "PY004"
    NAMES: ClassVar[dict[str, str]] = {"Text": "str"}
