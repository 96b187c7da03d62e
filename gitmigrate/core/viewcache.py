"""A content-addressed cache of `log --json` / `status` step views.

Reading a 1,000-step migration means parsing 1,000 step.toml files and 1,000 notes; that work
depends only on the commit the steps are read from and the tips of the two notes refs. The
cache key is exactly those object ids (plus our version), so any new step, note or run event
gives a new key -- a stale entry is never served, and old entries are pruned.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gitmigrate import __version__
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.notes import RUN_NOTES_REF, STEP_NOTES_REF

_KEEP = 16


def _cache_dir(repo: GitRepo) -> Path:
    return repo.git_dir / "gitmigrate" / "cache"


def cache_key(repo: GitRepo, ref: str, *parts: str) -> str:
    """Key from the commit `ref` names and the notes tips, in one git call."""
    listing = repo.run(
        "for-each-ref", "--format=%(refname) %(objectname)", ref, STEP_NOTES_REF, RUN_NOTES_REF
    )
    if not listing.startswith(ref + " "):  # HEAD, or a branch that does not exist (read from HEAD)
        listing += repo.run("rev-parse", "HEAD^{commit}", check=False)
    material = "\n".join([__version__, ref, listing, *parts])
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def cached_text(repo: GitRepo, key: str, compute: Callable[[], Any]) -> str:
    """The cached JSON text for `key`, computing (JSON-encoding) and storing it on a miss."""
    directory = _cache_dir(repo)
    path = directory / f"{key}.json"
    try:
        digest, _, stored = path.read_text(encoding="utf-8").partition("\n")
        if digest == hashlib.sha256(stored.encode()).hexdigest():
            return stored
    except OSError:
        pass
    text = json.dumps(compute(), separators=(",", ":"), sort_keys=True, default=str)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(hashlib.sha256(text.encode()).hexdigest() + "\n" + text)
        os.replace(tmp, path)
        _prune(directory)
    except OSError:
        pass  # a cache that cannot be written only costs speed
    return text


def _prune(directory: Path) -> None:
    entries = sorted(directory.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[_KEEP:]:
        old.unlink(missing_ok=True)
