"""`env secrets check` and `env secrets copy` on real SOPS-encrypted files with real age keys:
what each environment needs and has (names only, no key needed), a copy that creates TO's
secrets file encrypted for TO alone, a copy into TO's existing encrypted file (TO's key needed:
the MAC covers every value; the other values keep their ciphertext), and no plaintext value in
any commit, note, result or message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitmigrate import api
from gitmigrate.errors import UsageError
from gitmigrate.files import sops
from tests.env_secrets_support import VALUES, decrypt, make_keys, two_environments
from tests.fixtures_git import git


def _leaks(repo: Path) -> str:
    """Everything git holds (objects of every ref, notes included), as text."""
    objects = git(repo, "rev-list", "--all", "--objects")
    shas = [line.split()[0] for line in objects.splitlines()]
    return "".join(git(repo, "cat-file", "-p", sha) for sha in shas)


def test_check_names_only(git_repo: Path) -> None:
    keys = make_keys()
    two_environments(git_repo, keys)
    result = api.env_secrets_check(git_repo, a="prod", b="staging")
    prod, staging = result.envs
    assert prod.has == ("API_TOKEN", "DB_PASSWORD", "host") and prod.ok  # every encrypted leaf
    assert staging.missing == ("DB_PASSWORD", "API_TOKEN") and not result.ok
    assert result.copyable == ("DB_PASSWORD", "API_TOKEN")
    assert prod.to_json()["found"]["DB_PASSWORD"] == [
        {"file": "config/prod.secrets.yaml", "key": "db.DB_PASSWORD", "encrypted": True}
    ]
    assert not any(v in json.dumps(result.to_json()) for v in VALUES)
    assert [e.env for e in api.env_secrets_check(git_repo).envs] == ["prod", "staging"]


def test_plaintext_is_reported_not_had(git_repo: Path) -> None:
    keys = make_keys()
    two_environments(git_repo, keys, {"config/staging.secrets.yaml": "API_TOKEN: clear\n"})
    staging = api.env_secrets_check(git_repo, a="staging").envs[0]
    assert staging.plaintext == ("API_TOKEN",) and "API_TOKEN" in staging.missing


def test_copy_creates_the_file_encrypted_for_to(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = make_keys()
    two_environments(git_repo, keys)
    api.start(git_repo, "secrets")
    monkeypatch.setenv("PROD_AGE_KEY", keys.prod)
    copied = api.env_secrets_copy(git_repo, source="prod", target="staging")
    assert copied.names == ("DB_PASSWORD", "API_TOKEN") and copied.created
    target = git_repo / "config/staging.secrets.yaml"
    assert git(git_repo, "status", "--porcelain") == ""  # committed, nothing left over
    plain = decrypt(target, keys.staging)
    assert "DB_PASSWORD: hunter2-prod-pw" in plain and "API_TOKEN: tok-prod-7f3a" in plain
    assert sops.recipients_of(target.read_text(), "yaml", "x").age == (keys.staging_public,)
    with pytest.raises(UsageError):  # prod's key does not open staging's file
        decrypt(target, keys.prod)
    assert git(git_repo, "log", "-1", "--format=%s").startswith("config: copy secrets")
    assert not any(v in _leaks(git_repo) for v in VALUES)
    assert not any(v in json.dumps(copied.to_json()) for v in VALUES)
    assert api.env_secrets_check(git_repo, a="prod", b="staging").ok

    api.apply(git_repo)  # the config step verifies (its file is encrypted) and is recorded
    api.rollback(git_repo, all=True, yes=True)  # reversible: the inverse commit
    assert not target.exists()


def test_copy_into_an_existing_file_needs_to_key(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = make_keys()
    other = sops.encrypt_text("OTHER: keep-me\n", "yaml", "config/staging.secrets.yaml",
                              sops.Recipients(age=(keys.staging_public,)))  # fmt: skip
    two_environments(git_repo, keys, {"config/staging.secrets.yaml": other})
    api.start(git_repo, "secrets")
    monkeypatch.setenv("PROD_AGE_KEY", keys.prod)
    monkeypatch.delenv("STAGING_AGE_KEY", raising=False)
    with pytest.raises(UsageError, match="STAGING_AGE_KEY is not set"):
        api.env_secrets_copy(git_repo, source="prod", target="staging", names=["API_TOKEN"])
    monkeypatch.setenv("STAGING_AGE_KEY", keys.staging)
    copied = api.env_secrets_copy(git_repo, source="prod", target="staging", names=["API_TOKEN"])
    assert not copied.created and copied.file == "config/staging.secrets.yaml"
    text = (git_repo / copied.file).read_text()
    assert other.splitlines()[0] in text  # OTHER kept its ciphertext
    plain = decrypt(git_repo / copied.file, keys.staging)
    assert "OTHER: keep-me" in plain and "API_TOKEN: tok-prod-7f3a" in plain
    with pytest.raises(UsageError, match="has API_TOKEN already"):
        api.env_secrets_copy(git_repo, source="prod", target="staging", names=["API_TOKEN"])
    assert not any(v in _leaks(git_repo) for v in VALUES)


def test_bad_input_is_one_line(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keys = make_keys()
    two_environments(git_repo, keys)
    api.start(git_repo, "secrets")
    monkeypatch.delenv("PROD_AGE_KEY", raising=False)
    before = git(git_repo, "rev-parse", "HEAD")
    with pytest.raises(UsageError, match="PROD_AGE_KEY is not set") as missing:
        api.env_secrets_copy(git_repo, source="prod", target="staging")
    assert "export PROD_AGE_KEY=" in (missing.value.hint or "")
    monkeypatch.setenv("PROD_AGE_KEY", keys.prod)
    with pytest.raises(UsageError, match="has no encrypted value named 'NOPE'") as lacking:
        api.env_secrets_copy(git_repo, source="prod", target="staging", names=["NOPE"])
    assert "API_TOKEN, DB_PASSWORD" in (lacking.value.hint or "")
    monkeypatch.setenv("PROD_AGE_KEY", "not a key")
    with pytest.raises(UsageError, match="PROD_AGE_KEY is not an age identity"):
        api.env_secrets_copy(git_repo, source="prod", target="staging")
    with pytest.raises(UsageError, match="unknown environment 'qa'"):
        api.env_secrets_copy(git_repo, source="prod", target="qa")
    assert git(git_repo, "rev-parse", "HEAD") == before  # nothing committed


def test_copy_into_a_dotenv_file(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A flat .env file of TO: the nested YAML key becomes a variable of its own name."""
    keys = make_keys()
    two_environments(git_repo, keys)
    config = git_repo / ".gitmigrate.toml"
    config.write_text(
        config.read_text().replace("config/staging.secrets.yaml", "config/staging.env")
    )
    git(git_repo, "commit", "-qam", "staging's secrets in a .env file")
    api.start(git_repo, "secrets")
    monkeypatch.setenv("PROD_AGE_KEY", keys.prod)
    copied = api.env_secrets_copy(git_repo, source="prod", target="staging")
    text = (git_repo / "config/staging.env").read_text()
    assert "DB_PASSWORD=ENC[AES256_GCM," in text and "API_TOKEN=ENC[AES256_GCM," in text
    plain = sops.decrypt_text(text, "env", "staging.env", sops.Identities(age=(keys.staging,)))
    assert "DB_PASSWORD=hunter2-prod-pw" in plain and copied.created
    assert api.env_secrets_check(git_repo, a="staging").envs[0].ok
