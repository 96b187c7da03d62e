"""Shared by the platform kind's tests: a small real Compose project and Terraform project, and
`converters`, the fixture that makes sure the converters of gitmigrate/platform/ (P1's Compose to
Kubernetes, P4's Terraform) are importable: the tests run the real ones, never a stand-in."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from gitmigrate.kinds.platform.converters import (
    COMPOSE_MODULE,
    TERRAFORM_CHECK_MODULE,
    TERRAFORM_MODULE,
)

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


@pytest.fixture
def converters() -> str:
    """The real converters, imported (an ImportError here is a broken install, not a skip)."""
    for name in (COMPOSE_MODULE, TERRAFORM_MODULE, TERRAFORM_CHECK_MODULE):
        importlib.import_module(name)
    return "real"


def write_projects(repo: Path) -> None:
    """docker-compose.yml and infra/main.tf in the work tree (not committed)."""
    (repo / "docker-compose.yml").write_text(COMPOSE)
    (repo / "infra").mkdir(exist_ok=True)
    (repo / "infra" / "main.tf").write_text(TERRAFORM)
