"""diff_data: a semantic diff per key path, secret values never carried."""

from __future__ import annotations

import datetime as dt

from gitmigrate.files.diff import HIDDEN, Change, diff_data


def test_changed_added_removed_per_key_path() -> None:
    a = {"server": {"port": 8080, "host": "a"}, "old": 1, "tags": ["x", "y"]}
    b = {"server": {"port": 9090, "host": "a", "tls": True}, "tags": ["x"], "new": "n"}
    assert diff_data(a, b) == [
        Change(("server", "port"), "changed", 8080, 9090),
        Change(("server", "tls"), "added", None, True),
        Change(("old",), "removed", 1, None),
        Change(("tags", 1), "removed", "y", None),
        Change(("new",), "added", None, "n"),
    ]


def test_equal_data_has_no_changes_and_types_count() -> None:
    same = {"a": [1, {"b": dt.date(2024, 1, 2)}], "big": 2**80}
    assert diff_data(same, {"a": [1, {"b": dt.date(2024, 1, 2)}], "big": 2**80}) == []
    assert diff_data({"a": 1}, {"a": True}) == [Change(("a",), "changed", 1, True)]
    assert diff_data({"a": 1}, {"a": 1.0}) == [Change(("a",), "changed", 1, 1.0)]
    assert diff_data({"a": "1"}, {"a": 1}) == [Change(("a",), "changed", "1", 1)]


def test_a_container_becoming_a_scalar_is_its_leaves_removed_and_added() -> None:
    changes = diff_data({"db": {"host": "h", "port": 1}}, {"db": "postgres://h:1"})
    assert changes == [
        Change(("db", "host"), "removed", "h", None),
        Change(("db", "port"), "removed", 1, None),
        Change(("db",), "added", None, "postgres://h:1"),
    ]
    assert diff_data({"a": {}}, {"a": []}) == [Change(("a",), "changed", {}, [])]


def test_secret_paths_are_hidden_below_a_secret_ancestor_too() -> None:
    a = {"db": {"password": "hunter2", "user": "app"}, "token": "t1"}
    b = {"db": {"password": "s3cret", "user": "root"}, "token": "t2", "keys": {"api": "k"}}

    def secret(path: tuple[str | int, ...]) -> bool:
        return path[-1] in ("password", "token", "keys")

    changes = diff_data(a, b, secret=secret)
    assert changes == [
        Change(("db", "password"), "changed", HIDDEN, HIDDEN, hidden=True),
        Change(("db", "user"), "changed", "app", "root"),
        Change(("token",), "changed", HIDDEN, HIDDEN, hidden=True),
        Change(("keys", "api"), "added", None, HIDDEN, hidden=True),
    ]
    text = repr(changes)
    for plaintext in ("hunter2", "s3cret", "t1", "t2", "'k'"):
        assert plaintext not in text
