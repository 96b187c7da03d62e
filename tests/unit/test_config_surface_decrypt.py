"""config_decrypt on every format: the plaintext comes back, the masked text hides every
encrypted value and still parses (JSON/TOML masks are quoted), --keys reveals only matches."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.api.config_secrets import MASK, config_decrypt
from gitmigrate.errors import UsageError
from gitmigrate.files.document import loads
from gitmigrate.files.formats import format_of
from tests.fixtures_git import git, make_repo

pyrage = pytest.importorskip("pyrage")

FILES = {
    "c/app.yaml": "db:\n  password: pw-yaml\n  port: 5432\n",
    "c/app.json": '{"db": {"password": "pw-json", "port": 5432}}\n',
    "c/app.toml": '[db]\npassword = "pw-toml"\nport = 5432\n',
    "c/app.ini": "[db]\npassword = pw-ini\nport = 5432\n",
    "c/app.env": "DB_PASSWORD=pw-env\nDB_PORT=5432\n",
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_decrypt_and_mask(name: str, tmp_path: Path, git_env: dict[str, str]) -> None:
    from gitmigrate.files import sops

    identity = pyrage.x25519.Identity.generate()
    repo = make_repo(tmp_path / "r", initialise=False)
    fmt = format_of(name)
    recipients = sops.Recipients(age=(str(identity.to_public()),))
    (repo / "c").mkdir()
    (repo / name).write_text(sops.encrypt_text(FILES[name], fmt, name, recipients))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "enc")
    env = {"SOPS_AGE_KEY": str(identity)}
    result = config_decrypt(repo, file=str(repo / name), env=env)
    assert result.text == FILES[name]
    assert "pw-" not in result.masked and MASK in result.masked
    assert len(loads(result.masked, fmt, name).data) == len(loads(FILES[name], fmt, name).data)
    assert "pw-" not in repr(result.to_json())
    port_only = config_decrypt(repo, file=name, keys="(?i)port", env=env)
    assert "pw-" not in port_only.text and "5432" in port_only.text
    with pytest.raises(UsageError, match=str(identity.to_public())):
        config_decrypt(
            repo, file=name, env={"SOPS_AGE_KEY": str(pyrage.x25519.Identity.generate())}
        )
