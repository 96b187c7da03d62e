"""Shared by the platform kind's tests: a small real Compose project and Terraform project,
and `converters`, the fixture that makes sure the converters of gitmigrate/platform/ can be
imported. Until P1's and P4's converters are on this branch it puts tiny stand-ins in their
place (the kind is what these tests are about); once they are, the real ones run."""

from __future__ import annotations

import importlib
import re
import sys
import types
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from gitmigrate.kinds.platform.converters import COMPOSE_MODULE, TERRAFORM_MODULE

COMPOSE = """\
services:
  web:
    image: nginx:1.27
    ports:
      - "8080:80"
    environment:
      GREETING: ${GREETING:-hello}
    logging:
      driver: syslog
"""
TERRAFORM = """\
terraform {
  required_version = ">= 1.5"
}

resource "aws_s3_bucket" "assets" {
  bucket = "shop-assets"
}

resource "aws_iam_role" "app" {
  name = "app"
}
"""


@dataclass(frozen=True)
class _Options:
    controller: str = "deployment"
    volumes: str = "persistentVolumeClaim"
    namespace: str | None = None
    interpolate: bool = True
    emptyvols: bool = False
    replicas: int = 1


@dataclass(frozen=True)
class _Dropped:
    key: str
    where: str
    reason: str


@dataclass
class _Conversion:
    resources: list[dict[str, Any]]
    files: dict[str, str]
    dropped: list[_Dropped]
    notes: list[str] = field(default_factory=list)


def _convert_compose(files: Sequence[Path], *, env: Mapping[str, str] | None = None,
                     options: _Options = _Options(), base_dir: Path | None = None) -> _Conversion:  # fmt: skip
    from ruamel.yaml import YAML

    doc = YAML(typ="safe", pure=True).load(Path(files[0]).read_text())
    resources: list[dict[str, Any]] = []
    files_out: dict[str, str] = {}
    dropped: list[_Dropped] = []
    for name, service in doc["services"].items():
        deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
                      "spec": {"replicas": options.replicas,
                               "template": {"spec": {"containers": [
                                   {"name": name, "image": service["image"]}]}}}}  # fmt: skip
        resources.append(deployment)
        files_out[f"{name}-deployment.yaml"] = (
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n"
            f"spec:\n  template:\n    spec:\n      containers:\n"
            f"        - image: {service['image']}\n          name: {name}\n"
        )
        for key in service:
            if key == "logging":
                dropped.append(_Dropped(f"services.{name}.logging", f"{files[0]}:9:5",
                                        "logs are collected by the cluster's logging agent, not per container"))  # fmt: skip
    return _Conversion(resources, files_out, dropped)


def _validate_manifests(resources: Sequence[Mapping[str, Any]], *, version: str | None = None) -> list[str]:  # fmt: skip
    return [f"{r.get('kind')}: no metadata.name" for r in resources
            if not (r.get("metadata") or {}).get("name")]  # fmt: skip


@dataclass
class _TerraformConversion:
    files: dict[str, str]
    converted: list[str]
    needs_person: list[str]
    untouched_blocks: int


_BUCKET = re.compile(r'resource "aws_s3_bucket" "(\w+)" \{\n  bucket = "([^"]*)"\n\}')


def _convert_terraform(root: Path, *, source: str = "aws", target: str = "gcp") -> _TerraformConversion:  # fmt: skip
    files, converted, person = {}, [], []
    for tf in sorted(root.rglob("*.tf")):
        text = tf.read_text()
        new = _BUCKET.sub(r'resource "google_storage_bucket" "\1" {\n  name     = "\2"\n  location = "US"\n}', text)  # fmt: skip
        converted += [f"aws_s3_bucket.{m} -> google_storage_bucket.{m}" for m in _BUCKET.findall(text)]  # fmt: skip
        person += [f"aws_iam_role.{m}: IAM is not mapped" for m in re.findall(r'"aws_iam_role" "(\w+)"', text)]  # fmt: skip
        if new != text:
            files[tf.relative_to(root).as_posix()] = new
    return _TerraformConversion(files, converted, person, 2)


def _check_terraform(files: Mapping[str, str], *, provider: str) -> list[str]:
    return [f"{p}: does not parse (unbalanced braces)" for p, t in files.items()
            if t.count("{") != t.count("}")]  # fmt: skip


def _available(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


@pytest.fixture
def converters(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """ "real" when gitmigrate/platform's converters are importable, else "stand-in"."""
    real = True
    if not _available(COMPOSE_MODULE):
        real = False
        module = types.ModuleType(COMPOSE_MODULE)
        module.ComposeOptions = _Options  # type: ignore[attr-defined]
        module.convert_compose = _convert_compose  # type: ignore[attr-defined]
        module.validate_manifests = _validate_manifests  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, COMPOSE_MODULE, module)
    if not _available(TERRAFORM_MODULE):
        real = False
        module = types.ModuleType(TERRAFORM_MODULE)
        module.convert_terraform = _convert_terraform  # type: ignore[attr-defined]
        module.check_terraform = _check_terraform  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, TERRAFORM_MODULE, module)
    yield "real" if real else "stand-in"


def write_projects(repo: Path) -> None:
    """docker-compose.yml and infra/main.tf in the work tree (not committed)."""
    (repo / "docker-compose.yml").write_text(COMPOSE)
    (repo / "infra").mkdir(exist_ok=True)
    (repo / "infra" / "main.tf").write_text(TERRAFORM)
