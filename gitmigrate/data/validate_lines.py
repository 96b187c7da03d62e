"""Where a key of a rules file is written, so an error can say `rules.toml:12`.

tomllib keeps no positions, so the TOML finder reads the text: check N is the N-th `[[check]]`
header and a key is the first `key =` line in its block. PyYAML's composed nodes carry marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from gitmigrate.errors import ConfigError, UsageError

_HEADER = re.compile(r"^\s*\[")
_CHECK_HEADER = re.compile(r"^\s*\[\[\s*check\s*\]\]")


class LineFinder(Protocol):
    def line(self, check: int | None, key: str | None) -> int | None:
        """1-based line of `key` in check number `check` (0-based; None: top level)."""
        ...


@dataclass(frozen=True)
class _TomlLines:
    lines: tuple[str, ...]
    headers: tuple[int, ...]  # 0-based line index of each [[check]]

    def line(self, check: int | None, key: str | None) -> int | None:
        if check is None:
            start, header = 0, None
        elif check < len(self.headers):
            start = header = self.headers[check]
        else:  # inline tables (check = [{...}]): no block to point at
            return None
        if key is None:
            return None if header is None else header + 1
        wanted = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
        for number in range(start + (header is not None), len(self.lines)):
            text = self.lines[number]
            if _HEADER.match(text):
                break
            if wanted.match(text):
                return number + 1
        return None if header is None else header + 1


def toml_lines(text: str) -> LineFinder:
    lines = tuple(text.splitlines())
    headers = tuple(i for i, text in enumerate(lines) if _CHECK_HEADER.match(text))
    return _TomlLines(lines, headers)


@dataclass
class _YamlLines:
    top: dict[str, int] = field(default_factory=dict)
    checks: list[tuple[int, dict[str, int]]] = field(default_factory=list)

    def line(self, check: int | None, key: str | None) -> int | None:
        if check is None:
            return self.top.get(key) if key else None
        if check >= len(self.checks):
            return None
        start, keys = self.checks[check]
        return keys.get(key, start) if key else start


def yaml_document(text: str, origin: str) -> tuple[Any, LineFinder]:
    """The document (safe loader) and the lines of its keys."""
    try:
        import yaml
    except ModuleNotFoundError as exc:
        raise UsageError(
            f"{origin}: reading YAML rules needs PyYAML",
            "pip install PyYAML, or write the rules in TOML",
        ) from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        document = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{origin}:{mark.line + 1}:{mark.column + 1}" if mark else origin
        raise ConfigError(
            f"{where}: not valid YAML: {exc.problem or exc}", "fix the syntax there"
        ) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: not valid YAML: {exc}", "fix the syntax there") from exc
    return document, _yaml_lines(node, yaml)


def _yaml_lines(node: Any, yaml: Any) -> _YamlLines:
    found = _YamlLines()
    if not isinstance(node, yaml.MappingNode):
        return found
    for key, value in node.value:
        found.top[str(key.value)] = key.start_mark.line + 1
        if key.value == "check" and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                keys = {}
                if isinstance(item, yaml.MappingNode):
                    keys = {str(k.value): k.start_mark.line + 1 for k, _v in item.value}
                found.checks.append((item.start_mark.line + 1, keys))
    return found
