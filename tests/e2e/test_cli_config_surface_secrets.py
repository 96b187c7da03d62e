"""`git migrate config secrets encrypt|decrypt|rotate|migrate` and `config migrate-secrets`
through the CLI entry point, with real age keys; `sops -d` reads what the steps wrote."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.config_surface_support import attach_config_commands, commit
from tests.fixtures_git import CliRunner, git

pyrage = pytest.importorskip("pyrage")
SOPS = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "sops"


@pytest.fixture(autouse=True)
def _config_group(monkeypatch: pytest.MonkeyPatch) -> None:
    attach_config_commands(monkeypatch)


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    first, second = pyrage.x25519.Identity.generate(), pyrage.x25519.Identity.generate()
    monkeypatch.setenv("SOPS_AGE_KEY", f"{first}\n{second}")
    monkeypatch.delenv("SOPS_AGE_KEY_FILE", raising=False)
    return first, second


def _project(repo: Path, recipient: str, run_cli: CliRunner) -> None:
    commit(repo, {".sops.yaml": f"creation_rules:\n  - path_regex: ^config/\n    age: {recipient}\n",
                  "config/app.yaml": "db:\n  host: db  # where\n  password: pw-Zx81\nport: 1\n"},
           "config")  # fmt: skip
    assert run_cli("start", "sec").exit_code == 0


def test_encrypt_decrypt_rotate_migrate(
    git_repo: Path, run_cli: CliRunner, keys: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = keys
    _project(git_repo, str(first.to_public()), run_cli)
    bad = run_cli("config", "secrets", "encrypt", "config/app.yaml", "--keys", "(")
    assert bad.exit_code == 2 and "not a regular expression" in bad.stderr
    done = run_cli("config", "secrets", "encrypt", "config/app.yaml", "--keys", "password")
    assert done.exit_code == 0, done.stderr
    text = (git_repo / "config/app.yaml").read_text()
    assert "pw-Zx81" not in text and "port: 1\n" in text and "  host: db  #" in text
    assert git(git_repo, "status", "--porcelain") == ""
    plain = run_cli("config", "secrets", "decrypt", "config/app.yaml")
    assert plain.exit_code == 0 and "password: pw-Zx81" in plain.stdout  # not a TTY: plaintext
    masked = run_cli("config", "secrets", "decrypt", "config/app.yaml", "--keys", "^port$")
    assert "pw-Zx81" not in masked.stdout and "********" in masked.stdout
    if SOPS.exists():
        env = {**os.environ, "SOPS_AGE_KEY": str(first)}
        proc = subprocess.run([str(SOPS), "-d", "config/app.yaml"], cwd=git_repo, env=env,
                              capture_output=True, text=True, check=False)  # fmt: skip
        assert proc.returncode == 0 and "pw-Zx81" in proc.stdout, proc.stderr
    before = (git_repo / "config/app.yaml").read_text()
    rotated = run_cli("config", "secrets", "rotate", "config/app.yaml")
    assert rotated.exit_code == 0, rotated.stderr
    assert (git_repo / "config/app.yaml").read_text() != before
    moved = run_cli("config", "migrate-secrets", str(first.to_public()),
                    str(second.to_public()), "--json")  # fmt: skip
    assert moved.exit_code == 0, moved.stderr
    assert len(json.loads(moved.stdout)) == 1
    monkeypatch.setenv("SOPS_AGE_KEY", str(first))
    refused = run_cli("config", "secrets", "decrypt", "config/app.yaml")
    assert refused.exit_code == 2 and str(second.to_public()) in refused.stderr
    monkeypatch.setenv("SOPS_AGE_KEY", str(second))
    assert "pw-Zx81" in run_cli("config", "secrets", "decrypt", "config/app.yaml").stdout
    again = run_cli("config", "secrets", "migrate", str(first.to_public()),
                    str(second.to_public()))  # fmt: skip
    assert again.exit_code == 2 and "no encrypted config file is readable" in again.stderr
    for text in (done, plain, rotated, moved):
        assert "pw-Zx81" not in text.stderr


def test_decrypt_out_and_refusals(
    git_repo: Path, run_cli: CliRunner, keys: tuple[Any, Any], tmp_path: Path
) -> None:
    first, _ = keys
    _project(git_repo, str(first.to_public()), run_cli)
    not_yet = run_cli("config", "secrets", "decrypt", "config/app.yaml")
    assert not_yet.exit_code == 2 and "is not encrypted" in not_yet.stderr
    head = git(git_repo, "rev-parse", "HEAD")
    shown = run_cli("config", "secrets", "encrypt", "config/app.yaml", "--print")
    assert shown.exit_code == 0 and "would add a config step" in shown.stdout, shown.stderr
    assert "pw-Zx81" not in shown.stdout and git(git_repo, "rev-parse", "HEAD") == head
    assert run_cli("config", "secrets", "encrypt", "config/app.yaml").exit_code == 0
    tracked = run_cli("config", "secrets", "decrypt", "config/app.yaml", "--out", "config/app.yaml")
    assert tracked.exit_code == 2 and "is tracked by git" in tracked.stderr
    out = tmp_path / "plain.yaml"
    out.write_text("readable by all\n")
    out.chmod(0o644)  # an existing file is narrowed to 600 too
    wrote = run_cli("config", "secrets", "decrypt", "config/app.yaml", "--out", str(out))
    assert wrote.exit_code == 0 and "pw-Zx81" not in wrote.stdout + wrote.stderr
    assert "pw-Zx81" in out.read_text() and out.stat().st_mode & 0o777 == 0o600


@pytest.mark.skipif(not Path("/usr/bin/script").exists(), reason="needs script(1) for a terminal")
def test_a_terminal_sees_masked_values_unless_show(
    git_repo: Path, run_cli: CliRunner, keys: tuple[Any, Any], tmp_path: Path
) -> None:
    from tests.e2e.config_surface_support import launcher

    first, _ = keys
    _project(git_repo, str(first.to_public()), run_cli)
    assert run_cli("config", "secrets", "encrypt", "config/app.yaml").exit_code == 0
    env = {**os.environ, **launcher(tmp_path / "bin")}

    def on_a_terminal(*args: str) -> str:
        command = " ".join(["git-migrate", "config", "secrets", "decrypt", *args])
        proc = subprocess.run(["/usr/bin/script", "-qec", command, "/dev/null"], cwd=git_repo,
                              env=env, capture_output=True, text=True, check=False)  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout

    masked = on_a_terminal("config/app.yaml")
    assert "pw-Zx81" not in masked and 'password: "********"' in masked and "--show" in masked
    assert "password: pw-Zx81" in on_a_terminal("config/app.yaml", "--show")


def test_without_sops_rules_the_environment_listing_the_file_gives_the_keys(
    git_repo: Path, run_cli: CliRunner, keys: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = keys
    with (git_repo / ".gitmigrate.toml").open("a") as handle:
        handle.write(f'\n[environments.prod]\nconfig = ["config/app.env"]\n'
                     f'keys = {{ age = ["{second.to_public()}"] }}\n')  # fmt: skip
    commit(git_repo, {"config/app.env": "DB_PASSWORD=pw-env-1\n", ".gitmigrate.toml":
                      (git_repo / ".gitmigrate.toml").read_text()}, "env file")  # fmt: skip
    assert run_cli("start", "envkeys").exit_code == 0
    nowhere = run_cli("config", "secrets", "encrypt", "config/other.yaml")
    assert nowhere.exit_code == 2
    done = run_cli("config", "secrets", "encrypt", "config/app.env")
    assert done.exit_code == 0, done.stderr
    monkeypatch.setenv("SOPS_AGE_KEY", str(second))
    assert "pw-env-1" in run_cli("config", "secrets", "decrypt", "config/app.env").stdout
    monkeypatch.setenv("SOPS_AGE_KEY", str(first))
    assert run_cli("config", "secrets", "decrypt", "config/app.env").exit_code == 2
