"""`key_history` on real git repositories: plain commits, step commits, file renames, key
rename steps, merges and rollbacks; secret and encrypted values hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.core.gitstore import GitRepo
from gitmigrate.errors import UsageError
from gitmigrate.kinds.config.history import key_history
from gitmigrate.review.secrets import is_secret_path
from tests.fixtures_git import git, make_repo

ENC = "ENC[AES256_GCM,data:aGk=,iv:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,tag:BBBBBBBBBBBBBBBBBBBBBB==,type:str]"


def _commit(repo: Path, files: dict[str, str], message: str, *, trailers: str = "") -> str:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
        git(repo, "add", name)
    git(repo, "commit", "-q", "-m", message + ("\n\n" + trailers if trailers else ""))
    return git(repo, "rev-parse", "HEAD").strip()


def _step(repo: Path, seq: int, options: str, files: dict[str, str], summary: str) -> str:
    step_toml = f'kind = "config"\nsummary = "{summary}"\n\n[options]\n{options}'
    files = {f"migrations/m/{seq:03d}-s/step.toml": step_toml, **files}
    trailers = f"Migrate-Step: m/{seq:03d}\nMigrate-Kind: config\n"
    return _commit(repo, files, f"config: {summary}", trailers=trailers)


@pytest.fixture
def repo(tmp_path: Path, git_env: dict[str, str]) -> Path:
    return make_repo(tmp_path / "repo", initialise=False)


def test_values_through_steps_file_and_key_renames(repo: Path) -> None:
    first = _commit(repo, {"config/app.yaml": "db:\n  port: 5432\n  host: a\n"}, "add config")
    _commit(repo, {"config/app.yaml": "db:\n  port: 5432\n  host: b\n"}, "other key only")
    set_ = _step(repo, 1, 'op = "set"\nfile = "config/app.yaml"\nkey = "db.port"\nvalue = 6432\n',
                 {"config/app.yaml": "db:\n  port: 6432\n  host: b\n"}, "port 6432")  # fmt: skip
    git(repo, "mv", "config/app.yaml", "config/service.yaml")
    git(repo, "commit", "-q", "-m", "rename the file")
    renamed = _step(
        repo, 2,
        'op = "rename"\nfile = "config/service.yaml"\nkey = "db.port"\nnew_key = "listen_port"\n',
        {"config/service.yaml": "db:\n  listen_port: 6432\n  host: b\n"}, "rename port",
    )  # fmt: skip
    last = _commit(repo, {"config/service.yaml": "db:\n  listen_port: 7000\n  host: b\n"}, "bump")
    entries = key_history(GitRepo(repo), ("db", "listen_port"), "config/service.yaml")
    assert [(e.commit, e.value, e.step, e.file, e.key) for e in entries] == [
        (first, 5432, None, "config/app.yaml", ("db", "port")),
        (set_, 6432, "m/001", "config/app.yaml", ("db", "port")),
        (last, 7000, None, "config/service.yaml", ("db", "listen_port")),
    ]
    assert renamed not in [e.commit for e in entries]  # same value, new name: not a change
    # without FILE: every config file that has the key now
    assert [e.value for e in key_history(GitRepo(repo), ("db", "listen_port"))] == [
        5432, 6432, 7000,
    ]  # fmt: skip


def test_merges_removals_and_rollbacks(repo: Path) -> None:
    base = _commit(repo, {"app.toml": "[server]\nworkers = 2\n"}, "base")
    git(repo, "checkout", "-q", "-b", "side")
    side = _commit(repo, {"app.toml": "[server]\nworkers = 4\n"}, "side: 4 workers")
    git(repo, "checkout", "-q", "main")
    main = _commit(repo, {"app.toml": "[server]\nworkers = 3\n"}, "main: 3 workers")
    git(repo, "merge", "-q", "side", "-m", "merge", check=False)
    (repo / "app.toml").write_text("[server]\nworkers = 8\n")
    git(repo, "add", "app.toml")
    git(repo, "commit", "-q", "--no-edit")
    merge = git(repo, "rev-parse", "HEAD").strip()
    removed = _commit(repo, {"app.toml": "[server]\n"}, "drop workers")
    back = _commit(repo, {"app.toml": "[server]\nworkers = 8\n"}, "Roll back",
                   trailers="Migrate-Rollback: m/009\n")  # fmt: skip
    entries = key_history(GitRepo(repo), ("server", "workers"), "app.toml")
    got = [(e.commit, e.present, e.value, e.rollback) for e in entries]
    assert got[0] == (base, True, 2, False)
    assert set(got[1:3]) == {(side, True, 4, False), (main, True, 3, False)}
    assert got[3:] == [
        (merge, True, 8, False), (removed, False, None, False), (back, True, 8, True),
    ]  # fmt: skip
    assert entries[-1].step == "m/009"


def test_a_merge_taking_one_side_is_not_an_entry(repo: Path) -> None:
    _commit(repo, {"a.json": '{"level": "info"}\n', "b.txt": "1\n"}, "base")
    git(repo, "checkout", "-q", "-b", "side")
    side = _commit(repo, {"a.json": '{"level": "debug"}\n'}, "side")
    git(repo, "checkout", "-q", "main")
    _commit(repo, {"b.txt": "2\n"}, "unrelated")
    git(repo, "merge", "-q", "--no-ff", "side", "-m", "merge side")
    entries = key_history(GitRepo(repo), ("level",), "a.json")
    assert [e.value for e in entries] == ["info", "debug"] and entries[1].commit == side


def test_secret_and_encrypted_values_are_hidden(repo: Path) -> None:
    _commit(repo, {".env": "DB_PASSWORD=hunter2\nLOG=info\n"}, "plain")
    enc = _commit(repo, {".env": f"DB_PASSWORD={ENC}\nLOG=info\n"}, "encrypt")
    hist = key_history(GitRepo(repo), ("DB_PASSWORD",), ".env", secret=is_secret_path)
    assert [(e.hidden, e.value) for e in hist] == [(True, None), (True, None)]
    assert hist[1].commit == enc and "hunter2" not in repr(hist) + repr([e.to_json() for e in hist])
    # an encrypted value is hidden even when the caller does not call the key secret
    _commit(repo, {"a.yaml": f"token_like: {ENC}\n"}, "enc value")
    (entry,) = key_history(GitRepo(repo), ("token_like",), "a.yaml")
    assert entry.hidden and entry.value is None


def test_unknown_key_or_file(repo: Path) -> None:
    _commit(repo, {"a.yaml": "x: 1\n"}, "a")
    with pytest.raises(UsageError, match="no config file at HEAD has the key y"):
        key_history(GitRepo(repo), ("y",))
    with pytest.raises(UsageError, match="nothere.yaml has no history"):
        key_history(GitRepo(repo), ("x",), "nothere.yaml")
    assert key_history(GitRepo(repo), ("y",), "a.yaml") == []


def test_without_file_every_config_file_holding_the_key(repo: Path) -> None:
    _commit(repo, {"a.yaml": "db:\n  host: a\n", "b.toml": '[db]\nhost = "b"\n',
                   ".gitmigrate.toml": '[db]\nhost = "tool"\n', "c.json": '{"other": 1}\n',
                   "migrations/m/001-x/step.toml": '[db]\nhost = "step"\n'}, "files")  # fmt: skip
    entries = key_history(GitRepo(repo), ("db", "host"))
    assert sorted((e.file, e.value) for e in entries) == [("a.yaml", "a"), ("b.toml", "b")]
