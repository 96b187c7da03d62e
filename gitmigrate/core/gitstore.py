"""The repository as git-migrate uses it, over gitproc.py (which runs git) and GitPython.

Commits are written with plumbing (`write-tree`, `commit-tree`, `update-ref`) through a
temporary index, so a user's staged work is never swept into a step commit and no hook or
porcelain overhead is paid. Blobs are read through GitPython's persistent `cat-file --batch`
process (one blob) or one `cat-file --batch` round trip (many), so reading a thousand steps
costs one process, not a thousand.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from gitmigrate.core.gitproc import GitCommandError, GitProcess
from gitmigrate.errors import RepositoryStateError, UsageError

__all__ = ["GitCommandError", "GitRepo", "LogEntry", "TreeEntry", "parse_trailers"]


@dataclass(frozen=True)
class TreeEntry:
    mode: str
    type: str
    sha: str
    path: str


@dataclass(frozen=True)
class LogEntry:
    commit: str
    parents: tuple[str, ...]
    author: str
    date: str
    subject: str
    trailers: Mapping[str, str]


class GitRepo(GitProcess):
    """The repository as git-migrate uses it: refs, config, objects, commits and log."""

    # -- refs and state -----------------------------------------------------------------

    def rev_parse(self, ref: str) -> str | None:
        out = self.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        return out.strip() or None

    def ref_value(self, ref: str) -> str | None:
        """The object a ref points at (notes refs point at commits too), or None."""
        out = self.run("rev-parse", "--verify", "--quiet", ref, check=False)
        return out.strip() or None

    def head_commit(self) -> str | None:
        return self.rev_parse("HEAD")

    def current_branch(self) -> str | None:
        """The checked-out branch name, or None for a detached HEAD."""
        out = self.run("symbolic-ref", "--quiet", "--short", "HEAD", check=False).strip()
        return out or None

    def require_branch(self) -> str:
        branch = self.current_branch()
        if branch is None:
            raise RepositoryStateError(
                "HEAD is detached; git-migrate needs a branch",
                "check out a branch (`git switch <branch>`) and run the command again",
            )
        return branch

    def dirty_paths(self) -> list[str]:
        """Tracked files that are modified or staged (untracked files do not count)."""
        out = self.run("status", "--porcelain", "--untracked-files=no")
        return [line[3:] for line in out.splitlines() if line.strip()]

    def is_valid_branch_name(self, name: str) -> bool:
        return self.ok("check-ref-format", "--branch", name)

    def branch_exists(self, branch: str) -> bool:
        return self.ref_value(f"refs/heads/{branch}") is not None

    def config_get(self, key: str) -> str | None:
        out = self.run("config", "--get", key, check=False).strip()
        return out or None

    def config_get_all(self, key: str) -> list[str]:
        return self.run("config", "--get-all", key, check=False).split("\n")[:-1]

    def config_get_regexp(self, pattern: str) -> dict[str, str]:
        out = self.run("config", "--get-regexp", pattern, check=False)
        pairs = (line.split(" ", 1) for line in out.splitlines() if line)
        return {p[0]: (p[1] if len(p) > 1 else "") for p in pairs}

    def config_set(self, key: str, value: str) -> None:
        self.run("config", key, value)

    def config_add_once(self, key: str, value: str) -> bool:
        """Add a multi-valued config entry unless present; True when it was added."""
        if value in self.config_get_all(key):
            return False
        self.run("config", "--add", key, value)
        return True

    def remotes(self) -> list[str]:
        return [r for r in self.run("remote").split() if r]

    # -- objects ------------------------------------------------------------------------

    def read_blob(self, sha: str) -> bytes:
        """One object's content through GitPython's persistent cat-file process."""
        if self._gitpython is None:
            import git

            self._gitpython = git.Repo(self.root)
        _, _, _, data = self._gitpython.git.get_object_data(sha)
        return bytes(data)

    def read_blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """Many objects in one `cat-file --batch` round trip (a thousand steps: one process)."""
        wanted = list(dict.fromkeys(shas))
        if not wanted:
            return {}
        code, out, err = self.run_bytes(
            "cat-file", "--batch", input="".join(f"{sha}\n" for sha in wanted)
        )
        if code != 0:
            raise GitCommandError(
                f"git cat-file --batch failed: {err.decode(errors='replace').strip()}",
                "the repository may be corrupt; run `git fsck`",
            )
        blobs: dict[str, bytes] = {}
        pos = 0
        for sha in wanted:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            if len(header) != 3:
                raise GitCommandError(
                    f"git cat-file: object {sha} is missing",
                    "the repository may be corrupt; run `git fsck`",
                )
            size = int(header[2])
            blobs[sha] = out[end + 1 : end + 1 + size]
            pos = end + 1 + size + 1
        return blobs

    def ls_tree(self, ref: str, path: str | None = None) -> list[TreeEntry]:
        args = ["ls-tree", "-r", "-z", "--full-tree", ref]
        if path:
            args += ["--", path]
        out = self.run(*args)
        entries = []
        for record in out.split("\0"):
            if not record:
                continue
            meta, _, file_path = record.partition("\t")
            mode, kind, sha = meta.split(" ")
            entries.append(TreeEntry(mode, kind, sha, file_path))
        return entries

    def show_file(self, ref: str, path: str) -> bytes | None:
        sha = self.run("rev-parse", "--verify", "--quiet", f"{ref}:{path}", check=False).strip()
        return self.read_blob(sha) if sha else None

    # -- writing ------------------------------------------------------------------------

    def commit_files(
        self,
        *,
        branch: str,
        message: str,
        files: Mapping[str, bytes],
        allow_empty: bool = False,
        project_files: Mapping[str, bytes | None] | None = None,
        consumed: Mapping[str, bytes] | None = None,
    ) -> str:
        """Write `files` (repo-relative path -> content) into the work tree and commit exactly
        them on `branch` (the checked-out branch or any other), leaving other staged work alone.

        `project_files` (path -> new content, None to delete) are files the step changes in the
        same commit. On the checked-out branch each must be clean (refused otherwise, before
        anything is written), and the work tree and index are brought to the commit once it
        exists, so the checked-out files are the committed ones. An untracked file in
        `consumed` (path -> the bytes the change was computed from) counts as clean while it
        still holds those bytes: the step replaces it (a new secrets file encrypted in place)."""
        ref = f"refs/heads/{branch}"
        parent = self.ref_value(ref)
        checked_out = self.current_branch() == branch
        changes = dict(project_files or {})
        if checked_out and changes:
            self._require_clean(list(changes), consumed or {})
        if checked_out:
            for rel, content in files.items():
                target = self.root / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
        tree = self._tree_with(parent, {**files, **changes})
        if (
            not allow_empty
            and parent
            and tree == self.run("rev-parse", f"{parent}^{{tree}}").strip()
        ):
            raise UsageError(
                "nothing to commit: the step files are identical to the branch tip",
                "change the files or give a different step",
            )
        args = ["commit-tree", tree, "-F", "-"]
        if parent:
            args += ["-p", parent]
        commit = self._commit_tree(args, message)
        self.run(
            "update-ref",
            "-m",
            f"git-migrate: {message.splitlines()[0]}",
            ref,
            commit,
            parent or "0" * 40,
        )
        if checked_out and files:
            self.run("add", "--", *files.keys())
        if checked_out and changes:
            self._check_out_files(changes)
        return commit

    def _require_clean(self, paths: list[str], consumed: Mapping[str, bytes]) -> None:
        """Refuse to commit over local changes to `paths` (modified, staged or untracked),
        except an untracked file the change was computed from, unchanged since it was read."""
        out = self.run("status", "--porcelain", "--untracked-files=all", "--", *paths)
        dirty = sorted(
            {
                line[3:]
                for line in out.splitlines()
                if line.strip()
                and not (line.startswith("??") and self._unchanged(line[3:], consumed))
            }
        )
        if dirty:
            raise RepositoryStateError(
                f"the step changes {', '.join(dirty)}, which has uncommitted changes",
                "commit or stash them (`git stash`), then add the step again",
            )

    def _unchanged(self, rel: str, consumed: Mapping[str, bytes]) -> bool:
        path = self.root / rel
        return rel in consumed and path.is_file() and path.read_bytes() == consumed[rel]

    def _check_out_files(self, changes: Mapping[str, bytes | None]) -> None:
        """The work tree and the index of `changes`' paths as in the new commit."""
        for rel, content in changes.items():
            path = self.root / rel
            if content is None:
                path.unlink(missing_ok=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
        self.run("update-index", "--add", "--remove", "--", *changes.keys())

    def _tree_with(self, parent: str | None, changes: Mapping[str, bytes | None]) -> str:
        files = {rel: content for rel, content in changes.items() if content is not None}
        removed = [rel for rel, content in changes.items() if content is None]
        with tempfile.TemporaryDirectory(prefix="gitmigrate-index-") as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            if parent:
                self.run("read-tree", parent, env=env)
            if removed:
                self.run("update-index", "--force-remove", "--", *removed, env=env)
            if files:
                entries: list[tuple[str, Path]] = []
                for rel, content in files.items():
                    blob_path = Path(tmp) / f"blob-{len(entries)}"
                    blob_path.write_bytes(content)
                    entries.append((rel, blob_path))
                shas = self.run(
                    "hash-object",
                    "-w",
                    "--stdin-paths",
                    input="\n".join(str(p) for _, p in entries),
                ).split()
                executable = self._executable(files, env) if parent else set()
                index_info = "".join(
                    f"{'100755' if rel in executable else '100644'} {sha}\t{rel}\n"
                    for (rel, _), sha in zip(entries, shas, strict=True)
                )
                self.run("update-index", "--add", "--index-info", input=index_info, env=env)
            return self.run("write-tree", env=env).strip()

    def _executable(self, files: Mapping[str, bytes], env: dict[str, str]) -> set[str]:
        """Which of `files` are executable in the index `env` names: a changed file keeps it."""
        out = self.run("ls-files", "-s", "--", *files.keys(), env=env)
        return {line.split("\t", 1)[1] for line in out.splitlines() if line.startswith("100755")}

    def _commit_tree(self, args: list[str], message: str) -> str:
        try:
            return self.run(*args, input=message).strip()
        except GitCommandError as exc:
            if "tell me who you are" in exc.message or "empty ident" in exc.message:
                raise RepositoryStateError(
                    "git does not know who you are, so it cannot write a commit",
                    'run `git config user.name "Your Name"` and `git config user.email you@example.com`',
                ) from exc
            raise

    def hash_blob(self, content: bytes) -> str:
        return self.run("hash-object", "-w", "--stdin", input=content).strip()

    def mktree(self, entries: Iterable[tuple[str, str, str, str]]) -> str:
        """Entries are (mode, type, sha, name) of one flat tree level."""
        body = "".join(f"{mode} {kind} {sha}\t{name}\n" for mode, kind, sha, name in entries)
        return self.run("mktree", input=body).strip()

    def commit_tree(self, tree: str, parents: Iterable[str], message: str) -> str:
        args = ["commit-tree", tree, "-F", "-"]
        for parent in parents:
            args += ["-p", parent]
        return self._commit_tree(args, message)

    def commit_inverse(self, commit: str, *, exclude: str, message: str) -> str | None:
        """Commit on the checked-out branch the inverse of `commit`'s changes outside `exclude`
        (a step's rollback: its own files stay). None when it changed nothing else. The tree
        must be clean; raises UsageError when later commits changed the same lines."""
        pathspec = ["--", ".", f":(exclude){exclude}"]
        code, patch, err = self.run_bytes(
            "diff", "--binary", "--full-index", f"{commit}^", commit, *pathspec
        )
        if code != 0:
            raise GitCommandError(
                f"git diff of {commit[:12]} failed: {err.decode(errors='replace').strip()}",
                "check that the step's commit is in this repository",
            )
        if not patch.strip():
            return None
        code, _, err = self.run_bytes("apply", "-R", "--check", "--index", input=patch)
        if code != 0:
            raise UsageError(
                f"the inverse of commit {commit[:12]} does not apply to the checked-out tree:"
                f" {err.decode(errors='replace').strip().splitlines()[0]}",
                f"later commits changed the same lines; revert them first, or revert"
                f" {commit[:12]} by hand (`git revert {commit[:12]}`)",
            )
        head = self.run("rev-parse", "HEAD").strip()
        # the commit first, in a private index: if it cannot be written (no identity), the
        # work tree and the index are still untouched
        with tempfile.TemporaryDirectory(prefix="gitmigrate-index-") as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            self.run("read-tree", head, env=env)
            self.run("apply", "-R", "--cached", input=patch, env=env)
            tree = self.run("write-tree", env=env).strip()
        new = self.commit_tree(tree, [head], message)
        self.run("apply", "-R", "--index", input=patch)
        self.run("update-ref", "-m", f"git-migrate: {message.splitlines()[0]}", "HEAD", new, head)
        return new

    def update_ref(self, ref: str, new: str, old: str | None) -> bool:
        """Compare-and-swap: move `ref` to `new` only if it still points at `old`."""
        return self.ok("update-ref", ref, new, old or "0" * 40)

    def log(
        self, rev: str, *, first_parent: bool = True, paths: Iterable[str] = ()
    ) -> list[LogEntry]:
        """Commits of `rev` newest first, with their trailers, in one git process."""
        fmt = "%H%x1f%P%x1f%an <%ae>%x1f%aI%x1f%s%x1f%(trailers:only,unfold)%x1e"
        args = ["log", f"--format={fmt}"]
        if first_parent:
            args.append("--first-parent")
        args.append(rev)
        path_list = list(paths)
        if path_list:
            args += ["--", *path_list]
        out = self.run(*args)
        entries: list[LogEntry] = []
        for record in out.split("\x1e"):
            record = record.strip("\n")
            if not record:
                continue
            commit, parents, author, date, subject, trailer_text = record.split("\x1f")
            entries.append(
                LogEntry(
                    commit,
                    tuple(parents.split()),
                    author,
                    date,
                    subject,
                    parse_trailers(trailer_text),
                )
            )
        return entries


_TRAILER_RE = re.compile(r"^([A-Za-z0-9-]+):\s*(.*)$")


def parse_trailers(text: str) -> dict[str, str]:
    trailers: dict[str, str] = {}
    for line in text.splitlines():
        match = _TRAILER_RE.match(line.strip())
        if match:
            trailers[match.group(1)] = match.group(2).strip()
    return trailers
