"""Helpers for the endpoint and parameter check tests: write two small specs, diff them with
one check at the fixed date the conformance pairs use, and read back the ids."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

from gitmigrate.openapi.diff import diff_specs
from gitmigrate.openapi.model import ApiChange, DiffOptions
from gitmigrate.openapi.spec import load_spec

TODAY = dt.date(2026, 12, 7)


def spec(paths: str, *, rest: str = "", version: str = "3.0.3") -> str:
    """An OpenAPI document with the given `paths:` body (and other top-level keys)."""
    body = textwrap.indent(textwrap.dedent(paths).strip("\n"), "  ")
    extra = textwrap.dedent(rest).strip("\n")
    return f"openapi: {version}\ninfo:\n  title: t\n  version: '1'\npaths:\n{body}\n{extra}\n"


def diff(
    tmp_path: Path, base: str, revision: str, check: str | None = None, **options: Any
) -> list[ApiChange]:
    """The changes `check` (every check when None) reports from `base` to `revision`."""
    (tmp_path / "base.yaml").write_text(base, encoding="utf-8")
    (tmp_path / "revision.yaml").write_text(revision, encoding="utf-8")
    return diff_specs(
        load_spec(str(tmp_path / "base.yaml")),
        load_spec(str(tmp_path / "revision.yaml")),
        DiffOptions(today=TODAY, **options),
        checks=None if check is None else [check],
    )


def ids(changes: list[ApiChange]) -> list[str]:
    return sorted(change.id for change in changes)
