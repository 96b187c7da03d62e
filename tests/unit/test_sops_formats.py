"""Our encryption on its own: each format (TOML included) round-trips byte for byte, lines
without an encrypted value stay byte-identical, and rotate / update_keys / recipients /
encrypted_paths / .sops.yaml creation rules behave as SOPS's do. Age keys only (fast); the PGP
path is covered against the sops binary in test_sops_binary."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.files.sops import (
    Identities,
    Recipients,
    decrypt_text,
    decrypted_data,
    encrypt_text,
    encrypted_paths,
    is_encrypted,
    recipients_for,
    recipients_of,
    reencrypt_text,
    rotate_text,
    update_keys,
)

CANONICAL = {
    "yaml": (
        "# the app\n"
        "name: app\n"
        "db:\n"
        "  user: admin # the login\n"
        "  password: s3cret-pass\n"
        "  port: 5432\n"
        "  ratio: 0.25\n"
        "  enabled: true\n"
        "hosts:\n"
        "  - alpha\n"
        "  - 12\n"
        "note: |\n"
        "  first line\n"
        "  second line ünïcode\n"
        "empty: ''\n"
        "nothing: null\n"
        "public_unencrypted: visible\n"
    ),
    "json": (
        '{\n    "name": "app",\n    "port": 5432,\n    "ratio": 0.25,\n    "on": false,\n'
        '    "nested": {"k": "s3cret-pass", "list": [1, "two", {"deep": "ünï"}]},\n'
        '    "empty": "",\n    "nothing": null,\n    "public_unencrypted": "visible"\n}\n'
    ),
    "ini": (
        "; settings\n[db]\nuser = admin\npassword = s3cret-pass\n\n"
        "[public]\nhost_unencrypted = example.org\nport = 5432\n\n"
    ),
    "env": "# settings\nDB_USER=admin\nDB_PASSWORD=s3cret-pass\nEMPTY=\nMULTI=a\\nb\n\n",
    "toml": (
        "# the app\n"
        'title = "app"  # inline comment\n'
        "\n"
        "[db]\n"
        'user = "admin"\n'
        'password = "s3cret-pass"\n'
        "port = 5432\n"
        "ratio = 0.25\n"
        "enabled = true\n"
        'hosts = ["alpha", "beta"]\n'
        'inline = {a = 1, b = "ünï"}\n'
        "\n"
        "[[servers]]\n"
        'name = "one"\n'
        "\n"
        "[public]\n"
        'host_unencrypted = "example.org"\n'
        "\n"
    ),
}
SECRETS = ("s3cret-pass", "admin")


@pytest.fixture(scope="module")
def age_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[Recipients, Identities]:
    import pyrage

    identity = pyrage.x25519.Identity.generate()
    return (
        Recipients(age=(str(identity.to_public()),)),
        Identities.from_environment({"SOPS_AGE_KEY": str(identity), "HOME": "/nonexistent"}),
    )


def _other_key() -> tuple[Recipients, Identities]:
    import pyrage

    identity = pyrage.x25519.Identity.generate()
    return (
        Recipients(age=(str(identity.to_public()),)),
        Identities.from_environment({"SOPS_AGE_KEY": str(identity), "HOME": "/nonexistent"}),
    )


@pytest.mark.parametrize("format", sorted(CANONICAL))
def test_sops_round_trip_is_byte_identical(
    format: str, age_key: tuple[Recipients, Identities]
) -> None:
    recipients, identities = age_key
    plain = CANONICAL[format]
    encrypted = encrypt_text(plain, format, f"x.{format}", recipients)
    for secret in SECRETS:
        assert secret not in encrypted
    assert is_encrypted(encrypted, format) and not is_encrypted(plain, format)
    assert decrypt_text(encrypted, format, f"x.{format}", identities) == plain


@pytest.mark.parametrize("format", sorted(CANONICAL))
def test_sops_lines_without_a_value_stay_identical(
    format: str, age_key: tuple[Recipients, Identities]
) -> None:
    """Keys-only lines, blank lines, headers and clear-text values keep their bytes, in order;
    the sops block only comes after them (in JSON the last member gains the comma before it)."""
    plain = CANONICAL[format]
    encrypted = encrypt_text(plain, format, f"x.{format}", age_key[0])
    kept = [
        line
        for line in plain.splitlines(keepends=True)
        if not re.search(r"[=:] *\S|^ *- |^[;#]|ünï| line$", line.rstrip("\n"))
        or ("unencrypted" in line and not line.rstrip().endswith('"visible"'))
    ]
    assert kept, "the sample has lines no encryption touches"
    out = encrypted.splitlines(keepends=True)
    position = 0
    for line in kept:
        position = out.index(line, position) + 1


def test_sops_crlf_and_tabs_are_kept(age_key: tuple[Recipients, Identities]) -> None:
    plain = "[db]\r\nuser = admin\r\n\r\n[other]\r\n\tx = 1\r\n"
    encrypted = encrypt_text(plain, "ini", "x.ini", age_key[0])
    assert encrypted.startswith("[db]\r\nuser = ENC[AES256_GCM,")
    assert "\r\n\r\n[other]\r\n\tx = ENC[" in encrypted
    assert decrypt_text(encrypted, "ini", "x.ini", age_key[1]) == plain


@pytest.mark.parametrize("format", sorted(CANONICAL))
def test_sops_crlf_files_stay_crlf(format: str, age_key: tuple[Recipients, Identities]) -> None:
    plain = CANONICAL[format].replace("\n", "\r\n")
    encrypted = encrypt_text(plain, format, f"x.{format}", age_key[0])
    assert "\r\r" not in encrypted and encrypted.count("\n") == encrypted.count("\r\n")
    assert decrypt_text(encrypted, format, f"x.{format}", age_key[1]) == plain


def test_sops_toml_comments_are_encrypted(age_key: tuple[Recipients, Identities]) -> None:
    plain = CANONICAL["toml"]
    encrypted = encrypt_text(plain, "toml", "x.toml", age_key[0])
    assert "the app" not in encrypted and "inline comment" not in encrypted
    assert encrypted.startswith("#ENC[AES256_GCM,") and "  #ENC[AES256_GCM," in encrypted
    assert '\n[[sops.age]]\nrecipient = "age1' in encrypted
    assert 'enc = """\n-----BEGIN AGE ENCRYPTED FILE-----\n' in encrypted


