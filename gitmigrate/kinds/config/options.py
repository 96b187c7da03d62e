"""A config step's [options]: which operation on which files, read and checked in one place.

[options]
op = "set"                 # set | unset | rename | move | convert | merge
                           # | encrypt | rotate | update-keys
file = "config/app.yaml"   # relative to the tree (the repository, or `target`)
key = "server.port"
value = 8080               # set: a TOML value; `null = true` sets null
# new_key = "..."          # rename, move
# to = "toml", out = "...", lossy = true     # convert
# sources = ["a.yaml", "b.yaml"], out = "..." # merge
# keys = "REGEX", age = [...], pgp = [...]    # encrypt / update-keys
# schema = "config/schema.json"               # validated before and after
# env = "prod"                                # an environment of .gitmigrate.toml
# target = "deployed"                         # an outside tree of .gitmigrate.toml
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from gitmigrate.errors import UsageError

EDITS = ("set", "unset", "rename", "move")
SECRET_OPS = ("encrypt", "rotate", "update-keys")
OPS = (*EDITS, "convert", "merge", *SECRET_OPS)

_NEEDS: dict[str, tuple[str, ...]] = {
    "set": ("file", "key"),
    "unset": ("file", "key"),
    "rename": ("file", "key", "new_key"),
    "move": ("file", "key", "new_key"),
    "convert": ("file", "to"),
    "merge": ("sources", "out"),
    "encrypt": ("file",),
    "rotate": ("file",),
    "update-keys": ("file",),
}


@dataclass(frozen=True)
class ConfigOptions:
    """The options of one config step, typed."""

    op: str
    file: str | None = None
    key: str | None = None
    value: Any = None
    has_value: bool = False  # set: False only when the options are broken
    new_key: str | None = None
    to: str | None = None
    out: str | None = None
    lossy: bool = False
    sources: tuple[str, ...] = ()
    keys: str | None = None  # encrypt: which key paths (a regex), default every value
    age: tuple[str, ...] = ()
    pgp: tuple[str, ...] = ()
    schema: str | None = None
    layers: tuple[str, ...] = ()  # the environment's files: the schema judges their merge
    env: str | None = None
    target: str | None = None

    @property
    def inputs(self) -> tuple[str, ...]:
        """The files the operation reads."""
        return self.sources if self.op == "merge" else (str(self.file),)

    @property
    def outputs(self) -> tuple[str, ...]:
        """The files the operation writes (or deletes)."""
        if self.op == "merge":
            return (str(self.out),)
        if self.op == "convert":
            out = self.converted_path
            return (str(self.file), out) if self.replaces_source and out != self.file else (out,)
        return (str(self.file),)

    @property
    def converted_path(self) -> str:
        """convert: where the result goes (`out`, else the source with the new suffix)."""
        from gitmigrate.files.formats import SUFFIX_OF

        if self.out:
            return self.out
        source = PurePosixPath(str(self.file))
        return source.with_suffix(SUFFIX_OF[str(self.to)]).as_posix()

    @property
    def replaces_source(self) -> bool:
        """convert without `out`: the converted file takes the source's place."""
        return self.op == "convert" and not self.out

    def to_toml(self) -> dict[str, Any]:
        """The [options] table of step.toml (None values left out: TOML has no null)."""
        out: dict[str, Any] = {"op": self.op}
        for name in ("file", "key", "new_key", "to", "out", "keys", "schema", "env", "target"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.op == "set":
            if self.value is None:
                out["null"] = True
            else:
                out["value"] = self.value
        if self.lossy:
            out["lossy"] = True
        for name in ("sources", "layers", "age", "pgp"):
            if getattr(self, name):
                out[name] = list(getattr(self, name))
        return out


def options_of(raw: Mapping[str, Any], where: str = "[options]") -> ConfigOptions:
    """Typed options from step.toml's [options] (or an API call's mapping); what is missing or
    of the wrong type is a UsageError naming the option."""
    raw = {k: _flag(v) if k in ("lossy", "null") else v for k, v in raw.items()}
    op = raw.get("op")
    if op not in OPS:
        raise UsageError(
            f"{where}: op must be one of {', '.join(OPS)}, not {op!r}",
            'set op = "set" (or another operation) under [options]',
        )
    missing = [name for name in _NEEDS[str(op)] if not raw.get(name)]
    if op == "set" and "value" not in raw and not raw.get("null"):
        missing.append("value")
    if missing:
        raise UsageError(
            f"{where}: config {op} needs the option(s) {', '.join(missing)}",
            f"give {', '.join(missing)} (see docs/kinds/config.md)",
        )
    for name in ("file", "key", "new_key", "to", "out", "keys", "schema", "env", "target"):
        if raw.get(name) is not None and not isinstance(raw.get(name), str):
            raise UsageError(f"{where}: {name} must be a string", f'write {name} = "..."')
    if op == "convert":
        from gitmigrate.files.formats import format_of

        format_of("", str(raw["to"]))  # an unknown format is a UsageError listing them
    for name in ("file", "out", "schema", "sources", "layers"):
        for path in _as_list(raw.get(name)):
            tree_path(path, name)
    return ConfigOptions(
        op=str(op),
        file=_str(raw.get("file")),
        key=_str(raw.get("key")),
        value=None if raw.get("null") else raw.get("value"),
        has_value="value" in raw or bool(raw.get("null")),
        new_key=_str(raw.get("new_key")),
        to=_str(raw.get("to")),
        out=_str(raw.get("out")),
        lossy=bool(raw.get("lossy", False)),
        sources=tuple(str(s) for s in _as_list(raw.get("sources"))),
        layers=tuple(str(s) for s in _as_list(raw.get("layers"))),
        keys=_str(raw.get("keys")),
        age=tuple(str(s) for s in _as_list(raw.get("age"))),
        pgp=tuple(str(s) for s in _as_list(raw.get("pgp"))),
        schema=_str(raw.get("schema")),
        env=_str(raw.get("env")),
        target=_str(raw.get("target")),
    )


def tree_path(path: str, what: str = "file") -> str:
    """A clean path relative to the tree: never absolute, never `..`, never into .git."""
    clean = PurePosixPath(path.replace("\\", "/"))
    if not clean.parts or clean.is_absolute() or ".." in clean.parts or clean.parts[0] == ".git":
        raise UsageError(
            f"{what} {path!r} is outside the repository (or the tree)",
            "give a path inside it, relative to its root",
        )
    return clean.as_posix()


def _flag(value: Any) -> Any:
    """`add config -o lossy=false` gives text: "true"/"false" as booleans."""
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]
