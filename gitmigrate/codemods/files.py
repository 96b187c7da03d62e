"""Which files a recipe reads, what module each is, and reading them safely.

The files are the given paths (files or directories relative to the root; default the whole
tree): in a git work tree the tracked ones plus the untracked ones git does not ignore, else
every file not under a dot-directory; never a symbolic link (writing through one could change
a file outside the tree). A path outside the root is refused. A file that is binary
or not UTF-8 is skipped with the reason, never rewritten.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gitmigrate.errors import UsageError

BINARY_PROBE = 8192  # a NUL byte in the first this-many bytes: a binary file


@dataclass(frozen=True)
class SourceFile:
    path: str  # relative to the root, with "/"
    module: str  # dotted module name ("" for non-Python files)
    package: str  # the package a relative import starts from
    text: str


def module_of(path: str) -> tuple[str, str]:
    """(module, package) of a Python file from its path ("src/" layouts drop the "src/")."""
    if not path.endswith((".py", ".pyi")):
        return "", ""
    rel = path[4:] if path.startswith("src/") else path
    dotted = rel.rsplit(".", 1)[0].replace("/", ".")
    if dotted == "__init__" or dotted.endswith(".__init__"):
        dotted = dotted.removesuffix("__init__").rstrip(".")
        return dotted, dotted
    return dotted, dotted.rpartition(".")[0]


def checked_paths(root: Path, paths: Sequence[str]) -> list[str]:
    """The given paths relative to `root` ("/"-separated); refused when one lies outside it
    or does not exist."""
    out: list[str] = []
    base = root.resolve()
    for raw in paths:
        full = (base / raw).resolve()
        if full != base and base not in full.parents:
            raise UsageError(
                f"{raw} is outside the repository ({base})",
                "give paths inside the repository, relative to its root",
            )
        if not full.exists():
            raise UsageError(f"{raw} does not exist", "give existing files or directories")
        out.append(full.relative_to(base).as_posix() or ".")
    return out


def listed(root: Path, paths: Sequence[str], suffixes: Iterable[str]) -> list[str]:
    """The files under `paths` (default: all) with one of `suffixes`, sorted."""
    wanted = tuple(suffixes)
    rel = checked_paths(root, paths) if paths else ["."]
    found = _git_files(root, rel)
    if found is None:
        found = _walk(root, rel)
    return sorted(
        p
        for p in set(found)
        if p.endswith(wanted) and (root / p).is_file() and not (root / p).is_symlink()
    )


def _git_files(root: Path, rel: list[str]) -> list[str] | None:
    try:
        proc = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *rel],
            cwd=root,
            capture_output=True,
            check=False,
        )
    except OSError:
        return None
    if proc.returncode != 0:
        return None  # not a git work tree (an outside tree)
    return [p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def _walk(root: Path, rel: list[str]) -> list[str]:
    out: list[str] = []
    for start in rel:
        top = root / start
        if top.is_file():
            out.append(start)
            continue
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                out.append((Path(folder) / name).relative_to(root).as_posix())
    return out


def read_source(root: Path, path: str) -> tuple[str | None, str | None]:
    """(text, None), or (None, why it is skipped: binary, not UTF-8)."""
    data = (root / path).read_bytes()
    if b"\0" in data[:BINARY_PROBE]:
        return None, "binary file"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 (byte {exc.start})"
