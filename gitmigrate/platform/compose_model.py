"""The values a Compose conversion works with and returns (kept apart so the loader and the
Kubernetes builders share them without importing each other)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ComposeOptions:
    """kompose's `convert` flags that change the output (`--controller`, `--volumes`, `-n`,
    `--no-interpolate`, `--emptyvols`, `--service-group-mode/-name`, `--replicas`)."""

    controller: str = "deployment"  # deployment | statefulset | daemonset
    volumes: str = (
        "persistentVolumeClaim"  # persistentVolumeClaim | emptyDir | hostPath | configMap
    )
    namespace: str | None = None
    interpolate: bool = True
    emptyvols: bool = False
    service_group_mode: str | None = None  # label | volume
    service_group_name: str | None = None
    replicas: int = 1
    pvc_request_size: str = "100Mi"
    profiles: tuple[str, ...] = ()  # active Compose profiles; () converts every service
    network_policies: bool = False  # a NetworkPolicy per Compose network (kompose's flag)


@dataclass(frozen=True)
class Dropped:
    """A Compose key the conversion did not carry over, where it is written and why."""

    key: str
    where: str  # file:line:col
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"key": self.key, "where": self.where, "reason": self.reason}


@dataclass
class Conversion:
    resources: list[dict[str, Any]]  # Kubernetes objects, in output order
    files: dict[str, str]  # relative path under --out -> YAML text, one file per resource
    dropped: list[Dropped]
    notes: list[str]  # deliberate differences from kompose

    def to_json(self) -> dict[str, Any]:
        return {
            "resources": self.resources,
            "files": sorted(self.files),
            "dropped": [d.to_json() for d in self.dropped],
            "notes": self.notes,
        }


@dataclass
class Project:
    """Compose files merged in order, `extends` resolved, values interpolated."""

    services: dict[str, dict[str, Any]]
    top: dict[str, Any]  # volumes, networks, configs, secrets
    where: dict[tuple[str | int, ...], str]  # key path -> file:line:col of its last writer
    base_dir: Path
    env: dict[str, str]
    dropped: list[Dropped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def at(self, *path: str | int) -> str:
        """Where `path` (or its nearest written parent) is, as file:line:col."""
        key = tuple(path)
        while key:
            if key in self.where:
                return self.where[key]
            key = key[:-1]
        return self.where.get((), "<compose>")
