"""The `[api]` table of .gitmigrate.toml (core's ProjectConfig leaves kind tables to their
kinds): whether a push needs an adapter or a waiver for each breaking change, the guide's URL
(for the adapter's Link header and the notices), and the API's consumers.

    [api]
    require_adapter = true
    guide_url = "https://example.com/api/v2-guide"

    [api.consumers.mobile]                  # or [[api.consumers]] with name = "mobile"
    contact = "mobile-team@example.com"
    operations = ["GET /pets/{id}", "listPets"]   # METHOD /path or operationId; "*" for all
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmigrate.core.config import CONFIG_FILE
from gitmigrate.errors import ConfigError


@dataclass(frozen=True)
class Consumer:
    name: str
    contact: str = ""
    operations: tuple[str, ...] = ("*",)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "contact": self.contact, "operations": list(self.operations)}


@dataclass(frozen=True)
class ApiSettings:
    require_adapter: bool = False
    guide_url: str | None = None
    consumers: tuple[Consumer, ...] = ()


def _consumer(name: str, raw: Any) -> Consumer:
    where = f"{CONFIG_FILE}: [api.consumers] {name!r}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a table", "write contact = ... and operations = [...]")
    contact = raw.get("contact", "")
    operations = raw.get("operations", ["*"])
    if not isinstance(contact, str):
        raise ConfigError(
            f"{where}: contact must be a string", 'write contact = "team@example.com"'
        )
    if not isinstance(operations, list) or not all(isinstance(o, str) for o in operations):
        raise ConfigError(f"{where}: operations must be a list of strings",
                          'write operations = ["GET /pets/{id}", "listPets"]')  # fmt: skip
    return Consumer(str(raw.get("name", name)), contact, tuple(operations) or ("*",))


def settings_of(data: dict[str, Any]) -> ApiSettings:
    """The [api] table of a parsed .gitmigrate.toml; a wrong type is a ConfigError naming it."""
    table = data.get("api", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{CONFIG_FILE}: [api] must be a table", "see docs/kinds/api.md")
    require = table.get("require_adapter", False)
    if not isinstance(require, bool):
        raise ConfigError(f"{CONFIG_FILE}: [api] require_adapter must be true or false",
                          "write require_adapter = true")  # fmt: skip
    guide = table.get("guide_url")
    if guide is not None and not isinstance(guide, str):
        raise ConfigError(f"{CONFIG_FILE}: [api] guide_url must be a string", 'write guide_url = "https://..."')  # fmt: skip
    raw = table.get("consumers", {})
    if isinstance(raw, dict):
        consumers = tuple(_consumer(str(n), c) for n, c in raw.items())
    elif isinstance(raw, list):
        consumers = tuple(_consumer(str(c.get("name", f"#{i + 1}")) if isinstance(c, dict) else f"#{i + 1}", c)
                          for i, c in enumerate(raw))  # fmt: skip
    else:
        raise ConfigError(f"{CONFIG_FILE}: [api.consumers] must be tables", "see docs/kinds/api.md")
    return ApiSettings(require, guide, consumers)


def api_settings(root: Path) -> ApiSettings:
    """The [api] settings of the repository at `root` (defaults when there is no file)."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return ApiSettings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{CONFIG_FILE} is not valid TOML: {exc}", f"fix {path}") from exc
    return settings_of(data)
