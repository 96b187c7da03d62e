"""Small recipes for the code kind's tests (the real recipes land separately): a LibCST
recipe with one pass (`.dict()` -> `.model_dump()`, and a flag on `.json()`), a plain recipe
that reports each file's module and the pre-pass facts it sees, and helpers for repositories."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmigrate.codemods.recipe import CodeParseError, FileContext, Rule
from tests.fixtures_git import git

RECIPE_SOURCE = """\
import libcst as cst
from libcst.codemod import VisitorBasedCodemodCommand
from libcst.metadata import PositionProvider

from gitmigrate.codemods.libcst_recipe import LibcstRecipe, file_context
from gitmigrate.codemods.recipe import Rule


class DictToModelDump(VisitorBasedCodemodCommand):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def leave_Call(self, original, updated):
        func = updated.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("dict", "json"):
            where = self.get_metadata(PositionProvider, original).start
            ctx = file_context(self.context)
            if func.attr.value == "json":
                ctx.flag("TK002", where.line, where.column, ".json() needs a person")
                return updated
            ctx.rewrite("TK001", where.line, where.column, ".dict() -> .model_dump()")
            return updated.with_changes(func=func.with_changes(attr=cst.Name("model_dump")))
        return updated


RECIPE = LibcstRecipe(
    "{name}",
    "a test recipe",
    (Rule("TK001", "dict to model_dump"), Rule("TK002", "json flagged", fixable=False)),
    passes=(("TK001", DictToModelDump),),
)
"""


def recipe_file(where: Path, name: str = "testkit") -> Path:
    """A recipe on disk (a module defining RECIPE), as `code add path.py` takes it."""
    where.parent.mkdir(parents=True, exist_ok=True)
    where.write_text(RECIPE_SOURCE.replace("{name}", name), encoding="utf-8")
    return where


@dataclass(frozen=True)
class Echo:
    """Reports each file's module/package, and which other files' facts it saw."""

    name: str = "echo"
    summary: str = "reports what the runner hands a transform"
    language: str = "python"
    suffixes: tuple[str, ...] = (".py",)
    rules: tuple[Rule, ...] = (Rule("EC001", "echo", fixable=False),)
    parts: tuple[str, ...] = ()

    def collect(self, path: str, module: str, source: str) -> Mapping[str, Any]:
        return {"lines": source.count("\n")}

    def transform(self, source: str, ctx: FileContext) -> str:
        ctx.flag("EC001", 1, 0, f"{ctx.module}|{ctx.package}|{len(ctx.index)}")
        return source


ECHO = Echo()


def commit_all(repo: Path, files: Mapping[str, str | bytes], message: str = "files") -> None:
    for name, body in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


MODELS = (
    "class M:\n"
    "    def dict(self):\n"
    '        return {"a": 1}\n'
    "\n"
    "    def model_dump(self):\n"
    '        return {"a": 1}\n'
    "\n"
    "\n"
    "def dumped(m):\n"
    "    return m.dict()  # keep this comment\n"
    "\n"
    "\n"
    "def as_json(m):\n"
    "    return m.json()\n"
)
TESTS = (
    'from app.models import M, dumped\n\n\ndef test_dump():\n    assert dumped(M()) == {"a": 1}\n'
)


JS_ECHO = Echo(name="jsecho", language="javascript", suffixes=(".js",))


@dataclass(frozen=True)
class Marker:
    """Appends a comment to every file (a composite's first part)."""

    name: str = "marker"
    summary: str = "appends a comment"
    language: str = "python"
    suffixes: tuple[str, ...] = (".py",)
    rules: tuple[Rule, ...] = (Rule("MK001", "mark"),)
    parts: tuple[str, ...] = ()

    def collect(self, path: str, module: str, source: str) -> Mapping[str, Any]:
        return {}

    def transform(self, source: str, ctx: FileContext) -> str:
        ctx.rewrite("MK001", 1, 0, "marked")
        return source + "# touched\n"


@dataclass(frozen=True)
class Picky:
    """Cannot parse a file that says "bad" (a composite's second part)."""

    name: str = "picky"
    summary: str = "fails on some files"
    language: str = "python"
    suffixes: tuple[str, ...] = (".py",)
    rules: tuple[Rule, ...] = (Rule("PK001", "picky"),)
    parts: tuple[str, ...] = ()

    def collect(self, path: str, module: str, source: str) -> Mapping[str, Any]:
        return {}

    def transform(self, source: str, ctx: FileContext) -> str:
        if "bad" in source:
            raise CodeParseError("does not parse: bad token", 1, 4)
        return source


MARKER, PICKY = Marker(), Picky()
