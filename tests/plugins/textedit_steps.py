"""Authoring textedit steps in tests, as a `git migrate add textedit` would: the step file and,
for the repository, the change itself, in one commit with the step trailers."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures_git import git

CONF = "timeout = 10\nname = shop\n"


def textedit_step(repo: Path, seq: int, old: str, new: str, *, target: str | None = None) -> None:
    """Commit a textedit step as `add` would: the step file and, for the repository, the change."""
    step_dir = repo / f"migrations/settings/{seq:03d}-raise-timeout"
    step_dir.mkdir(parents=True)
    options = f'file = "app.conf"\nold = "{old}"\nnew = "{new}"\n'
    if target:
        options += f'target = "{target}"\n'
    (step_dir / "step.toml").write_text(
        f'kind = "textedit"\nsummary = "raise the timeout"\n\n[options]\n{options}'
    )
    if target is None:
        conf = repo / "app.conf"
        conf.write_text(conf.read_text().replace(old, new))
    git(repo, "add", "-A")
    git(
        repo,
        "commit",
        "-q",
        "-m",
        f"textedit: raise the timeout\n\nMigrate-Step: settings/{seq:03d}\nMigrate-Kind: textedit\n",
    )
