"""The model: a migration is a named branch of steps; a step is one commit's worth of files.

Frozen dataclasses cross module boundaries; dicts appear only at the JSON/notes edge.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gitmigrate.core.checksum import ALGORITHM, file_checksum, step_checksum

MIGRATIONS_DIR = "migrations"
MIGRATION_FILE = "migration.toml"
STEP_FILE = "step.toml"
KINDS = ("schema", "data", "api", "config", "code", "env", "platform", "sql")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
STEP_DIR_RE = re.compile(r"^(\d{3,})-([a-z0-9][a-z0-9-]*)$")


def valid_migration_name(name: str) -> bool:
    return bool(_NAME_RE.match(name)) and ".." not in name and not name.endswith((".", ".lock"))


def slugify(summary: str, limit: int = 40) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", summary.lower()).strip("-")
    return slug[:limit].rstrip("-") or "step"


@dataclass(frozen=True)
class Step:
    migration: str
    seq: int
    slug: str
    kind: str
    summary: str
    files: Mapping[str, bytes]
    options: Mapping[str, Any] = field(default_factory=dict)
    irreversible: str | None = None
    commit: str | None = None

    @property
    def id(self) -> str:
        return f"{self.migration}/{self.seq:03d}"

    @property
    def dir_name(self) -> str:
        return f"{self.seq:03d}-{self.slug}"

    @property
    def path(self) -> str:
        return f"{MIGRATIONS_DIR}/{self.migration}/{self.dir_name}"

    @property
    def checksum(self) -> str:
        return step_checksum(self.files)

    @property
    def checksum_algo(self) -> str:
        return ALGORITHM

    def text(self, name: str) -> str | None:
        content = self.files.get(name)
        return content.decode("utf-8-sig") if content is not None else None

    def file_checksums(self) -> dict[str, str]:
        return {name: file_checksum(body) for name, body in sorted(self.files.items())}


@dataclass(frozen=True)
class Migration:
    name: str
    description: str
    created: str
    base: str
    steps: tuple[Step, ...] = ()

    def step(self, seq: int) -> Step | None:
        return next((s for s in self.steps if s.seq == seq), None)

    @property
    def next_seq(self) -> int:
        return max((s.seq for s in self.steps), default=0) + 1
