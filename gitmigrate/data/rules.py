"""The rules file of `git migrate data validate` (and of a data step's pre-/post-checks): parsed
and checked here without a database, so a typo fails before anything runs.

    threshold = 0                 # violations tolerated in total (checks without their own)
    [[check]]
    table = "customer"
    column = "email"
    not_null = true
    unique = true
    format = '^[^@\\s]+@[^@\\s]+\\.[a-z]+$'
    threshold = 2                 # this check tolerates 2 violations, on its own budget

Rules of a check: type, max_length, not_null, unique, format, range, allowed, references.
The same document may be written in YAML (`check:` is then a list of mappings).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmigrate.data.validate_lines import LineFinder, toml_lines, yaml_document
from gitmigrate.errors import ConfigError, UsageError

TYPES = ("integer", "number", "boolean", "date", "datetime", "string")
RULES = ("type", "max_length", "not_null", "unique", "format", "range", "allowed", "references")
CHECK_KEYS = ("table", "column", "threshold")
TOP_KEYS = ("threshold", "check")
# words people reach for first, mapped to our rule name (suggested when the word is unknown)
_ALIASES = {
    "nullable": "not_null", "required": "not_null", "notnull": "not_null", "regex": "format",
    "pattern": "format", "match": "format", "in": "allowed", "values": "allowed",
    "enum": "allowed", "choices": "allowed", "foreign_key": "references", "fk": "references",
    "min": "range", "max": "range", "length": "max_length", "maxlength": "max_length",
    "checks": "check", "rules": "check",
}  # fmt: skip
Scalar = str | int | float | bool | dt.date | dt.datetime


@dataclass(frozen=True)
class Range:
    min: Scalar | None
    max: Scalar | None


@dataclass(frozen=True)
class Reference:
    table: str
    column: str


@dataclass(frozen=True)
class Rule:
    """One rule of a check; `argument` by kind: type -> str, max_length -> int, not_null and
    unique -> True, format -> str (pattern), range -> Range, allowed -> tuple, references ->
    Reference."""

    kind: str
    argument: Any

    def describe(self) -> str:
        arg = self.argument
        if self.kind in ("not_null", "unique"):
            return self.kind
        if isinstance(arg, Range):
            low = "-inf" if arg.min is None else _show(arg.min)
            high = "+inf" if arg.max is None else _show(arg.max)
            return f"range [{low}, {high}]"
        if isinstance(arg, Reference):
            return f"references {arg.table}.{arg.column}"
        if isinstance(arg, tuple):
            return f"allowed [{', '.join(_show(v) for v in arg)}]"
        return f"format '{arg}'" if self.kind == "format" else f"{self.kind} {arg}"


@dataclass(frozen=True)
class Check:
    table: str
    column: str
    rules: tuple[Rule, ...]
    threshold: int | None  # None: counts against the file's threshold
    number: int  # 1-based position in the file, for messages
    line: int | None

    @property
    def label(self) -> str:
        return f"{self.table}.{self.column}"


@dataclass(frozen=True)
class RuleSet:
    checks: tuple[Check, ...]
    threshold: int
    origin: str  # file name (or what the caller said) for messages

    def where(self, check: Check) -> str:
        line = f":{check.line}" if check.line else ""
        return f"{self.origin}{line}: check #{check.number} ({check.label})"

    def with_threshold(self, threshold: int) -> RuleSet:
        return RuleSet(self.checks, threshold, self.origin)


def _show(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else repr(value)


def load_rules(path: Path) -> RuleSet:
    """Read and check a rules file; the format comes from its extension."""
    suffix = path.suffix.lower()
    fmt = {".toml": "toml", ".yaml": "yaml", ".yml": "yaml"}.get(suffix)
    if fmt is None:
        raise UsageError(
            f"rules file {path}: unknown format {suffix or '(no extension)'!r}",
            "name it *.toml, *.yaml or *.yml",
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise UsageError(f"rules file {path} does not exist", "check the --rules path") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read rules file {path}: {exc}", "check the file") from exc
    return parse_rules(text, fmt, str(path))


def parse_rules(text: str, fmt: str, origin: str) -> RuleSet:
    """Parse `text` (fmt "toml" or "yaml"); every error names `origin`, the line and the key."""
    if fmt == "toml":
        document = _load_toml(text, origin)
        lines = toml_lines(text)
    elif fmt in ("yaml", "yml"):
        document, lines = yaml_document(text, origin)
    else:
        raise UsageError(f"unknown rules format {fmt!r}", "use 'toml' or 'yaml'")
    return _Parser(origin, lines).ruleset(document)


def _load_toml(text: str, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column (\d+)\)$", str(exc))
        where = f"{origin}:{found[1]}:{found[2]}" if found else origin
        detail = str(exc)[: found.start()].strip() if found else str(exc)
        raise ConfigError(f"{where}: not valid TOML: {detail}", "fix the syntax there") from exc


def nearest(word: str, known: tuple[str, ...]) -> str | None:
    """The known name a user most likely meant (aliases first, then spelling)."""
    if word.lower() in known:
        return word.lower()
    alias = _ALIASES.get(word.lower())
    if alias in known:
        return alias
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return close[0] if close else None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Parser:
    def __init__(self, origin: str, lines: LineFinder) -> None:
        self.origin = origin
        self.lines = lines

    def fail(self, index: int | None, key: str | None, what: str, hint: str) -> ConfigError:
        line = self.lines.line(index, key)
        where = f"{self.origin}:{line}" if line else self.origin
        if index is not None:
            where += f": check #{index + 1}"
        return ConfigError(f"{where}: {what}", hint)

    def unknown(
        self, index: int | None, key: str, known: tuple[str, ...], kind: str, at: str | None = None
    ) -> ConfigError:
        guess = nearest(key, known)
        lead = f"did you mean {guess!r}? " if guess else ""
        hint = f"{lead}known: {', '.join(known)}"
        return self.fail(index, at or key, f"unknown {kind} {key!r}", hint)

    def ruleset(self, document: object) -> RuleSet:
        if not isinstance(document, dict):
            raise self.fail(None, None, "the document must be a mapping", "see the rule reference")
        for key in document:
            if key not in TOP_KEYS:
                raise self.unknown(None, str(key), TOP_KEYS, "top-level key")
        threshold = self.count(None, "threshold", document.get("threshold", 0))
        raw = document.get("check")
        if not isinstance(raw, list) or not raw:
            raise self.fail(
                None, "check", "no checks", "add at least one [[check]] (YAML: `check:` list)"
            )
        checks = tuple(self.check(i, item) for i, item in enumerate(raw))
        return RuleSet(checks, threshold, self.origin)

    def count(self, index: int | None, key: str, value: object) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(index, key, f"{key} must be a whole number >= 0, not {value!r}",
                            f"write e.g. {key} = 0")  # fmt: skip
        return value

    def name(self, index: int, item: dict[str, Any], key: str) -> str:
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(index, key if key in item else None, f"{key} is missing or empty",
                            f'write {key} = "..." in this check')  # fmt: skip
        return value

    def check(self, index: int, item: object) -> Check:
        if not isinstance(item, dict):
            raise self.fail(index, None, "a check must be a mapping of rules", "see the reference")
        for key in item:
            if key not in CHECK_KEYS + RULES:
                raise self.unknown(index, str(key), CHECK_KEYS + RULES, "rule")
        table, column = self.name(index, item, "table"), self.name(index, item, "column")
        threshold = None
        if "threshold" in item:
            threshold = self.count(index, "threshold", item["threshold"])
        rules = [self.rule(index, kind, value) for kind, value in item.items() if kind in RULES]
        found = tuple(rule for rule in rules if rule is not None)
        if not found:
            raise self.fail(index, None, f"{table}.{column} has no rule",
                            f"add one of: {', '.join(RULES)}")  # fmt: skip
        return Check(table, column, found, threshold, index + 1, self.lines.line(index, None))

    def rule(self, index: int, kind: str, value: object) -> Rule | None:
        def bad(what: str, hint: str) -> ConfigError:
            return self.fail(index, kind, f"{kind}: {what}", hint)

        if kind in ("not_null", "unique"):
            if not isinstance(value, bool):
                raise bad(f"expected true or false, not {value!r}", f"write {kind} = true")
            return Rule(kind, True) if value else None
        if kind == "type":
            if value not in TYPES:
                guess = nearest(str(value), TYPES)
                lead = f"did you mean {guess!r}? " if guess else ""
                raise bad(f"unknown type {value!r}", f"{lead}types: {', '.join(TYPES)}")
            return Rule(kind, value)
        if kind == "max_length":
            if not _is_number(value) or not isinstance(value, int) or value < 1:
                raise bad(f"expected a whole number >= 1, not {value!r}", "write max_length = 40")
            return Rule(kind, value)
        if kind == "format":
            return Rule(kind, self.pattern(index, value))
        if kind == "range":
            return Rule(kind, self.range(index, value))
        if kind == "allowed":
            if not isinstance(value, list) or not value:
                raise bad("expected a non-empty list of values", 'write allowed = ["a", "b"]')
            for item in value:
                if not isinstance(item, Scalar):
                    raise bad(f"{item!r} is not a plain value", 'write allowed = ["a", "b"]')
            return Rule(kind, tuple(value))
        return Rule(kind, self.reference(index, value))

    def pattern(self, index: int, value: object) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(index, "format", "format: expected a regular expression string",
                            "write format = '^[A-Z]{2}$' (single quotes keep backslashes)")  # fmt: skip
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # e.g. [[:alpha:]], which Python reads differently
                re.purge()  # a cached pattern would not warn again
                re.compile(value)
        except (re.error, FutureWarning, DeprecationWarning) as exc:
            raise self.fail(index, "format", f"format: invalid regular expression {value!r}: {exc}",
                            "use the portable subset: docs/commands/data-validate.md#format") from exc  # fmt: skip
        return value

    def range(self, index: int, value: object) -> Range:
        hint = "write range = { min = 0, max = 100 } (either bound may be left out)"
        if not isinstance(value, dict) or not value:
            raise self.fail(index, "range", f"range: expected min and/or max, not {value!r}", hint)
        for key in value:
            if key not in ("min", "max"):
                raise self.unknown(index, str(key), ("min", "max"), "range bound", "range")
        low, high = value.get("min"), value.get("max")
        for bound in (low, high):
            fine = _is_number(bound) or isinstance(bound, str | dt.date)
            if bound is not None and not fine:
                raise self.fail(index, "range", f"range: bound {bound!r} is not a value", hint)
        if low is not None and high is not None:
            if _is_number(low) != _is_number(high):
                raise self.fail(index, "range", "range: min and max are of different kinds", hint)
            try:
                upside_down = low > high
            except TypeError:  # a date and a datetime
                upside_down = False
            if upside_down:
                raise self.fail(index, "range", f"range: min {low!r} > max {high!r}", hint)
        return Range(low, high)

    def reference(self, index: int, value: object) -> Reference:
        if isinstance(value, str) and value.count(".") == 1 and all(value.split(".")):
            table, column = value.split(".")
            return Reference(table, column)
        raise self.fail(index, "references", f"references: expected 'table.column', not {value!r}",
                        'write references = "customer.customer_id"')  # fmt: skip