def test_sops_yaml_flow_style_values_are_quoted(age_key: tuple[Recipients, Identities]) -> None:
    plain = "flow: {a: 1, b: [x, z]}\n"
    encrypted = encrypt_text(plain, "yaml", "x.yaml", age_key[0])
    assert encrypted.startswith('flow: {a: "ENC[AES256_GCM,')
    assert decrypt_text(encrypted, "yaml", "x.yaml", age_key[1]) == plain


def test_sops_typed_values_come_back_typed(age_key: tuple[Recipients, Identities]) -> None:
    plain = "i: 7\nf: 2.5\nb: false\nd: 2024-01-02\ns: '7'\nbig: 123456789012345678901234\n"
    encrypted = encrypt_text(plain, "yaml", "x.yaml", age_key[0])
    assert re.search(r"^i: ENC\[.*type:int\]$", encrypted, re.M)
    assert re.search(r"^f: ENC\[.*type:float\]$", encrypted, re.M)
    assert re.search(r"^b: ENC\[.*type:bool\]$", encrypted, re.M)
    assert re.search(r"^d: ENC\[.*type:time\]$", encrypted, re.M)
    assert re.search(r"^big: ENC\[.*type:float\]$", encrypted, re.M)  # past int64, as SOPS
    data = decrypted_data(encrypted, "yaml", "x.yaml", age_key[1])
    assert data[("i",)] == 7 and data[("f",)] == 2.5 and data[("b",)] is False
    assert data[("s",)] == "7"
    assert data[("d",)] == dt.datetime(2024, 1, 2, tzinfo=dt.UTC)
    assert data[("big",)] == 123456789012345678901234


def test_sops_encrypted_regex_leaves_other_values_clear(
    age_key: tuple[Recipients, Identities],
) -> None:
    plain = CANONICAL["yaml"]
    encrypted = encrypt_text(
        plain, "yaml", "x.yaml", age_key[0], encrypted_regex="^(password|user)$"
    )
    assert "  port: 5432\n" in encrypted and "name: app\n" in encrypted
    assert (
        "s3cret-pass" not in encrypted and "    encrypted_regex: ^(password|user)$\n" in encrypted
    )
    assert encrypted_paths(encrypted, "yaml", "x.yaml") == [("db", "user"), ("db", "password")]
    assert decrypt_text(encrypted, "yaml", "x.yaml", age_key[1]) == plain
    tampered = encrypted.replace("  port: 5432\n", "  port: 5433\n")
    with pytest.raises(UsageError, match="MAC mismatch"):
        decrypt_text(tampered, "yaml", "x.yaml", age_key[1])


