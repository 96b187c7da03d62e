"""Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
`${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}` and `$$` for a literal `$`,
as the Compose specification defines them; defaults may themselves hold interpolations.

Applied to values after YAML parsing (never to the YAML text), so a value cannot break the
document's structure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gitmigrate.errors import UsageError

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def interpolate(text: str, env: Mapping[str, str], where: str, missing: set[str]) -> str:
    """`text` with its variables replaced from `env`; names not set go into `missing` and read
    as "" (Compose warns and does the same)."""
    out, _ = _scan(text, 0, env, where, missing, stop=None)
    return out


def _scan(
    text: str, pos: int, env: Mapping[str, str], where: str, missing: set[str], stop: str | None
) -> tuple[str, int]:
    parts: list[str] = []
    while pos < len(text):
        ch = text[pos]
        if stop is not None and ch == stop:
            return "".join(parts), pos
        if ch != "$":
            parts.append(ch)
            pos += 1
            continue
        nxt = text[pos + 1 : pos + 2]
        if nxt == "$":
            parts.append("$")
            pos += 2
        elif nxt == "{":
            value, pos = _braced(text, pos + 2, env, where, missing)
            parts.append(value)
        else:
            match = _NAME.match(text, pos + 1)
            if match is None:
                parts.append("$")
                pos += 1
                continue
            parts.append(_lookup(match.group(), env, missing))
            pos = match.end()
    if stop is not None:
        raise UsageError(
            f"{where}: unclosed ${{ in {text!r}", "close it with }, or write $$ for a $"
        )
    return "".join(parts), pos


def _braced(
    text: str, pos: int, env: Mapping[str, str], where: str, missing: set[str]
) -> tuple[str, int]:
    match = _NAME.match(text, pos)
    if match is None:
        raise UsageError(
            f"{where}: invalid interpolation format in {text!r}",
            "write ${NAME}, ${NAME:-default} or $$ for a literal $",
        )
    name, pos = match.group(), match.end()
    op = ""
    for candidate in (":-", ":?", ":+", "-", "?", "+"):
        if text.startswith(candidate, pos):
            op, pos = candidate, pos + len(candidate)
            break
    arg, pos = _scan(text, pos, env, where, missing, stop="}") if op else ("", pos)
    if pos >= len(text) or text[pos] != "}":
        raise UsageError(
            f"{where}: unclosed ${{ in {text!r}", "close it with }, or write $$ for a $"
        )
    pos += 1
    is_set = name in env
    empty = not env.get(name)
    if op in (":-", "-"):
        use_default = empty if op == ":-" else not is_set
        return (arg if use_default else env[name]), pos
    if op in (":?", "?"):
        if empty if op == ":?" else not is_set:
            raise UsageError(f"{where}: required variable {name} is missing: {arg}", f"set {name}")
        return env[name], pos
    if op in (":+", "+"):
        use_alt = (not empty) if op == ":+" else is_set
        return (arg if use_alt else ""), pos
    return _lookup(name, env, missing), pos


def _lookup(name: str, env: Mapping[str, str], missing: set[str]) -> str:
    if name not in env:
        missing.add(name)
        return ""
    return env[name]


def interpolate_tree(value: Any, env: Mapping[str, str], where: str, missing: set[str]) -> Any:
    """Every string inside `value` (dict values and list items; keys stay as written)."""
    if isinstance(value, str):
        return interpolate(value, env, where, missing)
    if isinstance(value, dict):
        return {k: interpolate_tree(v, env, where, missing) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate_tree(v, env, where, missing) for v in value]
    return value
