"""The lock of a tree target: a lock file with a fencing token, as the database lock row has.

The file is held with flock(2), which the kernel drops when the holder dies, so a crashed run
on this host never leaves a lock someone must clear by hand. Its content names the holder
(user, host, pid) and carries the epoch (one more per run that takes it) and the run's token.
Every ledger-file write of the run first checks that the file still carries its token
(`fence`): a run whose lock file was removed and taken by another run stops with
LockLostError, exactly as a database run whose lock row was taken over.

Stale holders: a record left by a run on this host whose flock is free is stale (the holder
died or released it), and is taken over. A record of another host that was not released may
belong to a live run on a shared file system where flock does not reach: it is waited for,
and the message says which host and pid, and which file to remove if that run is gone.
"""

from __future__ import annotations

import errno
import fcntl
import getpass
import json
import os
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitmigrate.db.lockrow import LockLostError
from gitmigrate.db.server_lock import poll
from gitmigrate.errors import TargetError


@dataclass
class LockClaim:
    """This run's hold on a lock file: its epoch and token (the fencing token)."""

    path: Path
    epoch: int
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    stale: str | None = None  # the holder record taken over, if any (for the run's notes)


class LockFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.claim: LockClaim | None = None  # set while this process holds it

    @contextmanager
    def hold(self, timeout: float) -> Iterator[LockClaim]:
        """Hold the lock for the block; LockTimeoutError after `timeout` seconds."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise TargetError(
                f"cannot create lock file {self.path}: {exc.strerror}",
                "check that the directory exists and is writable",
            ) from exc
        record: dict[str, Any] = {}

        def try_acquire() -> bool:
            nonlocal record
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    return False
                raise
            record = _read(fd)
            if _held_elsewhere(record):
                fcntl.flock(fd, fcntl.LOCK_UN)
                return False
            return True

        try:
            poll(try_acquire, timeout, str(self.path), lambda: self._holder_hint(fd))
            stale = _describe(record) if record.get("holder") else None
            claim = LockClaim(self.path, int(record.get("epoch") or 0) + 1, stale=stale)
            _write(fd, {**_me(), "epoch": claim.epoch, "token": claim.token})
            self.claim = claim
            try:
                yield claim
            finally:
                self.claim = None
                _write(fd, {"epoch": claim.epoch, "holder": None, "released_at": time.time()})
        finally:
            os.close(fd)  # closing the descriptor drops the flock

    def fence(self) -> None:
        """Raise LockLostError unless the lock file still carries this run's token."""
        claim = self.claim
        if claim is None:
            return
        try:
            current = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            current = {}
        if not isinstance(current, dict) or current.get("token") != claim.token:
            raise LockLostError(
                f"this run lost the lock file {self.path} (its epoch {claim.epoch} is no longer"
                f" current: {current.get('epoch') if isinstance(current, dict) else None});"
                " another run took over, so this run's ledger write was refused and it stops",
                "run `git migrate status` to see what the other run did, then run the command again",
            )

    def _holder_hint(self, fd: int) -> str:
        record = _read(fd)
        if not record.get("holder"):
            return ""
        hint = f"; held by {_describe(record)}"
        if record.get("host") != socket.gethostname():
            hint += f" (if that run is gone, remove {self.path})"
        return hint


def _me() -> dict[str, Any]:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    host = socket.gethostname()
    return {
        "holder": f"{user}@{host} pid {os.getpid()}",
        "host": host,
        "pid": os.getpid(),
        "acquired_at": time.time(),
    }


def _read(fd: int) -> dict[str, Any]:
    os.lseek(fd, 0, os.SEEK_SET)
    raw = b""
    while chunk := os.read(fd, 65536):
        raw += chunk
    try:
        found = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (UnicodeDecodeError, ValueError):
        return {}  # an old pid-only file or garbage: nothing to honour but the flock
    return found if isinstance(found, dict) else {}


def _write(fd: int, record: dict[str, Any]) -> None:
    """Rewrite the locked file in place (a rename would leave the flock on the old inode)."""
    data = json.dumps(record, sort_keys=True).encode() + b"\n"
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, data)
    os.fsync(fd)


def _held_elsewhere(record: dict[str, Any]) -> bool:
    """A live-looking holder that flock cannot speak for: another host's unreleased record."""
    host = record.get("host")
    return bool(record.get("holder")) and host is not None and host != socket.gethostname()


def _describe(record: dict[str, Any]) -> str:
    return str(record.get("holder") or f"pid {record.get('pid')}")
