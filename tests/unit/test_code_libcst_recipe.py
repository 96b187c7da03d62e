"""LibcstRecipe skips a pass whose NEEDS words a file does not contain (its metadata is what a
pass costs), and runs it, with its metadata, where one of them occurs."""

from __future__ import annotations

import libcst
from libcst.codemod import VisitorBasedCodemodCommand
from libcst.metadata import FullyQualifiedNameProvider

from gitmigrate.codemods.libcst_recipe import LibcstRecipe, file_context
from gitmigrate.codemods.recipe import FileContext, Rule


class FlagsEveryModule(VisitorBasedCodemodCommand):
    NEEDS = ("legacy_api",)
    METADATA_DEPENDENCIES = (FullyQualifiedNameProvider,)

    def visit_Module(self, node: libcst.Module) -> None:
        names = self.get_metadata(FullyQualifiedNameProvider, node, set())
        file_context(self.context).flag("T001", 1, 0, f"seen {sorted(q.name for q in names)}")


RECIPE = LibcstRecipe(
    "t", "test", (Rule("T001", "flag", fixable=False),), (("T001", FlagsEveryModule),)
)


def _findings(source: str) -> list[str]:
    ctx = FileContext(path="pkg/mod.py", module="pkg.mod", package="pkg")
    assert RECIPE.transform(source, ctx) == source
    return [f.message for f in ctx.findings]


def test_a_pass_runs_where_its_words_occur() -> None:
    assert _findings("from old import legacy_api\n") == ["seen ['pkg.mod']"]


def test_a_pass_is_skipped_where_none_occurs() -> None:
    assert _findings("import os\n") == []
