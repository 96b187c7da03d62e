"""What a recipe is, for the code kind: rules (data) and one pure function of a file's text.

A recipe rewrites one file at a time: `transform(source, ctx) -> str`. What it needs to know about
the rest of the project (which classes are Pydantic models, what a name imported from another
module is) comes from a pre-pass: `collect(path, module, source)` returns JSON-able facts about
one file, and the runner hands every file's facts to every transform as `ctx.index`. Both run
in worker processes, so a recipe holds no state between files.

A rule reports each rewrite with `ctx.rewrite(...)` and each case a person must decide with
`ctx.flag(...)`; `code scan` shows both, `code add` counts them in the step's note. Positions are
1-based lines and 0-based columns of the text the rule saw (rules run in the recipe's order).

A composite recipe (OpenRewrite's word) names other recipes in `parts`; it runs them in order,
each over the whole tree (pre-pass, then transform), so a later part sees the earlier ones'
result.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

Language = Literal["python", "javascript"]


class CodeParseError(Exception):
    """A file a recipe cannot parse: listed by the runner and skipped, never half-written."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


@dataclass(frozen=True)
class Rule:
    """One rule of a recipe: its id (unique across recipes, e.g. "BP001", "SA001"), what it
    does, whether it rewrites code (False: it only flags) and whether it runs only when asked
    (`--rule ID`)."""

    id: str
    summary: str
    fixable: bool = True
    opt_in: bool = False


@dataclass(frozen=True)
class Finding:
    """A use of a deprecated API: rewritten (fixable) or flagged for a person (not fixable)."""

    path: str
    line: int
    column: int
    rule: str
    message: str
    fixable: bool

    def where(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "message": self.message,
            "fixable": self.fixable,
        }


ProjectIndex = Mapping[str, Mapping[str, Any]]  # path -> the facts `collect` returned for it


@dataclass
class FileContext:
    """What a transform knows about the file it rewrites, and where it reports."""

    path: str  # relative to the tree's root, with "/"
    module: str  # dotted module name ("pkg.mod"; "pkg" for pkg/__init__.py); "" for non-Python
    package: str  # the package a relative import starts from ("pkg" for pkg/mod.py)
    index: ProjectIndex = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)  # e.g. {"python": "3.10"}
    enabled: frozenset[str] | None = None  # rule ids to run; None: every rule not opt_in
    findings: list[Finding] = field(default_factory=list)

    def rewrite(self, rule: str, line: int, column: int, message: str) -> None:
        self.findings.append(Finding(self.path, line, column, rule, message, True))

    def flag(self, rule: str, line: int, column: int, message: str) -> None:
        self.findings.append(Finding(self.path, line, column, rule, message, False))

    def applied(self) -> Counter[str]:
        """Rewrites per rule id."""
        return Counter(f.rule for f in self.findings if f.fixable)


@runtime_checkable
class Recipe(Protocol):
    name: str  # what `code add NAME` takes: "pydantic2", "sqlalchemy2", "modern-python", "react18"
    summary: str
    language: Language
    suffixes: tuple[str, ...]  # the files it reads: (".py", ".pyi"), (".js", ".tsx", ...)
    rules: tuple[Rule, ...]
    parts: tuple[str, ...]  # a composite's recipes, in order (then transform is never called)

    def collect(self, path: str, module: str, source: str) -> Mapping[str, Any]:
        """Facts about one file for the pre-pass ({} when the recipe needs none). Raises
        CodeParseError when the file does not parse."""
        ...

    def transform(self, source: str, ctx: FileContext) -> str:
        """The file's new text (the same text when nothing applies). Raises CodeParseError."""
        ...


def runs(rule: Rule, enabled: frozenset[str] | None) -> bool:
    """Whether a rule runs under `enabled` (None: the default set, opt-in rules off)."""
    return rule.id in enabled if enabled is not None else not rule.opt_in


@dataclass(frozen=True)
class CompositeRecipe:
    """A recipe made of others, run in order (`code add upgrade-all`)."""

    name: str
    summary: str
    parts: tuple[str, ...]
    language: Language = "python"
    suffixes: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()

    def collect(self, path: str, module: str, source: str) -> Mapping[str, Any]:
        return {}

    def transform(self, source: str, ctx: FileContext) -> str:
        raise TypeError(f"{self.name} is a composite recipe: the runner runs its parts")
