"""A loaded spec: the document with its refs resolved in place (refs.py), the OpenAPI version
it was written in, and the way back from any of its dicts to file:line:col for messages.

`load_spec` reads a file, or `REV:path` from git (so a diff against main needs no checkout).
Parsing is fast (json, or a C YAML loader); positions come from the structured-file layer
only when a message needs one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.openapi.refs import Resolved, Resolver

_REV_PATH = re.compile(r"^(?P<rev>[^:\s]+):(?P<path>[^:]+)$")


@dataclass
class Spec:
    name: str
    doc: dict[str, Any]
    version: str
    resolved: Resolved = field(default_factory=Resolved, repr=False)
    texts: dict[str, str] = field(default_factory=dict, repr=False)  # file key -> its text
    _positions: dict[str, Any] = field(default_factory=dict, repr=False)

    def ref_name(self, obj: Any) -> str | None:
        return self.resolved.ref_names.get(id(obj))

    def pointer(self, obj: Any) -> tuple[str, tuple[str | int, ...]] | None:
        return self.resolved.origins.get(id(obj))

    def where(self, obj: Any) -> str:
        """file:line:col of a dict of the document, "" when not known."""
        origin = self.pointer(obj)
        if origin is None:
            return ""
        file, at = origin
        line, column = self._locate(file, at)
        return f"{file}:{line}:{column}" if line else file

    def _locate(self, file: str, at: tuple[str | int, ...]) -> tuple[int, int]:
        document = self._positions.get(file)
        if document is None and file in self.texts:
            from gitmigrate.files.document import loads

            try:
                document = loads(self.texts[file], _format(file), file)
            except UsageError:
                document = False
            self._positions[file] = document
        if not document:
            return 0, 0
        for length in range(len(at), -1, -1):  # the nearest written ancestor
            node = document.nodes.get(at[:length])
            if node is not None:
                return node.line, node.column
        return 0, 0


def _format(name: str) -> str:
    return "json" if name.lower().endswith(".json") else "yaml"


def load_spec(source: str, *, cwd: Path | None = None, allow_remote: bool = False) -> Spec:
    """A file path, or REV:path read from the git repository at `cwd`."""
    base = Path(cwd or Path.cwd())
    reader = _reader(source, base)
    texts: dict[str, str] = {}

    def fetch(from_file: str, part: str) -> tuple[str, Any]:
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", part):
            if not allow_remote:
                raise UsageError(
                    f"{from_file}: remote $ref {part} refused",
                    "pass --allow-remote to fetch it, or copy the file next to the spec",
                )
            raise UsageError(f"{from_file}: remote $ref {part} cannot be fetched here",
                             "copy the file next to the spec and ref it by a relative path")  # fmt: skip
        key = str(PurePosixPath(from_file).parent / part) if "/" in from_file else part
        key = _normal(key)
        if key not in texts:
            texts[key] = reader(key)
        return key, parse_text(texts[key], key)

    root_key = _normal(reader.root)
    texts[root_key] = reader(root_key)
    data = parse_text(texts[root_key], source)
    if not isinstance(data, dict) or not ("openapi" in data or "swagger" in data):
        raise UsageError(
            f"{source} is not an OpenAPI document (no top-level 'openapi' or 'swagger' key)",
            "give an OpenAPI 3.x or Swagger 2.0 file",
        )
    version = str(data.get("openapi") or data.get("swagger") or "")
    resolver = Resolver(root_key, data, fetch)
    doc = resolver.resolve(root_key)
    short = "2.0" if version.startswith("2") else "3.1" if version.startswith("3.1") else "3.0"
    return Spec(source, doc, short, resolver.result, texts)


class _Reader:
    def __init__(self, root: str, read: Any) -> None:
        self.root = root
        self._read = read

    def __call__(self, key: str) -> str:
        text: str = self._read(key)
        return text


def _reader(source: str, base: Path) -> _Reader:
    match = _REV_PATH.match(source)
    if match and not (base / source).exists() and len(match["rev"]) > 1:
        rev, path = match["rev"], match["path"]

        def read_rev(key: str) -> str:
            done = subprocess.run(
                ["git", "show", f"{rev}:{key}"], cwd=base, capture_output=True, check=False
            )
            if done.returncode != 0:
                raise UsageError(
                    f"{rev}:{key} cannot be read from git: {done.stderr.decode(errors='replace').strip()}",
                    "name a revision and a path relative to the repository root",
                )
            return _decode(done.stdout, f"{rev}:{key}")

        return _Reader(path, read_rev)

    def read_file(key: str) -> str:
        path = base / key
        try:
            return _decode(path.read_bytes(), key)
        except FileNotFoundError:
            raise UsageError(f"{key} does not exist", "give the path of an OpenAPI file") from None
        except IsADirectoryError:
            raise UsageError(f"{key} is a directory", "give the path of an OpenAPI file") from None

    return _Reader(source, read_file)


def _normal(key: str) -> str:
    parts: list[str] = []
    for part in PurePosixPath(key.replace("\\", "/")).parts:
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            else:
                parts.append(part)
        elif part != ".":
            parts.append(part)
    return "/".join(parts) if not key.startswith("/") else "/" + "/".join(parts[1:])


def _decode(raw: bytes, name: str) -> str:
    from gitmigrate.files.document import decode

    return decode(raw, name)


def parse_text(text: str, name: str) -> Any:
    """JSON or YAML text -> plain data; dates stay ISO strings, as JSON would carry them."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(text.lstrip("\ufeff"))
        except ValueError:
            pass
    try:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return _plain_dates(yaml.load(text, Loader=loader))  # noqa: S506 - a safe loader
    except ImportError:
        pass
    except Exception:  # the slow parser below names the position
        pass
    from gitmigrate.files.document import loads

    return _plain_dates(loads(text, _format(name), name).data)


def _plain_dates(value: Any) -> Any:
    if isinstance(value, dict):
        for key, item in list(value.items()):
            if isinstance(item, dt.date | dict | list):
                value[key] = _plain_dates(item)
        if any(not isinstance(key, str) for key in value):
            return {str(key): item for key, item in value.items()}
        return value
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dt.date | dict | list):
                value[index] = _plain_dates(item)
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
