"""The masking rules file (TOML): which column is masked how.

    locale = "en_US"                        # optional: faker's locale for every fake
    [columns]
    "customer.email" = "fake.email"         # TABLE.COLUMN, or SCHEMA.TABLE.COLUMN
    "customer.id" = "hmac"
    "customer.code" = { method = "python", function = "masks.py:scramble" }
    "customer.name" = { method = "fake.name", locale = "de_DE" }

Rules are values (`MaskRule`); what they mean per column type lives in methods.py and fakes.py.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmigrate.data.masking.fakes import check_provider
from gitmigrate.data.subset.model import QName
from gitmigrate.errors import UsageError

METHODS = ("hash", "hmac", "null", "keep", "fake.<provider>", "python")
_FUNCTION = re.compile(r"^[^:]+\.py:[A-Za-z_][A-Za-z0-9_]*$")
_ENTRY_KEYS = {"method", "function", "locale"}


@dataclass(frozen=True)
class MaskRule:
    """How one column is masked."""

    schema: str | None
    table: str
    column: str
    method: str  # hash hmac null keep fake python
    provider: str | None = None  # fake.<provider>
    function: str | None = None  # python: "file.py:func"
    locale: str | None = None  # fake: faker's locale
    origin: str | None = None  # set by propagate: the rule's column it was copied from

    @property
    def label(self) -> str:
        return ".".join(p for p in (self.schema, self.table, self.column) if p)

    @property
    def spec(self) -> str:
        """The method as a user writes it: "hmac", "fake.email", "python masks.py:f"."""
        if self.method == "fake":
            return f"fake.{self.provider}" + (f" ({self.locale})" if self.locale else "")
        if self.method == "python":
            return f"python {self.function}"
        return self.method

    @property
    def same_as(self) -> tuple[str, str | None, str | None, str | None]:
        """What two rules must share to mask equal values equally."""
        return (self.method, self.provider, self.function, self.locale)

    @property
    def needs_key(self) -> bool:
        """Whether the rule's outputs depend on the masking key (all but null and keep)."""
        return self.method not in ("null", "keep")

    def matches(self, table: QName) -> bool:
        if self.table.lower() != table.name.lower():
            return False
        return self.schema is None or (table.schema or "").lower() == self.schema.lower()


@dataclass(frozen=True)
class MaskRules:
    """Every rule of a rules file (plus those `propagate` derived)."""

    rules: tuple[MaskRule, ...] = ()

    def for_table(self, table: QName) -> dict[str, MaskRule]:
        """The rules of one table by column name as the rules spell it."""
        return {r.column: r for r in self.rules if r.matches(table)}

    def names(self) -> list[str]:
        """One line per rule for the note: "customer.email: fake.email"."""
        return [
            f"{r.label}: {r.spec}" + (f" (from {r.origin})" if r.origin else "") for r in self.rules
        ]

    @property
    def needs_key(self) -> bool:
        """Whether any rule needs the masking key (mask_key) to run."""
        return any(r.needs_key for r in self.rules)

    def to_json(self) -> list[str]:
        return self.names()


