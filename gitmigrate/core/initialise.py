"""`git migrate init`: make a repository ready, idempotently.

Remote notes are fetched into `refs/notes/remotes/<remote>/migrate*`, never straight onto the
local notes refs: a forced fetch onto them would throw local notes away. `git migrate fetch`
merges them in. The pre-push hook is installed by the API's `init(hooks=True)` through
`gitmigrate.hooks.install` (a layer above core), never overwriting someone else's hook without a backup.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gitmigrate.core.config import CONFIG_FILE, config_path, default_config_text
from gitmigrate.core.gitstore import GitRepo

STATE_DIR = ".gitmigrate/"


def notes_fetch_refspec(remote: str) -> str:
    return f"+refs/notes/migrate*:refs/notes/remotes/{remote}/migrate*"


@dataclass(frozen=True)
class InitResult:
    created_config: bool
    changes: list[str] = field(default_factory=list)


def init_project(repo: GitRepo) -> InitResult:
    changes: list[str] = []
    path = config_path(repo)
    created = not path.exists()
    if created:
        path.write_text(default_config_text(), encoding="utf-8")
        changes.append(f"wrote {CONFIG_FILE} (target dev: sqlite:///.gitmigrate/dev.db)")
    gitignore = repo.root / ".gitignore"
    lines = gitignore.read_text(encoding="utf-8").splitlines() if gitignore.exists() else []
    if STATE_DIR not in lines and STATE_DIR.rstrip("/") not in lines:
        with gitignore.open("a", encoding="utf-8") as handle:
            if lines and lines[-1] != "":
                handle.write("\n")
            handle.write(f"{STATE_DIR}\n")
        changes.append(f"added {STATE_DIR} to .gitignore")
    if repo.config_get("notes.rewriteRef") != "refs/notes/migrate*":
        repo.config_set("notes.rewriteRef", "refs/notes/migrate*")
        changes.append("set notes.rewriteRef so notes follow rebase and amend")
    for remote in repo.remotes():
        if repo.config_add_once(f"remote.{remote}.fetch", notes_fetch_refspec(remote)):
            changes.append(f"remote {remote}: fetch notes into refs/notes/remotes/{remote}/")
    return InitResult(created_config=created, changes=changes)
