"""Authoring an api step: each command computes the project files it writes, with every check
done first (nothing is committed on error), and records what it found (record.py).

- guide: diff OLD and NEW (REV:path works), write the Markdown guide to `out`;
- adapter: diff them, ask the adapter generator (openapi/adapter.py) for its files under `out`,
  record the changes it could not map as manual;
- deprecate: mark an operation (or a body property) deprecated in the spec file, byte-preserving.

    author_api_step(repo, {"command": "guide", "base": "main:openapi.yaml",
                           "revision": "openapi.yaml", "out": "docs/api/guide.md"},
                    summary="v2 guide") -> Step (committed) | ApiPreview (print_only)
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from gitmigrate.core.config import load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import MIGRATIONS_DIR, Step
from gitmigrate.engine.kinds import AuthorRequest, StepFiles
from gitmigrate.errors import RepositoryStateError, UsageError
from gitmigrate.kinds.api.options import ADAPTER, DEPRECATE, GUIDE, ApiOptions, Waiver, options_of
from gitmigrate.kinds.api.record import FINDINGS_FILE, Recorded, copy_name

KIND = "api"
DEFAULT_GUIDE = "docs/api/migration-guide.md"


@dataclass(frozen=True)
class ApiPreview:
    """What an api step would commit (`--print`): its options, the files it would write and
    the changes it found."""

    summary: str
    options: dict[str, Any]
    files: dict[str, bytes]
    changes: tuple[dict[str, Any], ...] = ()
    manual: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"summary": self.summary, "options": self.options,
                "files": {p: b.decode("utf-8", "replace") for p, b in self.files.items()},
                "changes": list(self.changes), "manual": list(self.manual)}  # fmt: skip


@dataclass(frozen=True)
class Authored:
    files: StepFiles
    record: Recorded
    written: dict[str, bytes] = field(default_factory=dict)


def author_api(request: AuthorRequest) -> StepFiles:
    """Kind.author for api steps."""
    return authored(request.repo, request.options, request.irreversible).files


def _project_path(root: Path, raw: str, what: str) -> str:
    path = PurePosixPath(raw.replace("\\", "/"))
    if Path(raw).is_absolute():
        try:
            path = PurePosixPath(Path(raw).resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            raise UsageError(f"{what} {raw} is outside the repository",
                             "give a path inside the repository") from None  # fmt: skip
    if not path.parts or ".." in path.parts or path.parts[0] in (".git", MIGRATIONS_DIR):
        raise UsageError(f"{what} {raw} is not a project file",
                         "give a path inside the repository, outside .git and migrations/")  # fmt: skip
    return path.as_posix()


def _today(raw: Any) -> datetime.date:
    if raw in (None, ""):
        return datetime.date.today()
    if isinstance(raw, datetime.date):
        return raw
    try:
        return datetime.date.fromisoformat(str(raw))
    except ValueError:
        raise UsageError(f"--today {raw!r} is not a date", "give it as YYYY-MM-DD") from None


def _waivers(raw: Mapping[str, Any]) -> tuple[list[str], str | None]:
    waive = raw.get("waive") or []
    waive = [waive] if isinstance(waive, str) else [str(w) for w in waive]
    for text in waive:
        Waiver.parse(text, "--waive")
    reason = raw.get("reason")
    if waive and not str(reason or "").strip():
        raise UsageError("a waiver needs a reason", "pass --reason 'why it is safe to break'")
    return waive, (str(reason) if reason else None)


def _compared(root: Path, raw: Mapping[str, Any]) -> tuple[Any, Any, list[Any], datetime.date]:
    from gitmigrate.openapi.diff import diff_specs
    from gitmigrate.openapi.model import DiffOptions
    from gitmigrate.openapi.spec import load_spec

    base, revision = raw.get("base"), raw.get("revision")
    if not base or not revision:
        raise UsageError("an api step compares two specs", "give OLD and NEW (REV:path works)")
    today = _today(raw.get("today"))
    allow = bool(raw.get("allow_remote"))
    old = load_spec(str(base), cwd=root, allow_remote=allow)
    new = load_spec(str(revision), cwd=root, allow_remote=allow)
    return old, new, diff_specs(old, new, DiffOptions(today=today, allow_remote=allow)), today


def pinned(repo: GitRepo, source: str) -> str:
    """`REV:path` with REV as the commit it names now (`HEAD~1:openapi.yaml` means another
    spec tomorrow); a file path, or a REV git does not know, as given."""
    rev, sep, path = source.partition(":")
    if not sep or not rev or (repo.root / source).exists():
        return source
    commit = repo.rev_parse(rev)
    return f"{commit}:{path}" if commit else source


def _breaking(changes: list[Any]) -> tuple[str, ...]:
    return tuple(f"{c.id} at {c.operation or c.path or '*'}" for c in changes if c.level == "error")


def _digests(written: Mapping[str, bytes]) -> dict[str, str]:
    return {p: hashlib.sha256(b).hexdigest() for p, b in written.items()}


def _refuse_dirty(repo: GitRepo, paths: list[str]) -> None:
    dirty = set(repo.dirty_paths()) & set(paths)
    if dirty:
        raise RepositoryStateError(
            f"{', '.join(sorted(dirty))} has uncommitted changes",
            "commit or stash them first: the step's commit must hold only its own change",
        )


def authored(repo: GitRepo, raw: Mapping[str, Any], irreversible: str | None,
             *, print_only: bool = False) -> Authored:  # fmt: skip
    command = raw.get("command")
    if command == DEPRECATE:
        made = _deprecate(repo.root, raw)
    elif command in (GUIDE, ADAPTER):
        made = _guide(repo.root, raw) if command == GUIDE else _adapter(repo.root, raw)
    else:
        raise UsageError(f"unknown api command {command!r}", "give guide, adapter or deprecate")
    if command in (GUIDE, ADAPTER):
        made = _pinned_specs(repo, made)
    if not print_only:
        _refuse_dirty(repo, list(made.written))
    return made if irreversible is None else Authored(
        StepFiles(made.files.files, made.files.options, irreversible,
                  project_files=made.files.project_files), made.record, made.written)  # fmt: skip


def _pinned_specs(repo: GitRepo, made: Authored) -> Authored:
    """The step records the specs it compared by commit (the guide shows them as given)."""
    base, revision = pinned(repo, made.record.base), pinned(repo, made.record.revision)
    record = replace(made.record, base=base, revision=revision)
    options = {**made.files.options, "base": base, "revision": revision}
    files = {**made.files.files, FINDINGS_FILE: record.dump()}
    return Authored(replace(made.files, files=files, options=options), record, made.written)


def _finish(options: ApiOptions, record: Recorded, written: dict[str, bytes],
            keep_copies: bool) -> Authored:  # fmt: skip
    options_of(options.to_toml())  # what the step will be read back as
    files = {FINDINGS_FILE: record.dump()}
    if keep_copies:
        files.update({copy_name(p): b for p, b in written.items()})
    step_files = StepFiles(files, options.to_toml(), None, project_files=dict(written))
    return Authored(step_files, record, written)


def _guide(root: Path, raw: Mapping[str, Any]) -> Authored:
    from gitmigrate.openapi.guide import migration_guide

    waive, reason = _waivers(raw)
    out = _project_path(root, str(raw.get("out") or DEFAULT_GUIDE), "--out")
    old, new, changes, today = _compared(root, raw)
    text = migration_guide(old, new, changes, title=raw.get("title") or None)
    written = {out: text.encode("utf-8")}
    options = ApiOptions(GUIDE, base=old.name, revision=new.name, today=today.isoformat(),
                         outputs=(out,), breaking=_breaking(changes),
                         waive=tuple(Waiver.parse(w) for w in waive),
                         reason=reason)  # fmt: skip
    record = Recorded(old.name, new.name, raw_changes=tuple(c.to_json() for c in changes),
                      outputs=_digests(written))  # fmt: skip
    return _finish(options, record, written, keep_copies=True)


def _adapter(root: Path, raw: Mapping[str, Any]) -> Authored:
    from gitmigrate.openapi.adapter import generate_adapter
    from gitmigrate.openapi.model import DiffOptions
    from gitmigrate.openapi.settings import api_settings

    waive, reason = _waivers(raw)
    if not raw.get("out"):
        raise UsageError("an adapter needs a directory", "pass --out DIR (e.g. app/v1_adapter)")
    out = _project_path(root, str(raw["out"]), "--out")
    package = PurePosixPath(out).name
    if not package.isidentifier():
        raise UsageError(f"--out {out} does not end in a Python package name",
                         "name the folder as an identifier, e.g. app/v1_adapter")  # fmt: skip
    old, new, changes, today = _compared(root, raw)
    guide_url = raw.get("guide_url") or api_settings(root).guide_url
    result = generate_adapter(old, new, list(changes), guide_url=guide_url, today=today,
                              package=package, options=DiffOptions(today=today))  # fmt: skip
    # the generator also diffs moved operations under their v1 paths: record what it saw
    changes = list(result.changes or changes)
    written = {f"{out}/{rel}": body for rel, body in sorted(result.files.items())}
    manual = tuple(f"{c.id} at {c.operation or c.path or '*'}" for c in result.manual)
    options = ApiOptions(ADAPTER, base=old.name, revision=new.name, today=today.isoformat(),
                         outputs=tuple(written), breaking=_breaking(changes),
                         manual=manual, waive=tuple(Waiver.parse(w) for w in waive),
                         reason=reason)  # fmt: skip
    record = Recorded(old.name, new.name, raw_changes=tuple(c.to_json() for c in changes),
                      manual=manual, outputs=_digests(written))  # fmt: skip
    return _finish(options, record, written, keep_copies=True)


def _deprecate(root: Path, raw: Mapping[str, Any]) -> Authored:
    from gitmigrate.openapi.deprecate import Target, deprecate_text, sunset_date

    spec = _project_path(root, str(raw.get("spec") or ""), "spec")
    operation, sunset = raw.get("operation"), raw.get("sunset")
    if not operation or not sunset:
        raise UsageError("api deprecate needs --operation and --sunset",
                         "e.g. --operation 'GET /pets/{id}' --sunset 2027-06-30")  # fmt: skip
    sunset_date(str(sunset))
    file = root / spec
    if not file.is_file():
        raise UsageError(f"{spec} does not exist", "give the spec file to change (a path)")
    prop = str(raw["property"]) if raw.get("property") else None
    link = str(raw["link"]) if raw.get("link") else None
    before = file.read_bytes()
    from gitmigrate.files.document import decode

    made = deprecate_text(
        decode(before, spec), spec, Target(str(operation), prop), str(sunset), link
    )
    after = made.text.encode("utf-8")
    if after == before:
        what = made.operation + (f" property {prop}" if prop else "")
        raise UsageError(f"{what} is already deprecated with sunset {sunset}", "no step is needed")
    options = ApiOptions(DEPRECATE, spec=spec, operation=str(operation), property=prop,
                         sunset=str(sunset), link=link, outputs=(spec,))  # fmt: skip
    record = Recorded(outputs=_digests({spec: after}),
                      deprecated={"where": made.where_text, "operation": made.operation,
                                  "shared": "yes" if made.shared else "no"})  # fmt: skip
    return _finish(options, record, {spec: after}, keep_copies=False)


def author_api_step(repo: GitRepo, raw: Mapping[str, Any], *, summary: str,
                    print_only: bool = False) -> Step | ApiPreview:  # fmt: skip
    """Commit one api step on the current migration branch (its rollback: the inverse commit);
    with `print_only`, what it would commit."""
    if not print_only:
        from gitmigrate.engine.authoring import author_step

        return author_step(repo, KIND, summary, dict(raw))
    load_config(repo)  # not initialised: the same error as without --print
    made = authored(repo, raw, None, print_only=True)
    return ApiPreview(summary, made.files.options, made.written, made.record.raw_changes,
                      made.record.manual)  # fmt: skip
