"""Inline directives in SQL comments, Squawk's syntax and ours.

    -- gitmigrate-ignore dropping-column, renaming-column   (the next statement)
    -- gitmigrate-ignore-file prefer-robust-stmts           (the whole file)
    -- squawk-ignore ban-drop-column                        (Squawk ids work too)
    -- squawk-ignore-file                                   (no id: every rule)
    -- squawk-disable-assume-in-transaction                 (this file runs outside one)

A directive must be alone on its line. Ids may be ours or Squawk's; unknown ids are reported
by the `unknown-ignore` rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gitmigrate.lint.registry import resolve

_DIRECTIVE = re.compile(
    r"^[ \t]*--[ \t]*(?:squawk|gitmigrate)-ignore(?P<file>-file)?(?:[ \t]+(?P<ids>[^\n]*))?$",
    re.MULTILINE,
)
_NO_TRANSACTION = re.compile(
    r"^[ \t]*--[ \t]*(?:squawk|gitmigrate)-disable-assume-in-transaction[ \t]*$", re.MULTILINE
)
EVERY_RULE = "*"


@dataclass(frozen=True)
class Ignore:
    line: int
    column: int
    whole_file: bool
    rules: frozenset[str]  # our ids; EVERY_RULE when the comment names none
    unknown: frozenset[str]


@dataclass(frozen=True)
class Directives:
    ignores: tuple[Ignore, ...]
    no_transaction: bool

    def file_rules(self) -> frozenset[str]:
        return frozenset().union(*(i.rules for i in self.ignores if i.whole_file))

    def statement_rules(self, starts: list[int]) -> dict[int, frozenset[str]]:
        """Statement start line -> rules ignored for it (the first statement after a comment)."""
        found: dict[int, frozenset[str]] = {}
        for ignore in self.ignores:
            if ignore.whole_file:
                continue
            target = next((line for line in starts if line > ignore.line), None)
            if target is not None:
                found[target] = found.get(target, frozenset()) | ignore.rules
        return found


def read_directives(sql: str) -> Directives:
    ignores = []
    for match in _DIRECTIVE.finditer(sql):
        line = sql.count("\n", 0, match.start()) + 1
        column = match.start() - (sql.rfind("\n", 0, match.start()) + 1) + 1
        ids = {i for i in re.split(r"[\s,]+", match.group("ids") or "") if i}
        ours, unknown = resolve(ids)
        rules = ours if ids else frozenset({EVERY_RULE})
        ignores.append(Ignore(line, column, bool(match.group("file")), rules, unknown))
    return Directives(tuple(ignores), bool(_NO_TRANSACTION.search(sql)))


def silenced(rule: str, ignored: frozenset[str]) -> bool:
    return rule in ignored or EVERY_RULE in ignored
