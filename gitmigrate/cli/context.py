"""Helpers every command shares: find the repository the user meant."""

from __future__ import annotations

import click

from gitmigrate.core.gitstore import GitRepo


def repo_from(ctx: click.Context) -> GitRepo:
    obj = ctx.find_root().obj or {}
    return GitRepo(obj.get("repo_dir"))