def read_mask_rules(path: Path, where: str | None = None) -> MaskRules:
    """The rules of a rules file; `where` (default: the path) names it in errors."""
    name = where or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise UsageError(
            f"no masking rules file {name}",
            "create it (docs/kinds/env-masking.md) or name another with --mask",
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{name}: cannot read the masking rules: {exc}") from exc
    return parse_mask_rules(text, name)


def parse_mask_rules(text: str, where: str) -> MaskRules:
    """The rules of a rules file's text; `where` (the file) is named in every error."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{where}: not valid TOML: {exc}", "fix the file") from exc
    unknown = sorted(set(data) - {"columns", "locale"})
    if unknown:
        raise UsageError(
            f"{where}: unknown key {unknown[0]!r}",
            'a masking rules file has `locale = "en_US"` (optional) and a [columns] table',
        )
    locale = data.get("locale")
    if locale is not None and not isinstance(locale, str):
        raise UsageError(f'{where}: locale must be a string such as "en_US"')
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        raise UsageError(f"{where}: columns must be a table", '[columns] "table.column" = "hmac"')
    rules: list[MaskRule] = []
    seen: dict[str, str] = {}
    for name, value in columns.items():
        rule = _rule(name, value, where, locale)
        if rule.label.lower() in seen:
            raise UsageError(
                f"{where}: {name!r} has two rules (also {seen[rule.label.lower()]!r})",
                "keep one rule per column",
            )
        seen[rule.label.lower()] = name
        rules.append(rule)
    return MaskRules(tuple(rules))


def _rule(name: str, value: Any, where: str, default_locale: str | None) -> MaskRule:
    entry = f"{where}: {name} = {_show(value)}"
    parts = name.split(".")
    if len(parts) not in (2, 3) or not all(p.strip() for p in parts):
        raise UsageError(
            f"{entry}: a rule names TABLE.COLUMN or SCHEMA.TABLE.COLUMN",
            '"customer.email" = "fake.email"',
        )
    schema = parts[0] if len(parts) == 3 else None
    table, column = parts[-2], parts[-1]
    if isinstance(value, str):
        spec: dict[str, Any] = {"method": value}
    elif isinstance(value, dict):
        spec = value
        extra = sorted(set(spec) - _ENTRY_KEYS)
        if extra or not isinstance(spec.get("method"), str):
            raise UsageError(
                f"{entry}: " + (f"unknown key {extra[0]!r}" if extra else "no method"),
                '{ method = "python", function = "masks.py:scramble" } or { method = '
                '"fake.name", locale = "de_DE" }',
            )
    else:
        raise UsageError(f"{entry}: a rule is a method name or a table", '"hmac"')
    method: str = spec["method"]
    locale = spec.get("locale", default_locale)
    if locale is not None and not isinstance(locale, str):
        raise UsageError(f'{entry}: locale must be a string such as "en_US"')
    function = spec.get("function")
    if method == "python":
        if not isinstance(function, str) or not _FUNCTION.match(function):
            raise UsageError(
                f'{entry}: a python rule needs function = "FILE.py:FUNCTION"',
                "the file lies beside the rules file; see docs/kinds/env-masking.md",
            )
        return MaskRule(schema, table, column, "python", function=function)
    if function is not None:
        raise UsageError(f'{entry}: function is only for method = "python"')
    if method.startswith("fake."):
        provider = method[len("fake.") :]
        problem = check_provider(provider, locale)
        if problem:
            raise UsageError(f"{entry}: {problem[0]}", problem[1])
        return MaskRule(schema, table, column, "fake", provider=provider, locale=locale)
    if method in ("hash", "hmac", "null", "keep"):
        if "locale" in spec:
            raise UsageError(f"{entry}: locale is only for fake.<provider> methods")
        return MaskRule(schema, table, column, method)
    raise UsageError(
        f"{entry}: unknown masking method {method!r}", "methods: " + ", ".join(METHODS)
    )


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_show(v)}" for k, v in value.items()) + " }"
    return f'"{value}"' if isinstance(value, str) else repr(value)


def check_mask_rules(rules: MaskRules, columns: Mapping[QName, Sequence[str]]) -> None:
    """Every rule names one existing table and column of the source (`columns`: each table's
    columns); otherwise a UsageError naming the rule and what exists."""
    for rule in rules.rules:
        tables = [q for q in columns if rule.matches(q)]
        if not tables:
            known = ", ".join(sorted(q.label for q in columns)[:30])
            raise UsageError(
                f"mask rule {rule.label}: the source has no table "
                f"{'.'.join(p for p in (rule.schema, rule.table) if p)}",
                f"its tables: {known}",
            )
        if len(tables) > 1:
            raise UsageError(
                f"mask rule {rule.label}: {rule.table} is in several schemas",
                "qualify it: "
                + " or ".join(
                    f"{q.label}.{rule.column}" for q in sorted(tables, key=lambda t: t.label)
                ),
            )
        names = list(columns[tables[0]])
        if rule.column.lower() not in {c.lower() for c in names}:
            raise UsageError(
                f"mask rule {rule.label}: table {tables[0].label} has no column {rule.column}",
                "its columns: " + ", ".join(names),
            )
