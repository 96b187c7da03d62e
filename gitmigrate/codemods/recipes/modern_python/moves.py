"""PY005: names that `typing` only re-exports are imported from where they live
(`from typing import Callable, Sequence` -> `from collections.abc import Callable, Sequence`),
from Python 3.9 (`Callable` from 3.10, whose collections.abc version lacked ParamSpec support
before). As pyupgrade: only `from typing import ...` statements; the moved names get a new
`from X import ...` line right after the typing import (or the statement changes its module when
every name moves to the same one), keeping their `as` aliases, so no use needs to change."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import libcst as cst
from libcst.codemod import VisitorBasedCodemodCommand
from libcst.metadata import PositionProvider

from gitmigrate.codemods.libcst_recipe import file_context
from gitmigrate.codemods.recipes.modern_python.base import target_version

_ABC = (
    "AsyncGenerator AsyncIterable AsyncIterator Awaitable ByteString Collection Container "
    "Coroutine Generator Hashable ItemsView Iterable Iterator KeysView Mapping MappingView "
    "MutableMapping MutableSequence MutableSet Reversible Sequence Sized ValuesView"
).split()
MOVES: dict[str, tuple[str, tuple[int, int]]] = {
    **{name: ("collections.abc", (3, 9)) for name in _ABC},
    "Callable": ("collections.abc", (3, 10)),
    "ChainMap": ("collections", (3, 9)),
    "Counter": ("collections", (3, 9)),
    "OrderedDict": ("collections", (3, 9)),
    "Match": ("re", (3, 9)),
    "Pattern": ("re", (3, 9)),
}


class TypingImportsMoved(VisitorBasedCodemodCommand):
    DESCRIPTION = "typing re-exports imported from collections.abc, collections, re"
    NEEDS = ("typing",)
    RULE = "PY005"
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self.ctx = file_context(context)
        self.target = target_version(self.ctx.options)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if len(updated_node.body) != 1 or not isinstance(updated_node.body[0], cst.ImportFrom):
            return updated_node
        statement = updated_node.body[0]
        if (
            statement.relative
            or statement.module is None
            or cst.helpers.get_full_name_for_node(statement.module) != "typing"
            or isinstance(statement.names, cst.ImportStar)
        ):
            return updated_node
        aliases = list(statement.names)
        moved: dict[str, list[cst.ImportAlias]] = defaultdict(list)
        kept = []
        for alias in aliases:
            module, version = MOVES.get(alias.evaluated_name, ("", (99, 0)))
            if module and self.target >= version:
                moved[module].append(alias)
            else:
                kept.append(alias)
        if not moved:
            return updated_node
        start = self.get_metadata(PositionProvider, original_node).start
        for module, names in moved.items():
            for alias in names:
                self.ctx.rewrite(
                    self.RULE,
                    start.line,
                    start.column,
                    f"typing.{alias.evaluated_name} from {module}",
                )
        if not kept and len(moved) == 1:
            module = next(iter(moved))
            return updated_node.with_changes(
                body=[statement.with_changes(module=cst.parse_expression(module))]
            )
        lines: list[cst.BaseStatement] = []
        if kept:
            kept[-1] = kept[-1].with_changes(comma=aliases[-1].comma)
            lines.append(updated_node.with_changes(body=[statement.with_changes(names=kept)]))
        new = sorted(
            f"from {module} import {', '.join(_alias_text(a) for a in names)}"
            for module, names in moved.items()
        )
        lines.extend(cst.parse_statement(text + "\n") for text in new)
        if not kept:
            lines[0] = lines[0].with_changes(leading_lines=updated_node.leading_lines)
        return cst.FlattenSentinel(lines)


def _alias_text(alias: cst.ImportAlias) -> str:
    name = alias.evaluated_name
    return f"{name} as {alias.evaluated_alias}" if alias.evaluated_alias else name
