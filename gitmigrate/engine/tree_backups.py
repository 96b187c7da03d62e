"""The prior bytes of the files a tree step (config, code) changed in an outside tree, kept in the tree's
own state directory (`.gitmigrate-backups/<migration>/<NNN>/`) so a rollback restores them
exactly, byte for byte, and a repeated apply (after a crash) starts from the same inputs.

    manifest.json   {"files": {path: {"prior": "<n>" | null, "after": sha256 | null}}}
    <n>             the prior bytes of one file (null: the step created it)

Written before the first file is touched (fsynced), removed when the rollback has restored
every file. Never in the repository: there the step commit is the change.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from gitmigrate.core.model import Step
from gitmigrate.engine.kinds import Checkpoint, StepContext
from gitmigrate.engine.tree_target import TreeTarget
from gitmigrate.errors import StepFailedError

BACKUP_DIR = ".gitmigrate-backups"


def digest(content: bytes | None) -> str | None:
    return None if content is None else hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class Backup:
    root: Path  # the tree
    step: Step

    @property
    def where(self) -> Path:
        return self.root / BACKUP_DIR / self.step.migration / f"{self.step.seq:03d}"

    def exists(self) -> bool:
        return (self.where / "manifest.json").is_file()

    def manifest(self) -> dict[str, dict[str, str | None]]:
        body = json.loads((self.where / "manifest.json").read_text(encoding="utf-8"))
        files: dict[str, dict[str, str | None]] = body["files"]
        return files

    def prior(self, path: str) -> bytes | None:
        """The bytes `path` had before the step (None: it did not exist)."""
        entry = self.manifest()[path]
        name = entry.get("prior")
        return None if name is None else (self.where / name).read_bytes()

    def before(self, path: str) -> bytes | None:
        """`path` as it was before the step: its backed-up bytes where an earlier (interrupted)
        apply saved them, else as it is in the tree now (None: it does not exist)."""
        if self.exists() and path in self.manifest():
            return self.prior(path)
        file = self.root / path
        return file.read_bytes() if file.is_file() else None

    def save(self, prior: Mapping[str, bytes | None], after: Mapping[str, bytes | None]) -> None:
        """Keep the prior bytes of every file about to change (and the hash of what it
        becomes), durably, before any of them changes."""
        self.where.mkdir(parents=True, exist_ok=True)
        files: dict[str, dict[str, str | None]] = {}
        for number, (path, content) in enumerate(sorted(prior.items())):
            name = None
            if content is not None:
                name = str(number)
                write_atomically(self.where / name, content)
            files[path] = {"prior": name, "after": digest(after.get(path))}
        body = json.dumps({"step": self.step.id, "files": files}, indent=2) + "\n"
        write_atomically(self.where / "manifest.json", body.encode("utf-8"))

    def restore(self, path: str) -> None:
        """Put back the bytes `path` had before the step (remove it if the step created it);
        a file that already holds them is not rewritten."""
        prior = self.prior(path)
        file = self.root / path
        if prior is None:
            file.unlink(missing_ok=True)
        elif not file.is_file() or file.read_bytes() != prior:
            write_atomically(file, prior)

    def remove(self) -> None:
        shutil.rmtree(self.where, ignore_errors=True)
        for parent in (self.where.parent, self.where.parent.parent):  # empty ones only
            try:
                parent.rmdir()
            except OSError:
                break


def write_atomically(path: Path, content: bytes) -> None:
    """Replace `path` whole or not at all (a temporary file in its directory, fsynced, renamed
    over it), keeping the mode of the file it replaces."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def restore_tree(step: Step, ctx: StepContext, target: TreeTarget) -> Iterator[Checkpoint]:
    """A tree step's rollback in an outside tree: every file it changed gets its prior bytes
    back, refused (nothing restored) when one changed since the step was applied."""
    backup = Backup(target.root, step)
    if not backup.exists():  # never applied here, or rolled back already
        ctx.log(f"{target.name}: nothing of {step.id} to undo")
        yield Checkpoint(1, 1, {})
        return
    manifest = backup.manifest()
    for path, entry in sorted(manifest.items()):
        file = target.root / path
        now = file.read_bytes() if file.is_file() else None
        if digest(now) != entry.get("after") and now != backup.prior(path):
            raise StepFailedError(
                step.id,
                f"{path} in {target.name} changed since step {step.id} was applied",
                "restore it (or copy your change elsewhere), then roll back again;"
                f" its prior bytes are in {backup.where}",
            )
    for path in sorted(manifest):
        ctx.log(f"{target.name}: restore {path}")
    if ctx.dry_run:
        yield Checkpoint(1, 1, {"files": sorted(manifest)})
        return
    for path in sorted(manifest):
        backup.restore(path)
    backup.remove()
    yield Checkpoint(1, 1, {"files": sorted(manifest)})


def write_change(
    root: Path, backup: Backup, prior: Mapping[str, bytes | None], after: Mapping[str, bytes | None]
) -> None:
    """A tree step's apply in an outside tree: the prior bytes are kept once (a repeated apply
    keeps the first), then each file is written atomically (None deletes it)."""
    if not backup.exists():
        backup.save(prior, after)
    for path, content in sorted(after.items()):
        file = root / path
        if content is None:
            file.unlink(missing_ok=True)
        else:
            write_atomically(file, content)


def rollback_tree_step(step: Step, ctx: StepContext, target: TreeTarget) -> Iterator[Checkpoint]:
    """A tree step's rollback: in the repository the engine commits the inverse of the step
    commit (nothing to do here); in an outside tree every file gets its prior bytes back."""
    if target.repository:
        yield Checkpoint(1, 1, {})
        return
    yield from restore_tree(step, ctx, target)
