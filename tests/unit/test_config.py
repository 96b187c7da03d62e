"""Project configuration: .gitmigrate.toml, ${VAR} from the environment, git config overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.core.config import CONFIG_FILE, Target, load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.errors import ConfigError, RepositoryStateError, UsageError
from tests.fixtures_git import git

CONFIG = """
[migrate]
default_target = "dev"
dialect = "postgresql"

[targets.dev]
url = "sqlite:///.gitmigrate/dev.db"

[targets.prod]
url = "postgresql+psycopg://app:${PROD_DB_PASSWORD}@db.internal/${DB_NAME}"
"""


@pytest.fixture
def configured(git_repo: Path) -> GitRepo:
    (git_repo / CONFIG_FILE).write_text(CONFIG)
    return GitRepo(git_repo)


def test_init_defaults(git_repo: Path) -> None:
    config = load_config(GitRepo(git_repo))
    assert config.default_target == "dev"
    assert config.dialect == "sqlite"
    assert config.branch_prefix == "migrate/"
    assert config.target(None).resolve_url() == "sqlite:///.gitmigrate/dev.db"


def test_variables_are_read_from_the_environment(
    configured: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROD_DB_PASSWORD", "s3cret")
    monkeypatch.setenv("DB_NAME", "app")
    target = load_config(configured).target("prod")
    assert target.url_template.endswith("${PROD_DB_PASSWORD}@db.internal/${DB_NAME}")
    assert target.resolve_url() == "postgresql+psycopg://app:s3cret@db.internal/app"


def test_missing_variable_names_it(configured: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROD_DB_PASSWORD", raising=False)
    monkeypatch.setenv("DB_NAME", "app")
    target = load_config(configured).target("prod")
    with pytest.raises(ConfigError) as info:
        target.resolve_url()
    assert "PROD_DB_PASSWORD" in info.value.message
    assert info.value.hint and "export PROD_DB_PASSWORD" in info.value.hint
    assert info.value.exit_code == 2


def test_unknown_target_lists_the_known_ones(configured: GitRepo) -> None:
    with pytest.raises(UsageError) as info:
        load_config(configured).target("staging")
    assert "unknown target 'staging'" in info.value.message
    assert info.value.hint and "dev, prod" in info.value.hint
    assert info.value.exit_code == 2


def test_url_is_an_ad_hoc_target(configured: GitRepo) -> None:
    target = load_config(configured).target("sqlite:///other.db")
    assert target == Target(name="(url)", url_template="sqlite:///other.db")


def test_git_config_overrides(configured: GitRepo) -> None:
    root = configured.root
    git(root, "config", "migrate.branchPrefix", "mig/")
    git(root, "config", "migrate.defaultTarget", "prod")
    git(root, "config", "migrate.target.prod.url", "sqlite:///mine.db")
    git(root, "config", "migrate.target.scratch.url", "sqlite:///scratch.db")
    config = load_config(configured)
    assert config.branch_prefix == "mig/"
    assert config.default_target == "prod"
    assert config.target(None).resolve_url() == "sqlite:///mine.db"
    assert config.target("scratch").resolve_url() == "sqlite:///scratch.db"
    assert config.target("dev").resolve_url() == "sqlite:///.gitmigrate/dev.db"


def test_no_default_target(git_repo: Path) -> None:
    (git_repo / CONFIG_FILE).write_text('[targets.a]\nurl = "sqlite:///a.db"\n')
    with pytest.raises(UsageError, match="no default target"):
        load_config(GitRepo(git_repo)).target(None)


def test_not_initialised(git_repo: Path) -> None:
    (git_repo / CONFIG_FILE).unlink()
    with pytest.raises(RepositoryStateError) as info:
        load_config(GitRepo(git_repo))
    assert info.value.hint == "run `git migrate init` first"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[migrate\n", "not valid TOML"),
        ('[targets.dev]\nname = "x"\n', "target 'dev' has no url"),
        ('migrate = "x"\n', "must be tables"),
    ],
)
def test_bad_config_files(git_repo: Path, text: str, message: str) -> None:
    (git_repo / CONFIG_FILE).write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(GitRepo(git_repo))
