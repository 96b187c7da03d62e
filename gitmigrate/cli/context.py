"""Helpers every command shares: which repository the user meant (`-C DIR`, else the current
directory), passed to the API as is."""

from __future__ import annotations

from pathlib import Path

import click


def repo_from(ctx: click.Context) -> Path | None:
    obj = ctx.find_root().obj or {}
    repo_dir: Path | None = obj.get("repo_dir")
    return repo_dir
