"""Secret operations as config steps (files.sops): encrypt on an outside tree shows the three
properties (rollback restores the plaintext there, where it was); in the repository the step
commit holds only ciphertext and the step's own files (changes.json, step.toml, the note) never
hold a plaintext value; rotate re-encrypts with the identity from the environment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitmigrate import api
from gitmigrate.core.authoring import start_migration
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.kinds.config.kind import ConfigKind
from gitmigrate.testing import check_tree_kind_properties
from tests.fixtures_git import git
from tests.unit.test_config_kind_support import config_step, write_tree

pyrage = pytest.importorskip("pyrage")
SECRET = "s3cr3t-hunter2"
PLAIN = f"db:\n  user: app\n  password: {SECRET}\n"


@pytest.fixture
def age_key(monkeypatch: pytest.MonkeyPatch) -> str:
    identity = pyrage.x25519.Identity.generate()
    monkeypatch.setenv("SOPS_AGE_KEY", str(identity))
    return str(identity.to_public())


def test_encrypt_on_an_outside_tree(tmp_path: Path, age_key: str) -> None:
    tree = write_tree(tmp_path / "t", {"secrets.yaml": PLAIN})
    step = config_step({"op": "encrypt", "file": "secrets.yaml", "age": [age_key], "target": "t"})
    check_tree_kind_properties(ConfigKind(), step, tree)
    assert (tree / "secrets.yaml").read_text() == PLAIN


def test_encrypt_then_rotate_in_the_repository(git_repo: Path, age_key: str) -> None:
    (git_repo / "secrets.yaml").write_text(PLAIN)
    (git_repo / ".gitignore").write_text("secrets.yaml\n")  # never committed in plaintext
    git(git_repo, "add", ".gitignore")
    git(git_repo, "commit", "-qm", "ignore the plaintext")
    start_migration(GitRepo(git_repo), "sec")
    shown = api.config_encrypt(git_repo, "secrets.yaml", age=[age_key], print_only=True)
    assert shown.preview is not None and shown.preview.diff == ""
    assert SECRET not in json.dumps(shown.to_json())

    step = api.config_encrypt(git_repo, "secrets.yaml", age=[age_key]).step
    assert step is not None
    committed = git(git_repo, "show", "HEAD:secrets.yaml")
    assert "ENC[AES256_GCM," in committed and SECRET not in committed
    assert SECRET not in git(git_repo, "show", "HEAD")
    assert SECRET not in json.dumps(ConfigKind().note(step, "tree"))
    assert ConfigKind().describe(step, "tree", {}).what == "encrypts the values of secrets.yaml"

    rotated = api.config_rotate(git_repo, "secrets.yaml").step
    assert rotated is not None
    again = git(git_repo, "show", "HEAD:secrets.yaml")
    assert again != committed and "ENC[AES256_GCM," in again and SECRET not in again
    from gitmigrate.files import sops

    plain = sops.decrypt_text(again, "yaml", "secrets.yaml", sops.Identities.from_environment())
    assert plain == PLAIN


def test_an_encrypted_file_is_not_edited_in_place(tmp_path: Path, age_key: str) -> None:
    from gitmigrate.errors import UsageError
    from gitmigrate.files import sops
    from gitmigrate.kinds.config.options import options_of
    from gitmigrate.kinds.config.transform import transform

    for name, text in (("s.yaml", PLAIN), ("s.env", f"USER=app\nPASSWORD={SECRET}\n"),
                       ("s.ini", f"[db]\npassword = {SECRET}\n")):  # fmt: skip
        fmt = name.rsplit(".", 1)[1]
        encrypted = sops.encrypt_text(text, fmt, name, sops.Recipients(age=(age_key,)))
        options = options_of({"op": "unset", "file": name, "key": "sops.mac"
                              if fmt == "yaml" else ("PASSWORD" if fmt == "env" else "db.password")})  # fmt: skip
        with pytest.raises(UsageError) as caught:
            transform(lambda _, e=encrypted: e.encode(), options)  # type: ignore[misc]
        assert "SOPS-encrypted" in caught.value.message, name


def test_rotate_and_update_keys_on_an_outside_tree(tmp_path: Path, age_key: str) -> None:
    from gitmigrate.files import sops

    other = str(pyrage.x25519.Identity.generate().to_public())
    encrypted = sops.encrypt_text(PLAIN, "yaml", "s.yaml", sops.Recipients(age=(age_key,)))
    for options in ({"op": "rotate"}, {"op": "update-keys", "age": [age_key, other]}):
        tree = write_tree(tmp_path / options["op"], {"s.yaml": encrypted})  # type: ignore[index]
        step = config_step({**options, "file": "s.yaml", "target": "t"})
        check_tree_kind_properties(ConfigKind(), step, tree)
        assert (tree / "s.yaml").read_text() == encrypted  # rolled back byte for byte


def test_verify_of_update_keys_checks_the_recipients(tmp_path: Path, age_key: str) -> None:
    from gitmigrate.engine.tree_steps import tree_context
    from gitmigrate.engine.tree_target import outside_target
    from gitmigrate.files import sops

    other = str(pyrage.x25519.Identity.generate().to_public())
    encrypted = sops.encrypt_text(PLAIN, "yaml", "s.yaml", sops.Recipients(age=(age_key,)))
    tree = write_tree(tmp_path / "t", {"s.yaml": encrypted})
    step = config_step({"op": "update-keys", "file": "s.yaml", "age": [other], "target": "t"})
    ctx = tree_context(outside_target("t", tree), dry_run=True)
    assert other in ConfigKind().verify(step, ctx)[0].message
