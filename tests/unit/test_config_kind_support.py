"""Fixture config files in every format, and config steps built as step.toml holds them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gitmigrate.core import tomlwrite
from gitmigrate.core.model import Step
from gitmigrate.kinds.config.changes import CHANGES_FILE, dump, from_options
from gitmigrate.kinds.config.options import options_of

YAML = (
    "# app settings\n"
    "server:\n"
    "  host: localhost   # where it listens\n"
    "  port: 80\n"
    "names: [a, b]\n"
    'greeting: "h\u00e9llo"\n'
)
TOML = '# app settings\n[server]\nhost = "localhost"  # where it listens\nport = 80\n'
JSON = '{\n  "server": {\n    "host": "localhost",\n    "port": 80\n  }\n}\n'
INI = "; app settings\n[server]\nhost = localhost\nport = 80\n"
ENV = "# app settings\nHOST=localhost\nPORT=80\n"

FILES = {"app.yaml": YAML, "app.toml": TOML, "app.json": JSON, "app.ini": INI, ".env": ENV}


def write_tree(root: Path, files: dict[str, str] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in (files or FILES).items():
        (root / name).write_bytes(text.encode("utf-8"))
    return root


def config_step(options: dict[str, Any], files: dict[str, bytes] | None = None) -> Step:
    """A config step as the catalog reads it (options through step.toml and back)."""
    import tomllib

    typed = options_of(options)
    meta = {"kind": "config", "summary": "a config change", "options": typed.to_toml()}
    text = tomlwrite.dumps(meta)
    step_files = {"step.toml": text.encode(), CHANGES_FILE: dump(from_options(typed), ())}
    step_files.update(files or {})
    return Step(
        migration="cfg",
        seq=1,
        slug="a-config-change",
        kind="config",
        summary="a config change",
        files=step_files,
        options=tomllib.loads(text)["options"],
    )
