"""The pre-push hook on config steps, through a real `git push`: a plaintext value under a
secret key is refused in each format; the same file SOPS-encrypted passes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.e2e.config_surface_support import attach_config_commands
from tests.fixtures_git import CliRunner, git, make_repo

FILES = {
    "config/app.yaml": ("db:\n  host: db\n  password: {v}\n", "db.password"),
    "config/app.json": ('{{"api": {{"token": "{v}"}}}}\n', "api.token"),
    "config/app.toml": ('[db]\npassword = "{v}"\n', "db.password"),
    "config/app.ini": ("[db]\npassword = {v}\n", "db.password"),
    "config/app.env": ("DB_PASSWORD={v}\n", "DB_PASSWORD"),
}


@pytest.fixture(autouse=True)
def _config_group(monkeypatch: pytest.MonkeyPatch) -> None:
    attach_config_commands(monkeypatch)


@pytest.fixture
def clone(tmp_path: Path, git_env: dict[str, str], run_cli: CliRunner,
          monkeypatch: pytest.MonkeyPatch) -> Path:  # fmt: skip
    seed = make_repo(tmp_path / "seed")
    git(tmp_path, "init", "-q", "--bare", "-b", "main", "remote.git")
    git(seed, "push", "-q", str(tmp_path / "remote.git"), "main")
    git(tmp_path, "clone", "-q", "remote.git", "work")
    work = tmp_path / "work"
    monkeypatch.chdir(work)
    assert run_cli("init", "--hooks").exit_code == 0
    for name, (template, _) in FILES.items():
        (work / name).parent.mkdir(exist_ok=True)
        (work / name).write_text(template.format(v="${FROM_ENV}"))
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "config files with references")
    return work


def _push(repo: Path, branch: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "push", "origin", branch], cwd=repo, capture_output=True,
                          text=True, check=False)  # fmt: skip


@pytest.mark.parametrize("name", sorted(FILES))
def test_a_plaintext_secret_in_a_config_step_blocks_the_push(
    clone: Path, run_cli: CliRunner, name: str
) -> None:
    _, key = FILES[name]
    assert run_cli("start", "leak").exit_code == 0
    result = run_cli("config", "set", name, key, "hunter2-plain", "--string")
    assert result.exit_code == 0, result.stderr
    pushed = _push(clone, "migrate/leak")
    assert pushed.returncode != 0, pushed.stderr
    assert f"{name}:" in pushed.stderr and "plaintext value" in pushed.stderr
    assert "hunter2" not in pushed.stderr


def test_the_same_files_encrypted_pass(
    clone: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Encrypted before git sees them, then each rotated by a config step: the steps' commits
    hold every value as ENC[...] and the sops block, and the push goes through."""
    pyrage = pytest.importorskip("pyrage")
    from gitmigrate.files import sops
    from gitmigrate.files.formats import format_of

    identity = pyrage.x25519.Identity.generate()
    monkeypatch.setenv("SOPS_AGE_KEY", str(identity))
    recipients = sops.Recipients(age=(str(identity.to_public()),))
    assert run_cli("start", "safe").exit_code == 0
    for name, (template, _) in FILES.items():
        plain = template.format(v="hunter2-plain")
        (clone / name).write_text(sops.encrypt_text(plain, format_of(name), name, recipients))
    git(clone, "commit", "-q", "-am", "encrypted config")
    for name in FILES:
        rotated = run_cli("config", "secrets", "rotate", name)
        assert rotated.exit_code == 0, rotated.stderr
    pushed = _push(clone, "migrate/safe")
    assert pushed.returncode == 0, pushed.stderr
