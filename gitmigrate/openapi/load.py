"""load_spec: a spec's source (file, `REV:path`, allowed URL) -> a Spec with every `$ref`
resolved in place, Swagger 2.0 converted to the 3.0 shape, and a lazy way to file:line:col.

Bad input is refused with one line (UsageError, exit 2): invalid YAML/JSON at file:line:col,
not an OpenAPI document, an unsupported version, a spec over the size limit, a remote `$ref`
without `allow_remote`, an unresolved or circular `$ref` (refs.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.openapi.load_parse import parse_text
from gitmigrate.openapi.load_refs import FastResolver, text_keys
from gitmigrate.openapi.load_source import (
    MAX_BYTES,
    Source,
    fetch_url,
    is_remote,
    open_source,
    refuse_remote,
)
from gitmigrate.openapi.load_swagger import convert, is_swagger, written_pointer
from gitmigrate.openapi.load_where import (
    JsonLocator,
    Locator,
    Translated,
    YamlTextLocator,
)
from gitmigrate.openapi.spec import Spec


def load_spec(
    source: str, *, cwd: Path | None = None, allow_remote: bool = False, limit: int = MAX_BYTES
) -> Spec:
    """A file path, `REV:path` read from the git repository at `cwd`, or (allowed) a URL."""
    reader = open_source(source, Path(cwd or Path.cwd()), limit)
    if is_remote(reader.root) and not allow_remote:
        raise UsageError(f"{source} is remote", "pass --allow-remote to fetch it, or give a file")
    files = _Files(reader, allow_remote)
    root = files.load(reader.root, source)
    version = _version(root, source)
    if version == "2.0":
        root = convert(root)
        files.documents[reader.root] = root
        files.locators[reader.root] = Translated(files.locators[reader.root], written_pointer)
    resolver = FastResolver(reader.root, root, files.fetch, string_keys=files.text_keys)
    files.resolver = resolver
    doc = resolver.resolve(reader.root)
    names = {key: reader.name(key) for key in files.documents}
    names[reader.root] = source
    return Spec(source, doc, version, resolver.result, files.locators, names)


class _Files:
    """The texts read for one spec, parsed once each, with their position finders."""

    def __init__(self, source: Source, allow_remote: bool) -> None:
        self.source = source
        self.allow_remote = allow_remote
        self.documents: dict[str, Any] = {}
        self.locators: dict[str, Locator] = {}
        self.text_keys = False  # a file's keys may be ints (yaml_rs): the resolver fixes them
        self.resolver: FastResolver | None = None

    def load(self, key: str, shown: str) -> Any:
        if is_remote(key) and not is_remote(self.source.root):
            text = fetch_url(key, self.source.limit)
        else:
            text = self.source.read(key)
        parsed = parse_text(text, shown)
        if parsed.text_keys:
            self.text_keys = True
            if self.resolver is not None:
                self.resolver.string_keys = True
            if isinstance(parsed.data, dict):
                text_keys(parsed.data)  # the top level is read before the resolver runs
        self.documents[key] = parsed.data
        if parsed.format == "json":
            self.locators[key] = JsonLocator(text)
        else:
            self.locators[key] = YamlTextLocator(text)
        return parsed.data

    def fetch(self, from_key: str, part: str) -> tuple[str, Any]:
        """The file a `$ref` names (relative to the file it is written in) and its data."""
        if is_remote(part) or is_remote(from_key):
            if not self.allow_remote:
                raise refuse_remote(self.source.name(from_key), part)
            from urllib.parse import urljoin

            key = part if is_remote(part) else urljoin(from_key, part)
        else:
            key = self.source.join(from_key, part)
        if key not in self.documents:
            self.load(key, self.source.name(key))
        return key, self.documents[key]


def _version(data: Any, source: str) -> str:
    if not isinstance(data, dict) or not ("openapi" in data or "swagger" in data):
        raise UsageError(
            f"{source} is not an OpenAPI document (no top-level 'openapi' or 'swagger' key)",
            "give an OpenAPI 3.0/3.1 or Swagger 2.0 file",
        )
    if is_swagger(data):
        return "2.0"
    written = str(data.get("openapi", data.get("swagger", "")))
    if written.startswith("3.0"):
        return "3.0"
    if written.startswith("3.1"):
        return "3.1"
    raise UsageError(
        f"{source}: OpenAPI version {written!r} is not supported",
        "give an OpenAPI 3.0/3.1 or Swagger 2.0 file",
    )