def test_sops_reordered_keys_fail_the_mac(age_key: tuple[Recipients, Identities]) -> None:
    plain = '[db]\nuser = "admin"\nport = 5432\n'
    encrypted = encrypt_text(plain, "toml", "x.toml", age_key[0])
    lines = encrypted.split("\n")
    lines[1], lines[2] = lines[2], lines[1]
    with pytest.raises(UsageError, match="MAC mismatch"):
        decrypt_text("\n".join(lines), "toml", "x.toml", age_key[1])


def test_sops_lastmodified_is_bound_to_the_mac(age_key: tuple[Recipients, Identities]) -> None:
    now = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    encrypted = encrypt_text("a: b\n", "yaml", "x.yaml", age_key[0], now=now)
    assert '    lastmodified: "2026-01-02T03:04:05Z"\n' in encrypted
    moved = encrypted.replace("2026-01-02T03:04:05Z", "2026-01-02T03:04:06Z")
    with pytest.raises(UsageError, match="MAC mismatch"):
        decrypt_text(moved, "yaml", "x.yaml", age_key[1])


def test_sops_rotate_changes_the_data_key_and_every_value(
    age_key: tuple[Recipients, Identities],
) -> None:
    plain = CANONICAL["json"]
    first = encrypt_text(plain, "json", "x.json", age_key[0])
    second = rotate_text(first, "json", "x.json", age_key[1])
    old = set(re.findall(r"ENC\[[^\]]*\]", first))
    new = set(re.findall(r"ENC\[[^\]]*\]", second))
    assert old and new and not old & new
    assert recipients_of(second, "json", "x.json") == age_key[0]
    assert decrypt_text(second, "json", "x.json", age_key[1]) == plain


def test_sops_update_keys_rewraps_the_same_data_key(
    age_key: tuple[Recipients, Identities],
) -> None:
    plain = CANONICAL["env"]
    first = encrypt_text(plain, "env", "x.env", age_key[0])
    other_recipients, other_identities = _other_key()
    moved = update_keys(first, "env", "x.env", age_key[1], other_recipients)
    values = [line for line in first.splitlines() if not line.startswith("sops_")]
    assert [line for line in moved.splitlines() if not line.startswith("sops_")] == values
    assert recipients_of(moved, "env", "x.env") == other_recipients
    assert decrypt_text(moved, "env", "x.env", other_identities) == plain
    with pytest.raises(UsageError, match=other_recipients.age[0]) as refused:
        decrypt_text(moved, "env", "x.env", age_key[1])
    assert "s3cret" not in str(refused.value)


def test_sops_already_encrypted_is_refused(age_key: tuple[Recipients, Identities]) -> None:
    encrypted = encrypt_text("a: b\n", "yaml", "x.yaml", age_key[0])
    with pytest.raises(UsageError, match="already encrypted"):
        encrypt_text(encrypted, "yaml", "x.yaml", age_key[0])
    with pytest.raises(UsageError, match="not encrypted"):
        decrypt_text("a: b\n", "yaml", "x.yaml", age_key[1])


def test_sops_no_recipients_is_refused() -> None:
    with pytest.raises(UsageError, match="no recipients"):
        encrypt_text("a: b\n", "yaml", "x.yaml", Recipients())


