"""The api commands that commit a step on the current migration branch, as plain functions:
the migration guide (`api guide`), the v1 adapter (`api adapter`) and a deprecation
(`api deprecate`). Each commits the files it writes with the step (its rollback is the inverse
commit); `print_only=True` returns what it would commit instead.

    from gitmigrate import api
    api.api_guide(repo, "main:openapi.yaml", "openapi.yaml", summary="v2 guide",
                  out="docs/api/guide.md")
    api.api_deprecate(repo, "openapi.yaml", operation="GET /pets/{id}", sunset="2027-06-30",
                      summary="deprecate getPet")
    api.api_adapter_step(repo, "main:openapi.yaml", "openapi.yaml", out="app/v1_adapter",
                         summary="serve v1 on v2", waive=["... at GET /pets"], reason="...")
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gitmigrate.api._repo import RepoLike, open_repo

if TYPE_CHECKING:
    from gitmigrate.core.model import Step
    from gitmigrate.kinds.api.authoring import ApiPreview


@dataclass(frozen=True)
class ApiStep:
    """The committed step, or (print_only) the preview of what it would commit."""

    step: Step | None
    preview: ApiPreview | None
    files: tuple[str, ...] = ()
    breaking: tuple[str, ...] = ()  # "id at operation" of the ERR changes found
    manual: tuple[str, ...] = ()  # adapter: the ERR changes it could not map
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any]
        if self.step is not None:
            s = self.step
            out = {"committed": True, "step": s.id, "kind": s.kind, "summary": s.summary,
                   "commit": s.commit, "options": dict(s.options)}  # fmt: skip
        else:
            assert self.preview is not None
            out = {"committed": False, **self.preview.to_json()}
        return {**out, "files": list(self.files), "breaking": list(self.breaking),
                "manual": list(self.manual), "warnings": list(self.warnings)}  # fmt: skip


def _result(made: Any) -> ApiStep:
    from gitmigrate.core.model import Step
    from gitmigrate.kinds.api.options import options_of
    from gitmigrate.kinds.api.record import RecordedChange, changes_of, recorded

    if isinstance(made, Step):
        record = recorded(made)
        files = options_of(made.options).outputs
        warnings: tuple[str, ...] = ()
        if record.deprecated.get("shared") == "yes":
            warnings = (f"{record.deprecated.get('where')} is a shared schema: every operation"
                        " using it now shows the property deprecated",)  # fmt: skip
        return ApiStep(made, None, files, tuple(c.key for c in record.breaking), record.manual,
                       warnings)  # fmt: skip
    changes: tuple[RecordedChange, ...] = changes_of(list(made.changes))
    return ApiStep(None, made, tuple(made.files),
                   tuple(c.key for c in changes if c.level == "error"), tuple(made.manual))  # fmt: skip


def _author(repo: RepoLike, raw: dict[str, Any], summary: str, print_only: bool) -> ApiStep:
    from gitmigrate.kinds.api.authoring import author_api_step

    raw = {k: v for k, v in raw.items() if v not in (None, [], ())}
    return _result(author_api_step(open_repo(repo), raw, summary=summary, print_only=print_only))


def _today(today: str | datetime.date | None) -> str | None:
    return today.isoformat() if isinstance(today, datetime.date) else today


def api_guide(repo: RepoLike, old: str, new: str, *, summary: str, out: str | None = None,
              title: str | None = None, today: str | datetime.date | None = None,
              waive: Sequence[str] = (), reason: str | None = None,
              allow_remote: bool = False, print_only: bool = False) -> ApiStep:  # fmt: skip
    """Write the Markdown migration guide from OLD to NEW to `out` (default
    docs/api/migration-guide.md) and commit it as an api step."""
    raw = {"command": "guide", "base": old, "revision": new, "out": out, "title": title,
           "today": _today(today), "waive": list(waive), "reason": reason,
           "allow_remote": allow_remote or None}  # fmt: skip
    return _author(repo, raw, summary, print_only)


def api_adapter_step(repo: RepoLike, old: str, new: str, *, out: str, summary: str,
                     guide_url: str | None = None, today: str | datetime.date | None = None,
                     waive: Sequence[str] = (), reason: str | None = None,
                     allow_remote: bool = False, print_only: bool = False) -> ApiStep:  # fmt: skip
    """Generate the adapter that serves OLD's requests on NEW's implementation into `out`
    and commit it as an api step; the changes it cannot map are listed as manual."""
    raw = {"command": "adapter", "base": old, "revision": new, "out": out,
           "guide_url": guide_url, "today": _today(today), "waive": list(waive),
           "reason": reason, "allow_remote": allow_remote or None}  # fmt: skip
    return _author(repo, raw, summary, print_only)


def api_deprecate(repo: RepoLike, spec: str, *, operation: str, sunset: str, summary: str,
                  link: str | None = None, property: str | None = None,
                  print_only: bool = False) -> ApiStep:  # fmt: skip
    """Mark `operation` (METHOD /path or operationId), or one of its body properties,
    deprecated with a sunset date in the spec file, as an api step (a byte-preserving edit)."""
    raw = {"command": "deprecate", "spec": spec, "operation": operation, "sunset": sunset,
           "link": link, "property": property}  # fmt: skip
    return _author(repo, raw, summary, print_only)
