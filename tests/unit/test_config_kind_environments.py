"""[environments.*] of .gitmigrate.toml: the shape DESIGN.md gives, shared by config and env."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.core.config import Environment, EnvironmentKeys, load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.errors import ConfigError, UsageError

PROD = """
[environments.prod]
target = "prod"
config = ["config/base.yaml", "config/prod.yaml"]
schema = "config/schema.json"
secrets = ["DB_PASSWORD", "API_TOKEN"]
health = ["https://app.internal/healthz"]
keys = { age = ["age1abc"], key_env = "GITMIGRATE_PROD_KEY" }

[environments.dev]
config = "config/base.yaml"
"""


def _with(repo: Path, text: str) -> None:
    path = repo / ".gitmigrate.toml"
    path.write_text(path.read_text() + text)


def test_every_key_of_an_environment_is_read(git_repo: Path) -> None:
    _with(git_repo, PROD)
    config = load_config(GitRepo(git_repo))
    assert config.environment("prod") == Environment(
        name="prod",
        target="prod",
        config=("config/base.yaml", "config/prod.yaml"),
        schema="config/schema.json",
        secrets=("DB_PASSWORD", "API_TOKEN"),
        health=("https://app.internal/healthz",),
        keys=EnvironmentKeys(age=("age1abc",), key_env="GITMIGRATE_PROD_KEY"),
    )
    assert config.environment("dev").config == ("config/base.yaml",)  # one file: a list of one
    assert config.environment("dev").keys == EnvironmentKeys()


def test_no_environments_is_an_empty_table(git_repo: Path) -> None:
    assert load_config(GitRepo(git_repo)).environments == {}


def test_an_unknown_environment_names_those_there_are(git_repo: Path) -> None:
    _with(git_repo, PROD)
    with pytest.raises(UsageError) as caught:
        load_config(GitRepo(git_repo)).environment("stage")
    assert "stage" in caught.value.message and "dev, prod" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[environments.x]\nconfig = [1]\n", "config must be a list of strings"),
        ("[environments.x]\nschema = 3\n", "schema must be a non-empty string"),
        ('[environments.x]\nconfg = ["a.yaml"]\n', "unknown key(s) confg"),
        ('[environments.x]\nkeys = { age = ["a"], secret = "no" }\n', "keys must be a table"),
        ("environments = 3\n", "must be tables"),
    ],
)
def test_a_bad_environment_says_what_is_wrong(git_repo: Path, text: str, words: str) -> None:
    path = git_repo / ".gitmigrate.toml"
    path.write_text(
        text + path.read_text() if text.startswith("environments") else path.read_text() + text
    )
    with pytest.raises(ConfigError) as caught:
        load_config(GitRepo(git_repo))
    assert words in caught.value.message
