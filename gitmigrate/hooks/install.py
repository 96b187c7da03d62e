"""Install the pre-push hook into a repository's hooks directory (core.hooksPath respected).

The hook is a stub that execs git-migrate (as pre-commit's hook template does), with the
Python that installed it baked in. An existing hook that is not ours is never overwritten: it
is kept as `pre-push.gitmigrate-backup` first, and the caller says so.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from gitmigrate.core.gitstore import GitRepo

HOOK_NAME = "pre-push"
BACKUP_SUFFIX = ".gitmigrate-backup"
MARKER = "# git-migrate pre-push hook"

# The same text as hooks/pre-push at the repository root, with INSTALL_PYTHON filled in.
TEMPLATE = """\
#!/bin/sh
# git-migrate pre-push hook: refuses unsafe pushes of migration branches and carries their
# notes along (docs/commands/hook.md). Installed by `git migrate init --hooks`.
# Bypass it once with: git push --no-verify
INSTALL_PYTHON='{python}'
if [ -n "$INSTALL_PYTHON" ] && [ -x "$INSTALL_PYTHON" ]; then
    exec "$INSTALL_PYTHON" -m gitmigrate hook pre-push "$@"
elif command -v git-migrate >/dev/null 2>&1; then
    exec git-migrate hook pre-push "$@"
elif command -v python3 >/dev/null 2>&1; then
    exec python3 -m gitmigrate hook pre-push "$@"
fi
echo "git-migrate pre-push hook: git-migrate is not installed; install it," >&2
echo "or bypass this check once with: git push --no-verify" >&2
exit 1
"""


@dataclass(frozen=True)
class HookInstall:
    path: Path
    action: str  # installed | updated | unchanged | replaced
    backup: Path | None = None


def hook_text(python: str | None = None) -> str:
    chosen = sys.executable if python is None else python
    return TEMPLATE.format(python=chosen.replace("'", "'\\''"))


def hooks_dir(repo: GitRepo) -> Path:
    path = Path(repo.run("rev-parse", "--git-path", "hooks").strip())
    return path if path.is_absolute() else repo.root / path


def _free_backup(path: Path) -> Path:
    candidate = path.with_name(path.name + BACKUP_SUFFIX)
    number = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}{BACKUP_SUFFIX}.{number}")
        number += 1
    return candidate


def install_pre_push(repo: GitRepo, python: str | None = None) -> HookInstall:
    directory = hooks_dir(repo)
    path = directory / HOOK_NAME
    text = hook_text(python)
    action, backup = "installed", None
    if path.exists() or path.is_symlink():
        try:
            current = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            current = ""
        if current == text and os.access(path, os.X_OK):
            return HookInstall(path, "unchanged")
        if MARKER in current:
            action = "updated"
        else:
            backup = _free_backup(path)
            path.rename(backup)
            action = "replaced"
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return HookInstall(path, action, backup)


def install_pre_push_report(repo: GitRepo) -> list[str]:
    """Install the hook and say what changed, in the words `git migrate init` prints."""
    done = install_pre_push(repo)
    where = _shown(repo, done.path)
    if done.action == "unchanged":
        return []
    if done.action == "replaced" and done.backup is not None:
        return [
            f"kept your existing pre-push hook as {_shown(repo, done.backup)} (it no longer runs; "
            "call it from the new hook, or use pre-commit to run both)",
            f"installed the git-migrate pre-push hook: {where}",
        ]
    return [f"{done.action} the git-migrate pre-push hook: {where}"]


def _shown(repo: GitRepo, path: Path) -> str:
    try:
        return str(path.relative_to(repo.root))
    except ValueError:
        return str(path)
