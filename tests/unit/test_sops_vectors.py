"""SOPS's own test vectors (fixtures/config/sops, copied from getsops/sops v3.13.2): every file
decrypts to its plaintext with the MAC checked; a changed value, a moved value or a reordered
key is refused. The data keys are those the vector README lists (each was recovered with the
published test key); the tests through PGP and age need the test keys in ../shared/conformance/sops."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.files.sops import Identities, cipher, decrypt_text, engine, keys, recipients_of

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "fixtures" / "config" / "sops"
SHARED = ROOT.parent / "shared" / "conformance" / "sops"  # ../shared from the checkout
KEY_FILE = SHARED / "pgp" / "sops_functional_tests_key.asc"

# path, format, data key (hex), plaintext after decryption
CASES = [
    (
        "functional-tests/res/format.enc.yaml",
        "yaml",
        "af5e68dd342b72c6a0475f81a50da4fde898f4b7742c92cbcf1668211411f4e4",
        "foo: bar\n",
    ),
    (
        "functional-tests/res/format.enc.json",
        "json",
        "9f6aeda6383502c38f7dae6fbbb8cb6890582adb0335effa8952fe590d7a9596",
        '{\n\t"foo": "bar"\n}\n',
    ),
    (
        "functional-tests/res/format.enc.env",
        "env",
        "322d9a97997823fb2bf42f55a6c26100cbaf0520cf88bb7ebee1cf47dd6d318d",
        "foo = bar\n",
    ),
    (
        "functional-tests/res/format.enc.ini",
        "ini",
        "ce46fd76883106d55913ff2207e160bbeac65a71d6e1cf84c510614bed6f8ccd",
        "[foo]\nbar = baz\n",
    ),
    (
        "functional-tests/res/format-2.enc.ini",
        "ini",
        "200b251d35608cb3451d26d95d0f6c4580575d8f61d908b6d224fc488c65263f",
        "[foo]\nbar = baz\n",
    ),
    (
        "functional-tests/res/comments.enc.yaml",
        "yaml",
        "61bec946f5783fd4cea3d1b1ce407fce2b6e81fc301cc539c422015e27f6d1be",
        None,  # functional-tests/res/comments.yaml
    ),
    (
        "functional-tests/res/comments_unencrypted_comments.yaml",
        "yaml",
        "70f645aec88418dff72ac2a7a5503209cf00beda80706e6e157fd94ae53885a0",
        None,
    ),
    (
        "functional-tests/res/multiple_keys.yaml",
        "yaml",
        "1e1db61c6b93c001caa9ce34a9d68448eee8a3c69336697eab36bb92327ce786",
        "message: hello\n",
    ),
    (
        "example.yaml",
        "yaml",
        "8c68886c50b5b72965a3cb99c5172e1d74a8aca27b39ee880b535d6907e59f68",
        "example",
    ),
    (
        "example.json",
        "json",
        "faf6a891866fac550ef548b4e5f6fbc98fccc6827cd943cc8d7539747f1d87bd",
        "example",
    ),
    (
        "example.ini",
        "ini",
        "110e4d601e66ac7039e9ef32e6e8bb93fb1dbf833fb42003c93877ece3003575",
        "example",
    ),
    (
        "example.txt",
        "json",
        "67788979caa78ea7c5ae7adae47eb9161bfd15c94a2f3d88c708bcfa19a85dd7",
        "example",
    ),
    (
        "examples/all_in_one/config/secret.enc.json",
        "json",
        "276343cf31746c1cc08d9d123c93d2d5d3abcb306f2505e568560e6d15e11fba",
        "example",
    ),
    (
        "examples/per_file/config.enc/static_github.json",
        "json",
        "71efd79c6aef0d04b3c15b1d4a4662d0ad43634463b39f597bbde4ba7f9c184f",
        "example",
    ),
]

PEM_SHA256 = "23c6f81cff6523ca3a1844be55615b54ea62ad0f7336031d7524af1429f6e912"
TXT_SHA256 = "4f488155e9a8a9dd470e67a03a11c749e590075c7ba74f33e801f92b25fbb1bb"


def _read(path: str) -> str:
    return (VECTORS / path).read_text(encoding="utf-8")


def _check_plaintext(path: str, expected: str | None, plain: str) -> None:
    """The decrypted text against what the vector README says it is."""
    if expected is None:
        assert plain == _read("functional-tests/res/comments.yaml") + "\n"  # it has none
    elif expected != "example":
        assert plain == expected
    elif path == "example.yaml":
        assert "myapp1: t00m4nys3cr3tzupdated\n" in plain
        assert "        user: eve\n        password: c4r1b0u\n" in plain
        assert "        # private key for secret operations in app2\n" in plain
        assert "number: 1234568000.0\n" in plain
        assert "    - somelongvalueAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n" in plain
        assert "somebooleans:\n    - true\n    - false\n" in plain
        assert "value: with something secret in it\n" in plain
        assert "                # by adding the `_unencrypted` suffix\n" in plain
        assert "ENC[" not in plain and "sops:" not in plain
        from ruamel.yaml import YAML

        data = YAML(typ="safe").load(plain)
        assert hashlib.sha256(data["app2"]["key"].encode()).hexdigest() == PEM_SHA256
        assert data["number"] == 1234568000.0
    elif path == "example.ini":
        assert plain.startswith("; An example file for use with sops!\n[name]\nfirstName = John\n")
        assert "age       = 25.4\n" in plain
        assert "office = 646 555-4567\n" in plain
        assert plain.endswith("[not private]\nnotsecret_unencrypted = hi there!\n")
    else:
        data = json.loads(plain)
        assert "sops" not in data
        if path == "example.json":
            assert data["age"] == 25.4
            assert data["address"]["postalCode"] == "10021-3100"
            assert [p["number"] for p in data["phoneNumbers"]] == ["212 555-1234", "646 555-4567"]
            assert data["anEmptyValue"] == ""
        elif path == "example.txt":
            raw = data["data"].encode()
            assert len(raw) == 155 and hashlib.sha256(raw).hexdigest() == TXT_SHA256
        elif path.endswith("secret.enc.json"):
            assert data == {"github_oauth_token": "t00m4nys3cr3tz"}
        else:
            assert data["production"]["github_password"] == "t00m4nys3cr3tz"
            assert data["common"]["github_password"] == "0xDEADBEEF"
            assert data["test"]["github_password"] == "mock_github_password"


@pytest.mark.parametrize(("path", "format", "key", "expected"), CASES, ids=[c[0] for c in CASES])
def test_sops_vector_decrypts_with_its_data_key(
    path: str, format: str, key: str, expected: str | None
) -> None:
    plain = engine.decrypt_with_data_key(_read(path), format, path, bytes.fromhex(key))
    _check_plaintext(path, expected, plain)


def test_sops_vector_copies_match_the_shared_folder() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: cannot compare the fixture copies with it")
    for path, *_ in CASES:
        assert (VECTORS / path).read_bytes() == (SHARED / path).read_bytes(), path


def test_sops_vector_without_mac_is_refused() -> None:
    text = _read("functional-tests/res/no_mac.yaml")
    key = bytes.fromhex("87f9ee7ab041cfd1946fb50e6166b29858fcb4224ae3816186a129248558461f")
    with pytest.raises(UsageError, match="MAC mismatch"):
        engine.decrypt_with_data_key(text, "yaml", "no_mac.yaml", key)


def test_sops_cipher_vector_and_its_aad() -> None:
    value = (
        "ENC[AES256_GCM,data:oYyi,iv:MyIDYbT718JRr11QtBkcj3Dwm4k1aCGZBVeZf0EyV8o=,"
        "tag:t5z2Z023Up0kxwCgw1gNxg==,type:str]"
    )
    assert cipher.decrypt(value, b"f" * 32, "bar:") == "foo"
    with pytest.raises(UsageError, match="does not decrypt"):
        cipher.decrypt(value, b"f" * 32, "")


EXAMPLE_KEY = bytes.fromhex("8c68886c50b5b72965a3cb99c5172e1d74a8aca27b39ee880b535d6907e59f68")


def _swap(text: str, first: str, second: str) -> str:
    """Exchange two lines' values (the text after `: `)."""
    lines = text.split("\n")
    i = next(n for n, line in enumerate(lines) if line.strip().startswith(first + ":"))
    j = next(n for n, line in enumerate(lines) if line.strip().startswith(second + ":"))
    a, b = lines[i].split(": ", 1), lines[j].split(": ", 1)
    lines[i], lines[j] = f"{a[0]}: {b[1]}", f"{b[0]}: {a[1]}"
    return "\n".join(lines)


