"""Which structured format a file has, from its name (`--format` overrides it)."""

from __future__ import annotations

from pathlib import PurePath

from gitmigrate.errors import UsageError

FORMATS = ("yaml", "json", "toml", "ini", "env")

_SUFFIXES = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".toml": "toml",
    ".ini": "ini",
    ".cfg": "ini",
    ".conf": "ini",
    ".env": "env",
}

SUFFIX_OF = {"yaml": ".yaml", "json": ".json", "toml": ".toml", "ini": ".ini", "env": ".env"}


def format_of(path: str | PurePath, given: str | None = None) -> str:
    """The format of `path`: `given` when set, else from the suffix (`.env`, `.env.prod` and
    `prod.env` are .env files; `x.enc.yaml` is YAML)."""
    if given:
        if given not in FORMATS:
            raise UsageError(f"unknown format {given!r}", f"use one of {', '.join(FORMATS)}")
        return given
    name = PurePath(path).name
    if name == ".env" or name.startswith(".env."):
        return "env"
    suffix = PurePath(name).suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    raise UsageError(
        f"{path}: cannot tell its format from the name",
        f"name it *.yaml, *.json, *.toml, *.ini or *.env, or pass --format ({', '.join(FORMATS)})",
    )
