"""A Python recipe built from LibCST codemod commands, one (or more) per rule.

Each pass is a `libcst.codemod.VisitorBasedCodemodCommand` (or any `Codemod`); a pass class may
set `NEEDS` (words its matches must contain: it is skipped on a file holding none); it runs with a
`CodemodContext` whose `scratch["gitmigrate"]` is the FileContext (for `rewrite`/`flag`) and
whose metadata can resolve `FullyQualifiedNameProvider` for the file's module (relative imports
included) without a FullRepoManager. LibCST's own AddImportsVisitor/RemoveImportsVisitor run
after each pass, as `libcst.tool codemod` runs them, so imports come out as LibCST writes them.

    RECIPE = LibcstRecipe("pydantic2", "Pydantic v1 -> v2", RULES,
                          passes=(("BP001", AddDefaultNone), ...), collectors=(ModelIndex(),))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from gitmigrate.codemods.recipe import CodeParseError, FileContext, Language, Rule, runs

SCRATCH_KEY = "gitmigrate"


class Collector(Protocol):
    """One part of a recipe's pre-pass: facts about a parsed module, stored under `key`."""

    key: str

    def collect(self, tree: Any, path: str, module: str) -> Any: ...


def file_context(context: Any) -> FileContext:
    """The FileContext of the file a pass runs on (from its CodemodContext)."""
    return cast(FileContext, context.scratch[SCRATCH_KEY])


def parse(source: str) -> Any:
    import libcst

    try:
        return libcst.parse_module(source)
    except libcst.ParserSyntaxError as exc:
        raise CodeParseError(
            f"does not parse: {str(exc.message).strip()}", exc.raw_line, exc.raw_column
        ) from exc


class _ModuleNames:
    """Stands in for FullRepoManager: FullyQualifiedNameProvider's cache for the one file."""

    def __init__(self, path: str, module: str, package: str) -> None:
        self.path, self.module, self.package = path, module, package

    def get_cache_for_path(self, path: str) -> Mapping[Any, object]:
        from libcst.helpers.module import ModuleNameAndPackage
        from libcst.metadata import FullyQualifiedNameProvider

        return {FullyQualifiedNameProvider: ModuleNameAndPackage(self.module, self.package)}


@dataclass(frozen=True)
class LibcstRecipe:
    name: str
    summary: str
    rules: tuple[Rule, ...]
    passes: Sequence[tuple[str, type[Any]]]  # (rule id, Codemod class), run in this order
    collectors: Sequence[Collector] = field(default_factory=tuple)
    language: Language = "python"
    suffixes: tuple[str, ...] = (".py", ".pyi")
    parts: tuple[str, ...] = ()

    def collect(self, path: str, module: str, source: str) -> Mapping[str, Any]:
        if not self.collectors:
            return {}
        tree = parse(source)
        return {c.key: c.collect(tree, path, module) for c in self.collectors}

    def transform(self, source: str, ctx: FileContext) -> str:
        from libcst.codemod import CodemodContext

        tree = parse(source)
        by_id = {rule.id: rule for rule in self.rules}
        for rule_id, pass_class in self.passes:
            if not runs(by_id[rule_id], ctx.enabled):
                continue
            needs: tuple[str, ...] = getattr(pass_class, "NEEDS", ())
            if needs and not any(word in tree.code for word in needs):
                continue  # nothing it could match: skip its metadata, the cost of a pass
            context = CodemodContext(
                filename=ctx.path,
                full_module_name=ctx.module or None,
                full_package_name=ctx.package or None,
                metadata_manager=cast(Any, _ModuleNames(ctx.path, ctx.module, ctx.package)),
            )
            context.scratch[SCRATCH_KEY] = ctx
            tree = pass_class(context).transform_module(tree)
        return cast(str, tree.code)