def test_sops_vector_tampered_value_fails() -> None:
    text = _read("example.yaml")
    start = text.index("data:", text.index("password: ENC[")) + 5
    flipped = "A" if text[start] != "A" else "B"
    tampered = text[:start] + flipped + text[start + 1 :]
    with pytest.raises(UsageError, match="does not decrypt"):
        engine.decrypt_with_data_key(tampered, "yaml", "example.yaml", EXAMPLE_KEY)


def test_sops_vector_value_moved_to_another_key_fails() -> None:
    tampered = _swap(_read("example.yaml"), "user", "password")
    with pytest.raises(UsageError, match="does not decrypt"):
        engine.decrypt_with_data_key(tampered, "yaml", "example.yaml", EXAMPLE_KEY)


def test_sops_vector_reordered_keys_fail_the_mac() -> None:
    text = _read("example.yaml")
    block_a = text[text.index("somelist_unencrypted:") : text.index("nested_unencrypted:")]
    block_b = text[text.index("nested_unencrypted:") : text.index("sops:")]
    reordered = text.replace(block_a + block_b, block_b + block_a)
    assert reordered != text
    with pytest.raises(UsageError, match="MAC mismatch"):
        engine.decrypt_with_data_key(reordered, "yaml", "example.yaml", EXAMPLE_KEY)


