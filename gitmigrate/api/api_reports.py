"""The read-only api commands as plain functions: the changes between two OpenAPI specs
(`api diff`) and the notices for the API's consumers (`api notices`). OLD and NEW are files
(relative to the repository root) or `REV:path` read from git.

    from gitmigrate import api
    report = api.api_diff(repo, "main:openapi.yaml", "openapi.yaml", fail_on="ERR")
    print(report.render("markdown")); raise SystemExit(3 if report.blocking else 0)
    for notice in api.api_notices(repo, "main:openapi.yaml", "openapi.yaml").notices:
        print(notice.consumer.contact, notice.deadline)
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitmigrate.api._repo import RepoLike

if TYPE_CHECKING:
    from gitmigrate.openapi.model import ApiChange
    from gitmigrate.openapi.notices import Notice
    from gitmigrate.openapi.report import DiffReport


def _root(repo: RepoLike) -> Path:
    """The repository root when there is one; else the directory given (specs may be plain
    files outside any repository)."""
    from gitmigrate.errors import GitMigrateError

    try:
        from gitmigrate.api._repo import open_repo

        return open_repo(repo).root
    except GitMigrateError:
        return Path(str(repo)) if repo is not None else Path.cwd()


def _date(today: str | datetime.date | None) -> datetime.date:
    from gitmigrate.errors import UsageError

    if today is None:
        return datetime.date.today()
    if isinstance(today, datetime.date):
        return today
    try:
        return datetime.date.fromisoformat(today)
    except ValueError:
        raise UsageError(f"--today {today!r} is not a date", "give it as YYYY-MM-DD") from None


def _changes(root: Path, old: str, new: str, today: datetime.date, allow_remote: bool,
             cwd: Path | None) -> tuple[Any, Any, list[ApiChange]]:  # fmt: skip
    from gitmigrate.openapi.diff import diff_specs
    from gitmigrate.openapi.model import DiffOptions
    from gitmigrate.openapi.spec import load_spec

    where = cwd or root
    base = load_spec(old, cwd=where, allow_remote=allow_remote)
    revision = load_spec(new, cwd=where, allow_remote=allow_remote)
    options = DiffOptions(today=today, allow_remote=allow_remote)
    return base, revision, diff_specs(base, revision, options)


def api_diff(repo: RepoLike, old: str, new: str, *, fail_on: str = "ERR",
             today: str | datetime.date | None = None, allow_remote: bool = False,
             cwd: Path | None = None) -> DiffReport:  # fmt: skip
    """Every change from OLD to NEW with oasdiff's ids and levels; `report.blocking` holds
    those at or above `fail_on` (ERR, WARN or INFO). `cwd` is where relative paths start
    (default: the repository root)."""
    from gitmigrate.openapi.model import level_named
    from gitmigrate.openapi.report import DiffReport

    level = level_named(fail_on)
    _, _, changes = _changes(_root(repo), old, new, _date(today), allow_remote, cwd)
    return DiffReport(old, new, tuple(changes), level)


@dataclass(frozen=True)
class ApiNotices:
    base: str
    revision: str
    notices: tuple[Notice, ...]

    def to_json(self) -> dict[str, Any]:
        return {"base": self.base, "revision": self.revision,
                "consumers": [n.to_json() for n in self.notices]}  # fmt: skip

    def text(self) -> str:
        from gitmigrate.openapi.notices import notices_text

        return notices_text(self.notices)


def api_notices(repo: RepoLike, old: str, new: str, *, today: str | datetime.date | None = None,
                allow_remote: bool = False, cwd: Path | None = None,
                consumers: Sequence[Any] | None = None) -> ApiNotices:  # fmt: skip
    """Per consumer of `[api.consumers]` (or `consumers` given): the changes to the operations
    it uses that it must act on, and by when."""
    from gitmigrate.openapi.notices import consumer_notices
    from gitmigrate.openapi.settings import api_settings

    root = _root(repo)
    base, revision, changes = _changes(root, old, new, _date(today), allow_remote, cwd)
    who = tuple(consumers) if consumers is not None else api_settings(root).consumers
    return ApiNotices(old, new, tuple(consumer_notices(changes, who, base, revision)))
