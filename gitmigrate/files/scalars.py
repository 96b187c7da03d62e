"""Scalar literals per format: the text a value is written as (keeping the quoting style of
the literal it replaces, so a `set` changes the value and nothing else), key names as each
format writes them, and a value given on the command line read as YAML 1.2 core schema would."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

from gitmigrate.errors import UsageError

_YAML_NULL = re.compile(r"~|null|Null|NULL|")
_YAML_TRUE = re.compile(r"true|True|TRUE")
_YAML_FALSE = re.compile(r"false|False|FALSE")
_YAML_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_YAML_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
# plain scalars a YAML 1.1 reader (PyYAML, many tools) would not read as a string
_YAML_11 = re.compile(
    r"y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+"
    r"|[-+]?(?:0b[01_]+|0[0-7_]+|[0-9][0-9_]*\.?[0-9_]*(?:[eE][-+]?[0-9]+)?)"
    r"|\d{4}-\d{1,2}-\d{1,2}(?:[Tt ].*)?"
)
_YAML_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_TOML_BARE = re.compile(r"[A-Za-z0-9_-]+")
_ENV_PLAIN = re.compile(r"[^\s#'\"\\$`]*")


def parse_cli_value(text: str, format: str) -> Any:
    """A VALUE typed on the command line: `8080` -> 8080, `true` -> True, `null` -> None,
    `[1,2]` / `{"a":1}` (JSON) -> list/dict, anything else the string itself. INI and .env
    hold strings only, so there the text is taken as it is."""
    if format in ("ini", "env"):
        return text
    stripped = text.strip()
    if stripped[:1] in ("[", "{"):
        try:
            return json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise UsageError(
                f"value {text!r} is not valid JSON: {exc.msg} (character {exc.pos + 1})",
                'write lists and maps as JSON: [1, 2] or {"a": 1}; quote a plain string',
            ) from None
    return yaml_plain_value(text)


def yaml_plain_value(text: str) -> Any:
    """What a plain (unquoted) YAML 1.2 scalar means in the core schema (dates as str)."""
    if _YAML_NULL.fullmatch(text):
        return None
    if _YAML_TRUE.fullmatch(text):
        return True
    if _YAML_FALSE.fullmatch(text):
        return False
    if _YAML_INT.fullmatch(text):
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text)
    if _YAML_FLOAT.fullmatch(text):
        lowered = text.lower()
        if lowered.endswith("inf"):
            return -math.inf if lowered.startswith("-") else math.inf
        if lowered.endswith("nan"):
            return math.nan
        return float(text)
    return text


def render_scalar(value: Any, format: str, *, like: str | None = None) -> str:
    """The literal text of `value` in `format`; `like` (the literal it replaces) picks the
    quoting style when it can hold the value."""
    if isinstance(value, dict | list):
        raise TypeError("render_scalar takes scalars; use render.render_value for containers")
    renderer = _RENDERERS.get(format)
    if renderer is None:
        raise UsageError(f"unknown format {format!r}", "use one of yaml, json, toml, ini, env")
    return renderer(value, like or "")


def render_key(key: str, format: str) -> str:
    """A mapping key as `format` writes it (quoted only when it has to be)."""
    if format == "json":
        return json.dumps(key, ensure_ascii=False)
    if format == "toml":
        return key if _TOML_BARE.fullmatch(key) else _toml_basic(key)
    if format == "yaml":
        if _yaml_plain_ok(key) and yaml_plain_value(key) == key:
            return key
        return _yaml_double(key) if "\n" in key else _yaml_single(key)
    return key


def float_literal(value: float, inf: str, nan: str) -> str:
    """A float as YAML and TOML write it: `repr`, with the format's names for NaN and the
    infinities (YAML `.inf`/`.nan`, TOML `inf`/`nan`)."""
    if math.isnan(value):
        return nan
    if math.isinf(value):
        return inf if value > 0 else "-" + inf.lstrip("+")
    return repr(value)


# -- YAML ------------------------------------------------------------------------------------


def _yaml(value: Any, like: str) -> str:
    if value is None:
        return like if like in ("~", "null", "Null", "NULL") else "null"
    if isinstance(value, bool):
        text = "true" if value else "false"
        return text.capitalize() if like[:1].isupper() else text
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return float_literal(value, ".inf", ".nan")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    text = str(value)
    if like[:1] in ("|", ">") and "\n" in text:
        return _yaml_block(text, like)
    if like.startswith("'") and "\n" not in text:
        return _yaml_single(text)
    if like.startswith('"'):
        return _yaml_double(text)
    if _yaml_plain_ok(text) and yaml_plain_value(text) == text and not _YAML_11.fullmatch(text):
        return text
    return _yaml_double(text) if "\n" in text or not text.isprintable() else _yaml_single(text)


def _yaml_plain_ok(text: str) -> bool:
    if not text or text != text.strip() or "\n" in text or not text.isprintable():
        return False
    if text[0] in _YAML_INDICATORS and not (text[0] in "-?:" and len(text) > 1 and text[1] != " "):
        return False
    return ": " not in text and " #" not in text and not text.endswith(":")


def _yaml_single(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _yaml_double(text: str) -> str:
    return escape_unprintable(json.dumps(text, ensure_ascii=False))


def escape_unprintable(quoted: str) -> str:
    """JSON leaves DEL and the C1 controls raw; YAML and TOML strings may not hold them (give
    this JSON text: it writes them as \\uXXXX, or \\UXXXXXXXX past U+FFFF, which both read)."""
    return "".join(
        c if c.isprintable() else f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"
        for c in quoted
    )


def _yaml_block(text: str, like: str) -> str:
    """A literal block scalar indented as the one it replaces (`like`)."""
    lines = like.split("\n")
    indent = next(
        (line[: len(line) - len(line.lstrip(" "))] for line in lines[1:] if line.strip()),
        "  ",
    )
    body = text[:-1] if text.endswith("\n") else text
    chomp = "" if text.endswith("\n") and not text.endswith("\n\n") else "-"
    if text.endswith("\n\n"):
        chomp, body = "+", text[:-1]
    out = [("|" + chomp)] + [indent + line if line else "" for line in body.split("\n")]
    return "\n".join(out)  # the editor writes the document's own line ending


# -- JSON, TOML, INI, .env ---------------------------------------------------------------------


def _json(value: Any, like: str) -> str:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return json.dumps(value.isoformat())
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise UsageError(f"JSON cannot hold {value}", "give a finite number or a string")
    return json.dumps(value, ensure_ascii=False)


def _toml(value: Any, like: str) -> str:
    if value is None:
        raise UsageError("TOML has no null", "unset the key instead, or give a value")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return float_literal(value, "inf", "nan")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    text = str(value)
    if like.startswith("'''") and "'''" not in text:
        return "'''" + text + "'''"
    if like.startswith("'") and "'" not in text and "\n" not in text and text.isprintable():
        return "'" + text + "'"
    if like.startswith('"""'):
        lines = (_toml_basic(line)[1:-1] for line in text.split("\n"))
        return '"""' + "\n".join(lines) + '"""'
    return _toml_basic(text)


def _toml_basic(text: str) -> str:
    return escape_unprintable(json.dumps(text, ensure_ascii=False))


def _ini(value: Any, like: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    lines = text.split("\n")
    if any(line != line.strip() for line in lines) or (len(lines) > 1 and not lines[-1]):
        raise UsageError(
            f"INI cannot hold a value with blanks around a line or a final newline: {text!r}",
            "configparser strips them when it reads; drop them from the value",
        )
    # continuation lines are indented; an empty line inside the value stays empty
    return lines[0] + "".join("\n" + ("    " + line if line else "") for line in lines[1:])


def _env(value: Any, like: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    single_ok = "'" not in text and "\n" not in text
    if single_ok and (like.startswith("'") or "$" in text):  # `$x` expands in double quotes
        return "'" + text + "'"
    if like.startswith('"') or not _ENV_PLAIN.fullmatch(text):
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return '"' + escaped + '"'
    return text


_RENDERERS = {"yaml": _yaml, "json": _json, "toml": _toml, "ini": _ini, "env": _env}
