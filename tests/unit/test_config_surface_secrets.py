"""The pre-push secret scanner on every config format: plaintext under a secret key is refused,
SOPS-encrypted values (ours or the real sops binary's) and references pass."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from gitmigrate.review.secrets import (
    is_encrypted,
    is_secret_key,
    is_secret_path,
    scan_files,
    scan_text,
)

ENC = "ENC[AES256_GCM,data:9mXq1w==,iv:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,tag:BBBBBBBBBBBBBBBBBBBBBB==,type:str]"

PLAIN = {
    "app.yaml": "db:\n  host: db.internal\n  password: hunter2-yaml\nport: 5432\n",
    "app.json": '{\n  "db": {\n    "host": "db",\n    "password": "hunter2-json"\n  }\n}\n',
    "app.toml": '[db]\nhost = "db"\npassword = "hunter2-toml"\n',
    "app.ini": "[db]\nhost = db\npassword = hunter2-ini\n",
    ".env": "DB_HOST=db\nexport DB_PASSWORD=hunter2-env\n",
}
LINE = {"app.yaml": 3, "app.json": 4, "app.toml": 3, "app.ini": 3, ".env": 2}


def _files(texts: dict[str, str]) -> dict[str, bytes]:
    return {name: text.encode() for name, text in texts.items()}


@pytest.mark.parametrize("full", [True])
@pytest.mark.parametrize("name", sorted(PLAIN))
def test_plaintext_under_a_secret_key_is_found_in_every_format(name: str, full: bool) -> None:
    found = scan_files(_files({name: PLAIN[name]}), "config", full=full)
    assert [(f.file, f.line) for f in found] == [(f"config/{name}", LINE[name])]
    assert "hunter2" not in repr(found)  # a finding never repeats the secret


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_encrypted_values_pass_in_every_format(name: str) -> None:
    text = PLAIN[name]
    for fmt in ("yaml", "json", "toml", "ini", "env"):
        text = text.replace(f"hunter2-{fmt}", ENC)
    if name in ("app.json", "app.toml"):
        assert f'"{ENC}"' in text
    assert scan_files(_files({name: text}), "", full=True) == []


def test_a_malformed_enc_value_is_plaintext() -> None:
    assert scan_text("password: ENC[hunter2]", full=True) == [(1, "plaintext value for 'password'")]
    assert scan_text("password: ENC[AES256_GCM,data:abc", full=True) != []


@pytest.mark.parametrize(
    ("text", "fmt", "lines"),
    [
        ("secrets:\n  github: ghp-plain\n  aws: " + ENC + "\n", "yaml", [2]),
        ("secrets:\n  github: " + ENC + "\n  other: ${OTHER}\nname: x\n", "yaml", []),
        ("passwords:\n  - first-plain\n  - " + ENC + "\n", "yaml", [2]),
        ("private_key: |\n  -----BEGIN CERT-----\n  abc\n", "yaml", [1]),
        ("private_key: " + ENC + "\nnext: 1\n", "yaml", []),
        ('{"secrets": {"a": "plain-a", "b": "' + ENC + '"}, "name": "n"}', "json", [1]),
        ('{\n "tokens": [\n  "plain-t",\n  "' + ENC + '"\n ]\n}\n', "json", [3]),
        ('[secrets]\ngithub = "plain"\nother = "' + ENC + '"\n[app]\nname = "x"\n', "toml", [2]),
        ('[app.secrets]\ngithub = "' + ENC + '"\n', "toml", []),
        ('secrets = { github = "plain", aws = "' + ENC + '" }\n', "toml", [1]),
        ('password = """\nhunter2\n"""\n', "toml", [1]),
        ('password = """\n' + ENC + '\n"""\n', "toml", []),
        ("[secrets]\ngithub = plain\n; comment\n[app]\nname = x\n", "ini", [2]),
        ("[secrets]\nsecret_file = /run/x\n", "ini", []),
        ("API_KEY='" + ENC + '\'\nAUTH_TOKEN="plain"\n', "env", [2]),
        ("password_min_length: 12\nsecret_file: /run/secrets/db\n", "yaml", []),
        ("db:\n  password: ${DB_PASSWORD}\n", "yaml", []),
    ],
)
def test_containers_and_formats(text: str, fmt: str, lines: list[int]) -> None:
    assert [line for line, _ in scan_text(text, full=True, format=fmt)] == lines


def test_database_steps_get_the_url_rule_on_every_config_format() -> None:
    files = _files({
        "seed.yaml": "url: postgresql://app:pw-yaml@db/app\npassword: not-judged-here\n",
        "up.sql": "-- postgresql://app:pw-sql@db/app\n",
        "notes.txt": "postgresql://app:pw-txt@db/app\n",
    })  # fmt: skip
    found = scan_files(files, "m/1", full=False)
    assert [(f.file, f.line, f.kind) for f in found] == [
        ("m/1/seed.yaml", 1, "URL with a password"),
        ("m/1/up.sql", 1, "URL with a password"),
    ]


def test_key_predicates() -> None:
    assert is_secret_key("DB_PASSWORD") and is_secret_key("api-key") and is_secret_key("token")
    assert not is_secret_key("password_min_length") and not is_secret_key("secret_file")
    assert not is_secret_key("tokenizer") and not is_secret_key("host")
    assert is_secret_path(("secrets", "github")) and is_secret_path(("db", "password"))
    assert not is_secret_path(("db", "host", 0))
    assert is_encrypted(ENC) and not is_encrypted("ENC[x]") and not is_encrypted(3)


SOPS = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "sops"


@pytest.mark.skipif(not (SOPS.exists() or shutil.which("sops")), reason="no sops binary")
@pytest.mark.parametrize("name", sorted(PLAIN))
def test_files_encrypted_by_the_real_sops_pass(name: str, tmp_path: Path) -> None:
    pyrage = pytest.importorskip("pyrage")
    identity = pyrage.x25519.Identity.generate()
    sops = str(SOPS) if SOPS.exists() else str(shutil.which("sops"))
    source = tmp_path / name
    source.write_text(PLAIN[name])
    fmt = {".env": "dotenv", "app.yaml": "yaml", "app.json": "json", "app.ini": "ini"}.get(name)
    if fmt is None:
        pytest.skip("sops cannot write TOML (our extension: tested with files/sops)")
    env = {**os.environ, "SOPS_AGE_KEY": str(identity)}
    result = subprocess.run(
        [sops, "-e", "--age", str(identity.to_public()), "--input-type", fmt,
         "--output-type", fmt, str(source)],
        capture_output=True, env=env, check=True,
    )  # fmt: skip
    encrypted = result.stdout
    assert b"hunter2" not in encrypted and b"ENC[AES256_GCM" in encrypted
    assert scan_files({name: encrypted}, "", full=True) == []


VECTORS = Path(__file__).resolve().parents[2] / "fixtures" / "config" / "sops"


@pytest.mark.skipif(not VECTORS.is_dir(), reason="the sops branch's fixtures are not merged")
def test_sops_own_encrypted_files_pass() -> None:
    files = {
        str(p.relative_to(VECTORS)): p.read_bytes()
        for p in VECTORS.rglob("*")
        if p.is_file() and p.suffix in (".yaml", ".json", ".ini", ".env", ".toml")
    }
    assert len(files) >= 12
    assert scan_files(files, "", full=True) == []
    decrypted = "[not private]\nnotsecret_unencrypted = hi there!\n[db]\nsecret = s3cr3t\n"
    assert scan_text(decrypted, full=True, format="ini") == [(4, "plaintext value for 'secret'")]
