"""One store per format: `scan(text, name) -> Scanned`, `literal(value, leaf) -> str` (the text
of a plaintext or ENC value in place of a leaf), `comment(text) -> str`, and
`append_meta(text, block) -> str` (the sops block written after the data)."""

from __future__ import annotations

import importlib
from types import ModuleType

_MODULES = {"yaml": "yaml", "json": "json", "ini": "ini", "env": "dotenv", "toml": "toml"}


def store_for(format: str) -> ModuleType:
    return importlib.import_module(f"gitmigrate.files.sops.stores.{_MODULES[format]}")
