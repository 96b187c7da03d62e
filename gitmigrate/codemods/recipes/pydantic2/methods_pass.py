"""The base of the method-rename passes: the metadata they need, the proofs (Resolver) and
where a node is, for the findings."""

from __future__ import annotations

import re

import libcst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.metadata import (
    FullyQualifiedNameProvider,
    ParentNodeProvider,
    PositionProvider,
    ScopeProvider,
)

from gitmigrate.codemods.libcst_recipe import file_context
from gitmigrate.codemods.recipes.pydantic2.methods_resolve import Resolver
from gitmigrate.codemods.recipes.pydantic2.methods_table import Rename


class ModelPass(VisitorBasedCodemodCommand):
    METADATA_DEPENDENCIES = (
        FullyQualifiedNameProvider,
        ScopeProvider,
        ParentNodeProvider,
        PositionProvider,
    )
    RULE = ""
    # What a file must contain for the pass to have anything to do: the metadata (scopes,
    # qualified names) costs most of a pass, so a file without it is returned as it is.
    NEEDLE: re.Pattern[str] = re.compile("")

    def transform_module(self, tree: libcst.Module) -> libcst.Module:
        if not self.NEEDLE.search(tree.code):
            return tree
        return super().transform_module(tree)

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self.ctx = file_context(context)
        self.resolver = Resolver(self, self.ctx.index, self.ctx.path)

    def where(self, node: libcst.CSTNode) -> tuple[int, int]:
        start = self.get_metadata(PositionProvider, node).start
        return start.line, start.column

    def rewrite(self, node: libcst.CSTNode, message: str) -> None:
        self.ctx.rewrite(self.RULE, *self.where(node), message)

    def flag(self, node: libcst.CSTNode, message: str) -> None:
        self.ctx.flag(self.RULE, *self.where(node), message)


def short(name: str) -> str:
    return name.rpartition(".")[2]


def misfit(call: libcst.Call, rename: Rename) -> str | None:
    """Why a call's arguments have no one-to-one v2 form (None: they do)."""
    if any(arg.star for arg in call.args):
        return "*args/**kwargs passed"
    positional = [arg for arg in call.args if arg.keyword is None]
    if len(positional) > rename.positional:
        return f"{len(positional)} positional arguments"
    for arg in call.args:
        if arg.keyword and rename.keywords is not None:
            if arg.keyword.value not in rename.keywords:
                return f"`{arg.keyword.value}=` has no v2 equivalent"
    return None
