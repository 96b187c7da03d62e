"""What `platform scan` finds, as values: one Item per thing the repository uses (a Terraform
block, a Compose service, a Kubernetes object, a Dockerfile base image, an SDK client in Python)
at file:line, and one Problem per file that could not be read (the scan goes on)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

# Item.provider values besides services.PROVIDERS
SELF_HOSTED = "self-hosted"  # a container image (Compose, Kubernetes, Dockerfile)
KUBERNETES = "kubernetes"
OTHER = "other"  # a Terraform provider we have no table for (random, null, helm ...)


@dataclass(frozen=True)
class Item:
    """One use of a platform service. `key` is what the table is searched by (a Terraform
    type, a boto3 service name, a Python module, an image name); `rows` the table rows found
    (several when the code does not say which, empty when the table has none)."""

    source: str  # terraform | compose | kubernetes | dockerfile | python
    kind: str  # resource, data, module, provider, service, volume, object, base-image, port, client, import
    provider: str  # aws | gcp | azure | self-hosted | kubernetes | other
    category: str
    service: str
    resource: str  # what is written: aws_s3_bucket.assets, boto3.client("s3"), postgres:16
    file: str  # relative to the scanned root, with /
    line: int
    key: str = ""
    rows: tuple[str, ...] = ()

    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "kind": self.kind,
            "provider": self.provider,
            "category": self.category,
            "service": self.service,
            "resource": self.resource,
            "file": self.file,
            "line": self.line,
            "key": self.key,
            "rows": list(self.rows),
        }


@dataclass(frozen=True)
class Problem:
    """A file the scan could not read, located (1-based line and column)."""

    file: str
    line: int
    column: int
    message: str

    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass(frozen=True)
class ServiceUse:
    """One service with every place it is used (the summary a person reads first)."""

    provider: str
    category: str
    service: str
    places: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"provider": self.provider, "category": self.category, "service": self.service,
                "count": len(self.places), "places": list(self.places)}  # fmt: skip


@dataclass(frozen=True)
class Inventory:
    root: str
    items: tuple[Item, ...]
    problems: tuple[Problem, ...] = ()
    files: tuple[str, ...] = field(default_factory=tuple)  # every file read, relative

    @property
    def services(self) -> tuple[ServiceUse, ...]:
        grouped: dict[tuple[str, str, str], list[str]] = {}
        for item in self.items:
            if item.kind in ("provider", "port"):
                continue
            grouped.setdefault((item.provider, item.category, item.service), []).append(
                item.where()
            )
        return tuple(
            ServiceUse(provider, category, service, tuple(places))
            for (provider, category, service), places in sorted(grouped.items())
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "files": list(self.files),
            "services": [s.to_json() for s in self.services],
            "items": [i.to_json() for i in self.items],
            "problems": [p.to_json() for p in self.problems],
        }


def sort_items(items: Sequence[Item]) -> tuple[Item, ...]:
    return tuple(sorted(items, key=lambda i: (i.file, i.line, i.kind, i.resource)))
