"""`config history KEY [FILE]`: each value a key had, with the commit (and the step) that set it.

Read from git, not from step metadata alone: plain commits count too. The file is followed
through renames (`git log --follow`) and through `convert` steps (their `out` was their
`file`); the key through `rename`/`move` steps (their `new_key` was their `key`). At each
commit the newest names that exist are used, so a rolled-back rename reads the old key again.

Merges: a commit is an entry when its value differs from the value in every parent. A merge
that took one side's value is not an entry (the side's own commit is); a merge that resolved
to a new value is. Entries come oldest first in topological order.

Values are never shown for secret keys (the caller says which through `secret`) nor for
encrypted values (`ENC[...]`): the entry says that it changed, not to what.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gitmigrate.core.gitstore import GitRepo, parse_trailers
from gitmigrate.core.model import MIGRATIONS_DIR, STEP_FILE
from gitmigrate.errors import GitMigrateError, UsageError
from gitmigrate.files.document import decode, loads
from gitmigrate.files.formats import format_of
from gitmigrate.files.keypath import KeyPath, format_key

_ENCRYPTED = re.compile(r"^ENC\[AES256_GCM,.*\]$", re.DOTALL)
_MISSING = object()
_TOOL_FILES = frozenset({".gitmigrate.toml", ".sops.yaml"})  # the tools' settings, not config


@dataclass(frozen=True)
class HistoryEntry:
    commit: str
    step: str | None  # the step id whose commit set it ("m/001"), None for a plain commit
    rollback: bool  # the commit rolls back `step`
    file: str  # the file's path at that commit
    key: KeyPath  # the key's path at that commit
    present: bool  # False: the key (or its file) was removed here
    value: Any  # None when hidden or removed
    hidden: bool  # a secret or an encrypted value: changed, not shown
    date: str  # author date, ISO 8601
    subject: str

    def to_json(self) -> dict[str, Any]:
        return {
            "commit": self.commit, "step": self.step, "rollback": self.rollback,
            "file": self.file, "key": format_key(self.key), "present": self.present,
            "value": self.value if self.present and not self.hidden else None,
            "hidden": self.hidden, "date": self.date, "subject": self.subject,
        }  # fmt: skip


@dataclass(frozen=True)
class _State:
    file: str | None
    key: KeyPath
    value: Any  # _MISSING when absent

    @property
    def present(self) -> bool:
        return self.value is not _MISSING


def key_history(
    repo: GitRepo,
    key: KeyPath,
    file: str | None = None,
    *,
    rev: str = "HEAD",
    secret: Callable[[KeyPath], bool] | None = None,
) -> list[HistoryEntry]:
    """Each value `key` had in `file` (every config file holding the key at `rev` when None),
    oldest first. `secret(path)` True hides the values of that key path."""
    files = [file.removeprefix("./")] if file else _files_with(repo, rev, key)
    entries: list[HistoryEntry] = []
    for name in files:
        entries += _history(repo, rev, key, name, secret or (lambda _path: False))
    return entries


def _files_with(repo: GitRepo, rev: str, key: KeyPath) -> list[str]:
    """The config files of `rev` that hold `key` (not step files, .gitmigrate.toml, .sops.yaml)."""
    reader = _Reader(repo)
    found = []
    for entry in repo.ls_tree(rev):
        if entry.path.startswith(f"{MIGRATIONS_DIR}/") or entry.path in _TOOL_FILES:
            continue
        if _format(entry.path) is None:
            continue
        if reader.value(entry.sha, entry.path, key) is not _MISSING:
            found.append(entry.path)
    if not found:
        raise UsageError(
            f"no config file at {rev} has the key {format_key(key)}",
            "name the file: git migrate config history KEY FILE",
        )
    return found


def _history(
    repo: GitRepo, rev: str, key: KeyPath, file: str, secret: Callable[[KeyPath], bool]
) -> list[HistoryEntry]:
    names = _file_names(repo, rev, file)
    steps = _config_steps(repo, rev)
    names = _convert_sources(names, steps)
    keys = _key_names(key, steps, names)
    reader = _Reader(repo)
    commits = _commits(repo, rev, names)
    if not commits:
        raise UsageError(
            f"{file} has no history at {rev}",
            "give the path of a committed file, relative to the repository root",
        )
    states: dict[str, _State] = {}

    def state(commit: str) -> _State:
        if commit not in states:
            states[commit] = reader.state(commit, names, keys)
        return states[commit]

    entries = []
    for commit, parents, date, subject, trailers in commits:
        now = state(commit)
        before = [state(p) for p in parents]
        if not before and not now.present:
            continue
        if any(_same(now, b) for b in before):
            continue
        if not now.present and not any(b.present for b in before):
            continue
        step = trailers.get("Migrate-Step") or trailers.get("Migrate-Rollback")
        shown_key = now.key if now.present else next((b.key for b in before if b.present), key)
        hidden = now.present and (
            secret(shown_key) or secret(key) or bool(_ENCRYPTED.match(str(now.value)))
        )
        entries.append(HistoryEntry(
            commit=commit, step=step, rollback="Migrate-Rollback" in trailers,
            file=now.file or next((b.file for b in before if b.file), file) or file,
            key=shown_key, present=now.present,
            value=None if hidden or not now.present else now.value,
            hidden=hidden, date=date, subject=subject,
        ))  # fmt: skip
    return entries


def _same(a: _State, b: _State) -> bool:
    if a.present != b.present:
        return False
    return not a.present or (a.value == b.value and type(a.value) is type(b.value))


def _format(path: str) -> str | None:
    try:
        return format_of(path)
    except UsageError:
        return None


def _file_names(repo: GitRepo, rev: str, file: str) -> list[str]:
    """`file` and the names it had before, newest first (git's rename detection)."""
    out = repo.run("log", "--follow", "--name-status", "--format=%x1e", rev, "--", file)
    names = [file]
    for line in out.splitlines():
        fields = line.split("\t")
        if len(fields) == 3 and fields[0].startswith(("R", "C")) and fields[2] in names:
            if fields[1] not in names:
                names.append(fields[1])
    return names


def _config_steps(repo: GitRepo, rev: str) -> list[dict[str, Any]]:
    """The [options] of every config step committed on `rev`, newest first."""
    fmt = "%H%x1f%(trailers:key=Migrate-Step,key=Migrate-Kind,unfold)%x1e"
    options = []
    for record in repo.run("log", f"--format={fmt}", rev).split("\x1e"):
        commit, _, trailer_text = record.strip("\n").partition("\x1f")
        trailers = parse_trailers(trailer_text)
        if trailers.get("Migrate-Kind") != "config" or "Migrate-Step" not in trailers:
            continue
        changed = repo.run("diff-tree", "--no-commit-id", "--name-only", "-r", "--root", commit)
        for path in changed.splitlines():
            if path.startswith(f"{MIGRATIONS_DIR}/") and path.endswith(f"/{STEP_FILE}"):
                body = repo.show_file(commit, path) or b""
                try:
                    meta = tomllib.loads(body.decode("utf-8-sig"))
                except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                    continue
                if isinstance(meta.get("options"), dict):
                    options.append(meta["options"])
    return options


def _convert_sources(names: list[str], steps: list[dict[str, Any]]) -> list[str]:
    """A `convert` step's output (`out`, else the source with the new suffix) came from its
    source file: follow it back."""
    from pathlib import PurePosixPath

    from gitmigrate.files.formats import SUFFIX_OF

    for options in steps:
        source, to = str(options.get("file", "")), str(options.get("to", ""))
        if options.get("op") != "convert" or not source or to not in SUFFIX_OF:
            continue
        out = options.get("out") or PurePosixPath(source).with_suffix(SUFFIX_OF[to]).as_posix()
        if out in names and source not in names:
            names.append(source)
    return names


def _key_names(key: KeyPath, steps: list[dict[str, Any]], files: list[str]) -> list[KeyPath]:
    """`key` and the paths it had before rename/move steps on these files, newest first."""
    from gitmigrate.files.keypath import parse_key

    keys = [key]
    for options in steps:  # newest first: each older rename extends the chain
        if options.get("op") not in ("rename", "move") or options.get("file") not in files:
            continue
        try:
            old, new = parse_key(str(options["key"])), parse_key(str(options["new_key"]))
        except (KeyError, GitMigrateError):
            continue
        if options["op"] == "rename" and len(new) == 1 and new[:-1] != old[:-1]:
            new = (*old[:-1], *new)  # `rename a.b c`: the new name under the same parent
        if new in keys and old not in keys:
            keys.append(old)
    return keys


def _commits(
    repo: GitRepo, rev: str, names: list[str]
) -> list[tuple[str, list[str], str, str, dict[str, str]]]:
    """Commits touching any of `names`, oldest first, with parents, date, subject, trailers."""
    fmt = "%H%x1f%P%x1f%aI%x1f%s%x1f%(trailers:only,unfold)%x1e"
    out = repo.run(
        "log", "--full-history", "--topo-order", "--reverse", f"--format={fmt}", rev, "--", *names
    )
    found = []
    for record in out.split("\x1e"):
        record = record.strip("\n")
        if record:
            commit, parents, date, subject, trailer_text = record.split("\x1f")
            found.append((commit, parents.split(), date, subject, parse_trailers(trailer_text)))
    return found


class _Reader:
    """Values at commits, each blob read and parsed once."""

    def __init__(self, repo: GitRepo) -> None:
        self.repo = repo
        self.data: dict[str, Any] = {}

    def state(self, commit: str, names: list[str], keys: list[KeyPath]) -> _State:
        out = self.repo.run("ls-tree", "-z", "--full-tree", commit, "--", *names)
        shas = {}
        for record in out.split("\0"):
            meta, _, path = record.partition("\t")
            if path and meta.split(" ")[1:2] == ["blob"]:
                shas[path] = meta.split(" ")[2]
        present = [n for n in names if n in shas]
        for name in present:  # the newest name first, then the newest key
            for key in keys:
                value = self.value(shas[name], name, key)
                if value is not _MISSING:
                    return _State(name, key, value)
        return _State(present[0] if present else None, keys[0], _MISSING)

    def value(self, sha: str, path: str, key: KeyPath) -> Any:
        if sha not in self.data:
            self.data[sha] = _parse(self.repo.read_blobs([sha])[sha], path)
        node: Any = self.data[sha]
        for part in key:
            if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
                node = node[part]
            elif isinstance(part, str) and isinstance(node, dict) and part in node:
                node = node[part]
            else:
                return _MISSING
        return node


def _parse(raw: bytes, path: str) -> Any:
    """The data of a file version; one that does not parse (or is binary) has no keys."""
    fmt = _format(path)
    if fmt is None:
        return _MISSING
    try:
        return loads(decode(raw, path), fmt, path).data
    except GitMigrateError:
        return _MISSING