def test_sops_vector_changed_clear_text_value_fails_the_mac() -> None:
    text = _read("example.yaml").replace("remain in clear text\n", "remain in clear text!\n", 1)
    with pytest.raises(UsageError, match="MAC mismatch"):
        engine.decrypt_with_data_key(text, "yaml", "example.yaml", EXAMPLE_KEY)


def test_sops_vector_dropped_key_fails_the_mac() -> None:
    text = _read("examples/per_file/config.enc/static_github.json")
    start = text.index('"github_username_unencrypted": "test-user",')
    end = text.index('"github_password"', start)
    key = bytes.fromhex("71efd79c6aef0d04b3c15b1d4a4662d0ad43634463b39f597bbde4ba7f9c184f")
    with pytest.raises(UsageError, match="MAC mismatch"):
        engine.decrypt_with_data_key(text[:start] + text[end:], "json", "static.json", key)


def test_sops_vector_recipients_are_read() -> None:
    found = recipients_of(_read("example.yaml"), "yaml", "example.yaml")
    assert found.pgp == (
        "FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4",
        "D7229043384BCC60326C6FB9D8720D957C3D3074",
    )
    assert found.age == ()


@pytest.fixture(scope="module")
def test_key_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A throw-away GNUPGHOME holding SOPS's published functional-test keys."""
    if not KEY_FILE.is_file():
        pytest.skip(f"{KEY_FILE} is absent: the PGP vector tests need SOPS's test key")
    home = tmp_path_factory.mktemp("gnupg")
    home.chmod(0o700)
    env = {**os.environ, "GNUPGHOME": str(home)}
    subprocess.run(
        ["gpg", "--batch", "--quiet", "--import", str(KEY_FILE)],
        env=env,
        check=True,
        capture_output=True,
    )
    yield env
    subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=env, check=False, capture_output=True)


@pytest.mark.parametrize(("path", "format", "key", "expected"), CASES, ids=[c[0] for c in CASES])
def test_sops_vector_decrypts_through_pgp(
    path: str, format: str, key: str, expected: str | None, test_key_home: dict[str, str]
) -> None:
    env = {k: v for k, v in test_key_home.items() if not k.startswith("SOPS_AGE")}
    plain = decrypt_text(_read(path), format, path, Identities.from_environment(env))
    _check_plaintext(path, expected, plain)


def test_sops_vector_without_a_matching_key_names_the_recipients(tmp_path: Path) -> None:
    home = tmp_path / "empty-gnupg"
    home.mkdir(mode=0o700)
    env = {"GNUPGHOME": str(home), "HOME": str(tmp_path), "PATH": os.environ["PATH"]}
    with pytest.raises(UsageError, match="FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4"):
        decrypt_text(
            _read("example.yaml"), "yaml", "example.yaml", Identities.from_environment(env)
        )


def test_sops_vector_age_envelope_unwraps() -> None:
    keys_txt = SHARED / "extracted" / "age" / "keys.txt"
    if not keys_txt.is_file():
        pytest.skip(f"{keys_txt} is absent: the age vector needs SOPS's test identity")
    identities = Identities.from_environment({"SOPS_AGE_KEY_FILE": str(keys_txt), "HOME": "/"})
    enc = (SHARED / "extracted" / "age" / "mock_encrypted_key.age").read_text()
    assert keys._age_decrypt(enc, identities.age) == b"data"
