"""Two environments with real age keys and a real SOPS-encrypted secrets file (prod's), for
the env secrets tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from gitmigrate.files import sops
from tests.env_health_support import add_environments

PROD_PLAIN = "db:\n  host: db.prod\n  DB_PASSWORD: hunter2-prod-pw\nAPI_TOKEN: tok-prod-7f3a\n"
VALUES = ("hunter2-prod-pw", "tok-prod-7f3a")


@dataclass(frozen=True)
class Keys:
    prod: str  # AGE-SECRET-KEY-...
    prod_public: str
    staging: str
    staging_public: str


def make_keys() -> Keys:
    pyrage = pytest.importorskip("pyrage")
    prod, staging = pyrage.x25519.Identity.generate(), pyrage.x25519.Identity.generate()
    return Keys(str(prod), str(prod.to_public()), str(staging), str(staging.to_public()))


def two_environments(repo: Path, keys: Keys, staging_files: dict[str, str] | None = None) -> None:
    """prod: base.yaml + prod.secrets.yaml (encrypted); staging: base.yaml + staging.secrets.yaml
    (absent unless `staging_files` gives it). Both need DB_PASSWORD and API_TOKEN."""
    encrypted = sops.encrypt_text(
        PROD_PLAIN, "yaml", "config/prod.secrets.yaml", sops.Recipients(age=(keys.prod_public,))
    )
    add_environments(
        repo,
        '[environments.prod]\nconfig = ["config/base.yaml", "config/prod.secrets.yaml"]\n'
        'secrets = ["DB_PASSWORD", "API_TOKEN"]\n'
        f'keys = {{ age = ["{keys.prod_public}"], key_env = "PROD_AGE_KEY" }}\n\n'
        '[environments.staging]\nconfig = ["config/base.yaml", "config/staging.secrets.yaml"]\n'
        'secrets = ["DB_PASSWORD", "API_TOKEN"]\n'
        f'keys = {{ age = ["{keys.staging_public}"], key_env = "STAGING_AGE_KEY" }}\n',
        {
            "config/base.yaml": "port: 8080\n",
            "config/prod.secrets.yaml": encrypted,
            **(staging_files or {}),
        },  # fmt: skip
    )


def decrypt(path: Path, key: str) -> str:
    name = path.name
    return sops.decrypt_text(path.read_text(), "yaml", name, sops.Identities(age=(key,)))