def test_sops_identities_from_environment(tmp_path: Path) -> None:
    import pyrage

    one, two, three = (pyrage.x25519.Identity.generate() for _ in range(3))
    (tmp_path / "file.txt").write_text(f"# created: today\n{two}\n")
    default = tmp_path / "config" / "sops" / "age"
    default.mkdir(parents=True)
    (default / "keys.txt").write_text(f"{three}\n")
    env = {
        "SOPS_AGE_KEY": f"{one}\n",
        "SOPS_AGE_KEY_FILE": str(tmp_path / "file.txt"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    found = Identities.from_environment(env)
    assert found.age == (str(one), str(two), str(three))
    assert str(one) not in repr(found)


def test_sops_creation_rules_first_match(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / ".sops.yaml").write_text(
        "creation_rules:\n"
        "  - path_regex: config/prod\\.yaml$\n"
        "    age: age1prod1, age1prod2\n"
        "  - path_regex: \\.env$\n"
        "    key_groups:\n"
        "      - pgp:\n"
        "          - FP1\n"
        "  - pgp: >-\n"
        "      FPA,\n"
        "      FPB\n"
    )
    assert recipients_for(tmp_path, "config/prod.yaml", None) == Recipients(
        age=("age1prod1", "age1prod2")
    )
    assert recipients_for(tmp_path, "config/.env", None) == Recipients(pgp=("FP1",))
    assert recipients_for(tmp_path, "other.json", None) == Recipients(pgp=("FPA", "FPB"))


def test_sops_creation_rules_fallback_and_none(tmp_path: Path) -> None:
    (tmp_path / ".sops.yaml").write_text(
        "creation_rules:\n  - path_regex: only\\.yaml$\n    age: a1\n"
    )
    fallback = Recipients(age=("age1fallback",))
    assert recipients_for(tmp_path, "x.yaml", fallback) == fallback
    with pytest.raises(UsageError, match="no recipients for x.yaml") as refused:
        recipients_for(tmp_path, "x.yaml", None)
    assert ".sops.yaml" in str(refused.value)


def test_sops_bad_input_is_located(age_key: tuple[Recipients, Identities]) -> None:
    from gitmigrate.errors import FileFormatError

    with pytest.raises(FileFormatError, match=r"x.json:2:"):
        encrypt_text('{\n  "a": nope\n}\n', "json", "x.json", age_key[0])
    with pytest.raises(FileFormatError, match=r"x.yaml:"):
        encrypt_text("a: [1\n", "yaml", "x.yaml", age_key[0])
    with pytest.raises(FileFormatError, match=r"x.yaml:2:1: a second YAML document"):
        encrypt_text("a: 1\n---\nb: 2\n", "yaml", "x.yaml", age_key[0])
    with pytest.raises(UsageError, match="flow-style"):
        encrypt_text("{a: 1}\n", "yaml", "x.yaml", age_key[0])
    with pytest.raises(UsageError, match="alias"):
        encrypt_text("a: &x 1\nb: *x\n", "yaml", "x.yaml", age_key[0])
    with pytest.raises(UsageError, match="already encrypted"):  # sops_ names SOPS's variables
        encrypt_text("sops_x=1\n", "env", "x.env", age_key[0])


def test_sops_ini_values_read_as_go_ini_does(age_key: tuple[Recipients, Identities]) -> None:
    """Backticks and quotes around a value are not part of it; `;`/`#` start an inline comment
    (encrypted like a comment line), and values come back quoted the way go-ini writes them."""
    plain = '[s]\nv = `a;b`\nw = " padded "\nx = 1 ; note\ny = """two\nlines"""\n'
    encrypted = encrypt_text(plain, "ini", "x.ini", age_key[0])
    assert "note" not in encrypted and re.search(
        r"^x = ENC\[.*\] ; ENC\[.*comment\]$", encrypted, re.M
    )
    data = decrypted_data(encrypted, "ini", "x.ini", age_key[1])
    assert data == {
        ("s", "v"): "a;b",
        ("s", "w"): " padded ",
        ("s", "x"): "1",
        ("s", "y"): "two\nlines",
    }
    assert decrypt_text(encrypted, "ini", "x.ini", age_key[1]) == plain


def test_sops_yaml_list_item_comments_from_sops(age_key: tuple[Recipients, Identities]) -> None:
    """SOPS writes a comment inside a list as an item `- ENC[…,type:comment]`; it is no value
    (not in the MAC, no index) and decrypts back to a comment line."""
    from gitmigrate.files.sops import cipher, engine, mac
    from gitmigrate.files.sops.metadata import Metadata

    key = b"k" * 32
    comment = cipher.encrypt(cipher.Comment(" first"), key, "list:")
    item = cipher.encrypt("a", key, "list:")
    stamp = "2026-01-01T00:00:00Z"
    block = Metadata(stamp, mac.seal(mac.compute([("a", True)]), key, stamp), ()).to_dict()
    block["age"] = [{"recipient": "age1x", "enc": "unused"}]
    text = f"list:\n    - {comment}\n    - {item}\nsops:\n    mac: {block['mac']}\n"
    text += f"    lastmodified: '{stamp}'\n    age:\n        - recipient: age1x\n          enc: x\n"
    assert (
        engine.decrypt_with_data_key(text, "yaml", "x.yaml", key) == "list:\n    # first\n    - a\n"
    )


@pytest.mark.parametrize("format", ["yaml", "json", "toml"])
def test_sops_store_spans_agree_with_the_document_layer(format: str) -> None:
    """The SOPS stores read values where files.document's parsers put them (INI and .env
    differ on purpose: SOPS reads them as go-ini and its own dotenv reader do)."""
    from gitmigrate.files.document import loads
    from gitmigrate.files.sops import engine

    text = CANONICAL[format]
    document = loads(text, format, f"x.{format}")
    spans = {node.path: node.span for node in document.nodes.values() if node.is_leaf}
    leaves = engine.scan(text, format, f"x.{format}").leaves
    assert leaves and {leaf.path: leaf.span for leaf in leaves} == spans


@pytest.mark.parametrize("format", sorted(CANONICAL))
def test_sops_reencrypt_after_an_edit_changes_only_that_line(
    format: str, age_key: tuple[Recipients, Identities]
) -> None:
    """decrypt -> files.edit.set_value -> reencrypt_text: the same data key; unchanged values
    and comments keep their ciphertext, so the diff is the edited line and the sops block."""
    from gitmigrate.files.document import loads
    from gitmigrate.files.edit import set_value

    name = f"x.{format}"
    first = encrypt_text(CANONICAL[format], format, name, age_key[0])
    plain = decrypt_text(first, format, name, age_key[1])
    path = {"yaml": ("db", "password"), "json": ("nested", "k"), "toml": ("db", "password")}
    path |= {"ini": ("db", "password"), "env": ("DB_PASSWORD",)}
    edited = set_value(loads(plain, format, name), path[format], "n3w-pass")
    second = reencrypt_text(edited, format, name, age_key[1], first)
    assert "n3w-pass" not in second
    old_lines, new_lines = first.splitlines(), second.splitlines()
    changed = [n for n, (a, b) in enumerate(zip(old_lines, new_lines, strict=False)) if a != b]
    data_lines = [n for n in changed if "lastmodified" not in new_lines[n]]
    data_lines = [n for n in data_lines if not re.search(r"mac\"?\s*[=:]", new_lines[n])]
    assert len(data_lines) == 1, [new_lines[n] for n in data_lines]
    assert recipients_of(second, format, name) == age_key[0]
    assert decrypt_text(second, format, name, age_key[1]) == edited


def test_sops_creation_rule_gives_the_value_rule(tmp_path: Path) -> None:
    from gitmigrate.errors import ConfigError
    from gitmigrate.files.sops import CreationRule, creation_rule_for

    (tmp_path / ".sops.yaml").write_text(
        "creation_rules:\n"
        "  - path_regex: secrets/\n"
        "    encrypted_regex: ^(password|token)$\n"
        "    mac_only_encrypted: true\n"
        "    age: age1a\n"
        "  - path_regex: both\n"
        "    encrypted_regex: x\n"
        "    unencrypted_suffix: _clear\n"
        "    age: age1b\n"
    )
    assert creation_rule_for(tmp_path, "secrets/app.yaml") == CreationRule(
        Recipients(age=("age1a",)), ("encrypted_regex", "^(password|token)$"), True
    )
    assert creation_rule_for(tmp_path, "other.yaml") is None
    with pytest.raises(ConfigError, match="sets 2 of"):
        creation_rule_for(tmp_path, "both.yaml")


def test_sops_any_value_rule_and_mac_only(age_key: tuple[Recipients, Identities]) -> None:
    plain = CANONICAL["yaml"]
    encrypted = encrypt_text(
        plain,
        "yaml",
        "x.yaml",
        age_key[0],
        rule=("unencrypted_regex", "^(name|port)$"),
        mac_only_encrypted=True,
    )
    assert "name: app\n" in encrypted and "  port: 5432\n" in encrypted
    assert "    mac_only_encrypted: true\n" in encrypted
    assert "    unencrypted_regex: ^(name|port)$\n" in encrypted
    assert decrypt_text(encrypted, "yaml", "x.yaml", age_key[1]) == plain
    with pytest.raises(UsageError, match="not supported"):
        encrypt_text(plain, "yaml", "x.yaml", age_key[0], rule=("encrypted_comment_regex", "x"))


def test_sops_toml_multi_line_strings_come_back_multi_line(
    age_key: tuple[Recipients, Identities],
) -> None:
    plain = 'key = """\n-----BEGIN KEY-----\nabc\n-----END KEY-----\n"""\nother = "a\\\\b"\n'
    encrypted = encrypt_text(plain, "toml", "x.toml", age_key[0])
    assert "BEGIN KEY" not in encrypted and encrypted.startswith('key = "ENC[AES256_GCM,')
    assert decrypt_text(encrypted, "toml", "x.toml", age_key[1]) == plain
