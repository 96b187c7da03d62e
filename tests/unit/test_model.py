"""The model: names, slugs and step paths."""

from __future__ import annotations

import pytest

from gitmigrate.core.model import Migration, Step, slugify, valid_migration_name


@pytest.mark.parametrize(
    ("summary", "slug"),
    [
        ("Create users table", "create-users-table"),
        ("  Add index ON users(email)!  ", "add-index-on-users-email"),
        ("Ünïcode: café", "n-code-caf"),
        ("!!!", "step"),
        ("a" * 60, "a" * 40),
        ("x" * 39 + " y", "x" * 39),
    ],
)
def test_slugify(summary: str, slug: str) -> None:
    assert slugify(summary) == slug


@pytest.mark.parametrize("name", ["users", "add-users", "v2.1_fix", "A1", "x" * 100])
def test_valid_names(name: str) -> None:
    assert valid_migration_name(name)


@pytest.mark.parametrize(
    "name",
    ["", "-x", ".x", "a..b", "a/b", "a b", "x.lock", "x.", "x" * 101, "é", "a~b", "a:b"],
)
def test_invalid_names(name: str) -> None:
    assert not valid_migration_name(name)


def test_step_paths_and_ids() -> None:
    step = Step("users", 7, "create-users", "sql", "Create users", {"up.sql": b"x"})
    assert step.id == "users/007"
    assert step.dir_name == "007-create-users"
    assert step.path == "migrations/users/007-create-users"
    assert step.text("up.sql") == "x"
    assert step.text("down.sql") is None
    assert set(step.file_checksums()) == {"up.sql"}


def test_next_seq() -> None:
    empty = Migration("m", "", "", "")
    assert empty.next_seq == 1
    steps = tuple(Step("m", n, "s", "sql", "s", {}) for n in (1, 2, 5))
    migration = Migration("m", "", "", "", steps)
    assert migration.next_seq == 6
    assert migration.step(2) is steps[1]
    assert migration.step(3) is None
