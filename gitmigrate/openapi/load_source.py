"""Where spec text comes from: a file, `REV:path` in git (so `api diff main:openapi.yaml
openapi.yaml` needs no checkout; relative `$ref`s are read from the same revision), or, when
allowed, an http(s) URL. Every source checks its size before reading it whole: a spec past the
limit is refused with its size named, not read into memory.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path, PurePosixPath
from typing import Any

from gitmigrate.errors import UsageError

MAX_BYTES = 100 * 1024 * 1024  # 100 MiB
_REV_PATH = re.compile(r"^(?P<rev>[^:\s]+):(?P<path>[^:].*)$")
_URL = re.compile(r"^https?://", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def is_remote(ref: str) -> bool:
    return bool(_SCHEME.match(ref))


def too_big(name: str, size: int, limit: int) -> UsageError:
    return UsageError(
        f"{name} is {size / 1024 / 1024:.1f} MiB, over the {limit / 1024 / 1024:.0f} MiB limit for a spec",
        "split the spec into files joined by $ref, or diff a smaller one",
    )


class Source:
    """Reads the root spec and the files its relative `$ref`s name, by key (a posix path)."""

    def __init__(self, root: str, label: str, limit: int = MAX_BYTES) -> None:
        self.root = root  # the root file's key
        self.label = label  # how messages name the root
        self.limit = limit

    def read(self, key: str) -> str:
        raise NotImplementedError

    def name(self, key: str) -> str:
        """How messages and file:line:col name a file of this source."""
        return key

    def join(self, from_key: str, ref_file: str) -> str:
        """The key of `ref_file` written in the file `from_key`."""
        if ref_file.startswith("/"):
            return normal(ref_file)
        return normal(str(PurePosixPath(from_key).parent / ref_file))


class FileSource(Source):
    def __init__(self, path: str, cwd: Path, limit: int = MAX_BYTES) -> None:
        super().__init__(normal(path), path, limit)
        self.cwd = cwd

    def read(self, key: str) -> str:
        path = self.cwd / key
        try:
            size = path.stat().st_size
            if path.is_dir():
                raise UsageError(f"{key} is a directory", "give the path of an OpenAPI file")
            if size > self.limit:
                raise too_big(key, size, self.limit)
            raw = path.read_bytes()
        except FileNotFoundError:
            raise UsageError(f"{key} does not exist", "give the path of an OpenAPI file") from None
        return decode(raw, key)


class GitSource(Source):
    """`REV:path`: files read with git from the repository holding `cwd`."""

    def __init__(self, rev: str, path: str, cwd: Path, limit: int = MAX_BYTES) -> None:
        self.rev = rev
        self.cwd = cwd
        self.prefix = self._prefix(path)
        super().__init__(normal(self.prefix + path.removeprefix("./")), f"{rev}:{path}", limit)

    def _prefix(self, path: str) -> str:
        """`REV:./x` is relative to cwd, as git reads it; `REV:x` to the repository's root."""
        if not path.startswith(("./", "../")):
            return ""
        done = self._git("rev-parse", "--show-prefix")
        return done.stdout.decode().strip()

    def name(self, key: str) -> str:
        return key if is_remote(key) else f"{self.rev}:{key}"

    def read(self, key: str) -> str:
        shown = self.name(key)
        size = self._git("cat-file", "-s", f"{self.rev}:{key}", what=shown)
        count = int(size.stdout.decode().strip() or 0)
        if count > self.limit:
            raise too_big(shown, count, self.limit)
        return decode(self._git("cat-file", "blob", f"{self.rev}:{key}", what=shown).stdout, shown)

    def _git(self, *args: str, what: str = "") -> subprocess.CompletedProcess[bytes]:
        try:
            done = subprocess.run(["git", *args], cwd=self.cwd, capture_output=True, check=False)
        except FileNotFoundError:
            raise UsageError("git is not installed", "install git to read REV:path") from None
        if done.returncode != 0:
            error = done.stderr.decode(errors="replace").strip().splitlines()
            raise UsageError(
                f"{what or self.label} cannot be read from git: {error[-1] if error else 'failed'}",
                "name a revision and a path relative to the repository root (REV:path)",
            )
        return done


def open_source(source: str, cwd: Path, limit: int = MAX_BYTES) -> Source:
    """A file path, `REV:path` (when no file of that name exists), or an http(s) URL."""
    if _URL.match(source):
        return UrlSource(source, limit)
    match = _REV_PATH.match(source)
    if match and not (cwd / source).exists() and len(match["rev"]) > 1:
        return GitSource(match["rev"], match["path"], cwd, limit)
    return FileSource(source, cwd, limit)


class UrlSource(Source):
    """An http(s) spec, or a remote `$ref` once allowed: read with httpx, size checked as it
    streams in (a server may send no Content-Length)."""

    def __init__(self, url: str, limit: int = MAX_BYTES) -> None:
        super().__init__(url, url, limit)

    def join(self, from_key: str, ref_file: str) -> str:
        from urllib.parse import urljoin

        return urljoin(from_key, ref_file)

    def read(self, key: str) -> str:
        return fetch_url(key, self.limit)


def fetch_url(url: str, limit: int = MAX_BYTES) -> str:
    import importlib

    try:
        httpx: Any = importlib.import_module("httpx")
    except ImportError:
        raise UsageError(
            f"{url} cannot be fetched: httpx is not installed",
            "pip install 'git-migrate[api]', or copy the file next to the spec",
        ) from None
    chunks: list[bytes] = []
    total = 0
    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=30.0) as response:
            response.raise_for_status()
            declared = int(response.headers.get("content-length") or 0)
            if declared > limit:
                raise too_big(url, declared, limit)
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > limit:
                    raise too_big(url, total, limit)
                chunks.append(chunk)
    except httpx.HTTPError as exc:
        raise UsageError(
            f"{url} cannot be fetched: {exc}", "check the URL, or copy the file"
        ) from None
    return decode(b"".join(chunks), url)


def refuse_remote(from_name: str, ref: str) -> UsageError:
    return UsageError(
        f"{from_name}: remote $ref {ref} refused",
        "pass --allow-remote to fetch it, or copy the file next to the spec and ref it by path",
    )


def normal(key: str) -> str:
    """A posix key without `.` parts and with `..` folded where it can be."""
    absolute = key.startswith("/")
    parts: list[str] = []
    for part in key.replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == ".." and parts and parts[-1] != "..":
            parts.pop()
        else:
            parts.append(part)
    return ("/" if absolute else "") + "/".join(parts)


def decode(raw: bytes, name: str) -> str:
    from gitmigrate.files.document import decode as decode_text

    return decode_text(raw, name)
