"""The secrets promise, end to end: plaintext config secrets written in the work tree (never
committed in clear), encrypted, diffed, traced, rotated, re-keyed to a new recipient, applied,
rolled back and planned through the real CLI. Then every git object (`cat-file
--batch-all-objects`, notes included), every reflog and file under .git, the tool's state
(.gitmigrate/), the generated artifacts (docs/plan-outputs), the work tree and every command's
terminal output are searched for each plaintext secret: none may be found."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.e2e.config_surface_support import launcher
from tests.fixtures_git import git, make_repo

SECRETS = {
    "config/app.yaml": ("db:\n  host: db.internal\n  password: {s}\nport: 8080\n", "lk-yaml-7Qw2"),
    "config/app.json": (
        '{{\n  "api": {{"url": "https://x", "api_key": "{s}"}}\n}}\n',
        "lk-json-9Ze4",
    ),
    "config/app.toml": ('[db]\nhost = "db"\npassword = "{s}"\n', "lk-toml-3Rt8"),
    "config/app.ini": ("[db]\nhost = db\npassword = {s}\n", "lk-ini-5Yu1"),
    "config/app.env": ("DB_HOST=db\nDB_PASSWORD={s}\n", "lk-env-2Io6"),
}
PLAINTEXTS = [secret for _, secret in SECRETS.values()]


def _search_tree(root: Path, needles: list[str]) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and ".venv" not in path.parts:
            data = path.read_bytes()
            found += [f"{path}: {n}" for n in needles if n.encode() in data]
    return found


class Flow:
    """A project repository, two age keys (both in SOPS_AGE_KEY) and the real CLI, with every
    line each command printed kept for the final search."""

    def __init__(self, tmp_path: Path) -> None:
        pyrage = pytest.importorskip("pyrage")
        self.first = pyrage.x25519.Identity.generate()
        self.second = pyrage.x25519.Identity.generate()
        self.repo = make_repo(tmp_path / "project")
        self.env = {**os.environ, "SOPS_AGE_KEY": f"{self.first}\n{self.second}",
                    **launcher(tmp_path / "bin")}  # fmt: skip
        self.printed: list[str] = []
        (self.repo / ".sops.yaml").write_text(
            f"creation_rules:\n  - path_regex: ^config/\n    age: {self.first.to_public()}\n"
        )
        git(self.repo, "add", ".sops.yaml")
        git(self.repo, "commit", "-q", "-m", "sops rules")
        self.migrate("start", "secrets")

    def migrate(self, *args: str, code: int = 0) -> str:
        proc = subprocess.run(
            ["git-migrate", *args], cwd=self.repo, env=self.env, capture_output=True,
            text=True, check=False,
        )  # fmt: skip
        assert proc.returncode == code, f"{args}: {proc.stdout}{proc.stderr}"
        self.printed.append(proc.stdout + proc.stderr)
        return proc.stdout

    def write_plaintext(self) -> None:
        for name, (template, secret) in SECRETS.items():
            (self.repo / name).parent.mkdir(exist_ok=True)
            (self.repo / name).write_text(template.format(s=secret))

    def rest_of_the_flow(self) -> None:
        """Read, rotate, re-key, apply, roll back and plan, then search everything."""
        for name, (_, secret) in SECRETS.items():
            assert secret not in (self.repo / name).read_text()
            self.migrate("config", "history", _key(name), name)
            assert secret in decrypt(self.repo, self.env, name)  # to a pipe, as asked
            self.migrate("config", "secrets", "rotate", name)
            self.migrate("config", "diff", f"HEAD~1:{name}", name)
        public = (str(self.first.to_public()), str(self.second.to_public()))
        self.migrate("config", "migrate-secrets", *public)
        only_second = {**self.env, "SOPS_AGE_KEY": str(self.second)}
        for name, (_, secret) in SECRETS.items():  # the new recipient alone reads them
            assert secret in decrypt(self.repo, only_second, name)
        self.migrate("apply")
        self.migrate("rollback", "--steps", "2")  # the last two re-keyings are undone
        only_first = {**self.env, "SOPS_AGE_KEY": str(self.first)}
        readable = [n for n in SECRETS if _decrypts(self.repo, only_first, n)]
        assert len(readable) == 2, readable
        self.migrate("plan")
        self.migrate("log")
        self.migrate("status")
        self.search()

    def search(self) -> None:
        objects = subprocess.run(
            ["git", "cat-file", "--batch-all-objects", "--batch"], cwd=self.repo,
            capture_output=True, check=True,
        ).stdout  # fmt: skip
        assert len(objects) > 1000
        assert [s for s in PLAINTEXTS if s.encode() in objects] == []
        notes = git(self.repo, "for-each-ref", "--format=%(refname)", "refs/notes/")
        assert notes.strip(), "the flow wrote run notes"
        for ref in notes.split():
            log = git(self.repo, "log", "-p", ref)
            assert [s for s in PLAINTEXTS if s in log] == []
        assert (self.repo / "docs" / "plan-outputs").is_dir()
        # .git (reflogs, index, packs), .gitmigrate (ledger, logs), artifacts, the work tree
        assert _search_tree(self.repo, PLAINTEXTS) == []
        assert [s for s in PLAINTEXTS if any(s in out for out in self.printed)] == []


def test_encrypting_new_files_then_the_whole_flow_leaks_nothing(
    tmp_path: Path, git_env: dict[str, str]
) -> None:
    flow = Flow(tmp_path)
    flow.write_plaintext()
    for name in SECRETS:
        flow.migrate("config", "secrets", "encrypt", name)
    flow.rest_of_the_flow()


def test_rotate_rekey_rollback_and_plan_leak_nothing(
    tmp_path: Path, git_env: dict[str, str]
) -> None:
    """The files are encrypted before git sees them (files.sops, as `sops -e -i` would), and
    committed; every later command goes through the CLI."""
    from gitmigrate.files import sops
    from gitmigrate.files.formats import format_of

    flow = Flow(tmp_path)
    flow.write_plaintext()
    recipients = sops.Recipients(age=(str(flow.first.to_public()),))
    for name in SECRETS:
        path = flow.repo / name
        path.write_text(sops.encrypt_text(path.read_text(), format_of(name), name, recipients))
    git(flow.repo, "add", "config")
    git(flow.repo, "commit", "-q", "-m", "encrypted config")
    flow.rest_of_the_flow()


def _key(name: str) -> str:
    return {"config/app.json": "api.api_key", "config/app.env": "DB_PASSWORD"}.get(
        name, "db.password"
    )


def _decrypts(repo: Path, env: dict[str, str], name: str) -> bool:
    proc = subprocess.run(
        ["git-migrate", "config", "secrets", "decrypt", name], cwd=repo, env=env,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return proc.returncode == 0


def decrypt(repo: Path, env: dict[str, str], name: str) -> str:
    proc = subprocess.run(
        ["git-migrate", "config", "secrets", "decrypt", name], cwd=repo,
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return proc.stdout
