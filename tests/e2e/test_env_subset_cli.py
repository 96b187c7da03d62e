"""`git migrate env subset` in a temp repository (SQLite source and target): the step is
committed and applied, its plan shown by `show`/`plan`, rolled back; each bad input is one
line with a hint, exit 2, no commit, the target untouched."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.fixtures_git import CliRunner, git

SHOP = """
CREATE TABLE customer (id INTEGER PRIMARY KEY, email VARCHAR(80) NOT NULL UNIQUE,
  name VARCHAR(40) NOT NULL, referred_by INTEGER REFERENCES customer (id));
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customer (id),
  total INTEGER NOT NULL);
CREATE TABLE note (body TEXT);
CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER NOT NULL REFERENCES b (id));
CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER NOT NULL REFERENCES a (id));
INSERT INTO customer VALUES (1, 'ann@shop.example', 'Ann', NULL), (2, 'bob@shop.example', 'Bob', 1),
  (3, 'cy@shop.example', 'Cy', NULL);
INSERT INTO orders VALUES (10, 2, 5), (11, 3, 7), (12, 3, 9);
INSERT INTO note VALUES ('x');
CREATE TABLE tag (code VARCHAR(10) NOT NULL, label TEXT);
INSERT INTO tag VALUES ('a', 'first'), ('b', 'second');
INSERT INTO a VALUES (1, 1);
INSERT INTO b VALUES (1, 1);
"""
MASK = '[columns]\n"customer.email" = "fake.email"\n"customer.name" = "fake.name"\n'


@pytest.fixture
def shop(git_repo: Path, run_cli: CliRunner) -> Path:
    with sqlite3.connect(git_repo / "prod.db") as conn:
        conn.executescript("PRAGMA foreign_keys = OFF;" + SHOP)
    config = git_repo / ".gitmigrate.toml"
    config.write_text(
        '[targets.prod]\nurl = "sqlite:///prod.db"\n[targets.dev]\nurl = "sqlite:///dev.db"\n'
        + '[environments.prod]\ntarget = "prod"\n'
        + '[environments.dev]\ntarget = "dev"\nmask_key = "SHOP_KEY"\n'
    )
    (git_repo / "mask.toml").write_text(MASK)
    git(git_repo, "add", ".gitmigrate.toml")
    git(git_repo, "commit", "-qm", "environments")
    assert run_cli("start", "dev-data", "-m", "dev data").exit_code == 0
    return git_repo


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_subset_is_committed_applied_shown_and_rolled_back(
    shop: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOP_KEY", "k" * 32)
    result = run_cli("env", "subset", "--from", "prod", "--to", "dev", "--root",
                     "orders WHERE total > 6", "--mask", "mask.toml", "--json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    tables = {t["source"]: t["rows"] for t in out["plan"]["tables"]}
    assert tables == {"customer": 1, "orders": 2}
    assert out["plan"]["masking"] and out["run"]["steps"]
    step = out["step"]
    note = json.loads(git(shop, "notes", "--ref=migrate", "show", out["commit"]))
    recorded = note["impact"]["subset"]
    assert [(t["source"], t["rows"]) for t in recorded["tables"]] == [
        ("customer", 1),
        ("orders", 2),
    ]
    assert recorded["masking"] == ["customer.email: fake.email", "customer.name: fake.name"]
    assert recorded["mask_key_env"] == "SHOP_KEY"
    toml = (shop / "migrations" / "dev-data").glob("001-*/step.toml")
    text = next(iter(toml)).read_text()
    assert 'mode = "subset"' in text and 'mask_key_env = "SHOP_KEY"' in text
    assert "k" * 32 not in text  # the key's name only, never the key
    dev = shop / "dev.db"
    assert _rows(dev, "SELECT count(*) FROM orders JOIN customer ON customer.id = customer_id") == [
        (2,)
    ]
    assert _rows(dev, "SELECT count(*) FROM customer WHERE email LIKE '%shop.example'") == [(0,)]
    assert _rows(dev, "PRAGMA foreign_key_check") == []
    shown = run_cli("plan", "--target", "dev")
    assert shown.exit_code == 0, shown.stderr
    written = (shop / "docs" / "plan-outputs" / "dev-data" / "migration-plan.md").read_text()
    assert "Subset:" in written and "orders WHERE total > 6" in written
    assert "customer.email: fake.email" in written  # the masking rules, by name
    reviewed = run_cli("review")
    assert reviewed.exit_code == 0, reviewed.stderr
    assert 'mode = "subset"' in reviewed.stdout
    assert "drops the tables it created" in reviewed.stdout
    back = run_cli("rollback", "--target", "dev", "--steps", "1", "--yes")
    assert back.exit_code == 0, back.stderr
    assert _rows(dev, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE"
                 " 'gitmigrate%'") == []  # fmt: skip
    assert step.endswith("/001")


def test_no_run_only_commits(shop: Path, run_cli: CliRunner) -> None:
    result = run_cli("env", "subset", "--from", "prod", "--to", "dev", "--root", "orders",
                     "--no-run")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "apply it with: git migrate apply --target dev" in result.stderr + result.stdout
    assert (
        not (shop / "dev.db").exists()
        or _rows(shop / "dev.db", "SELECT name FROM sqlite_master WHERE name = 'orders'") == []
    )
    preview = run_cli("apply", "--target", "dev", "--dry-run")
    assert preview.exit_code == 0, preview.stderr
    assert 'CREATE TABLE "orders"' in preview.stdout + preview.stderr
    assert _rows(shop / "dev.db", "SELECT name FROM sqlite_master WHERE name = 'orders'") == []
    applied = run_cli("apply", "--target", "dev")
    assert applied.exit_code == 0, applied.stderr
    assert _rows(shop / "dev.db", "SELECT count(*) FROM orders") == [(3,)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--root", "orders WHERE total >"), "orders"),
        (("--root", "orders WHERE total > 1000"), "selects no rows"),
        (("--root", "note"), "--key"),
        (("--root", "a"), "nullable"),
        (("--root", "orders", "--mask", "bad-mask.toml"), "nosuch"),
        (("--root", "orders", "--mask", "mask.toml"), "SHOP_KEY"),
        (("--root", "nosuch"), "nosuch"),
        (("--root", "orders", "--from", "postgresql://u:pw@127.0.0.1:1/x"), "contains a password"),
    ],
    ids=["no-parse", "selects-nothing", "no-key", "cycle", "bad-mask-column", "no-key-var",
         "no-table", "source-password"],
)  # fmt: skip
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    shop: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...],
    message: str,
) -> None:  # fmt: skip
    monkeypatch.delenv("SHOP_KEY", raising=False)
    if "bad-mask.toml" in args:
        monkeypatch.setenv("SHOP_KEY", "k" * 32)
        (shop / "bad-mask.toml").write_text('[columns]\n"customer.nosuch" = "null"\n')
    head = git(shop, "rev-parse", "HEAD")
    result = run_cli("env", "subset", "--from", "prod", "--to", "dev", *args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2  # the problem, and the fix
    assert git(shop, "rev-parse", "HEAD") == head
    assert not (shop / "dev.db").exists()


def test_a_table_without_a_key_is_copied_by_the_key_given(shop: Path, run_cli: CliRunner) -> None:
    result = run_cli("env", "subset", "--from", "prod", "--to", "dev", "--root", "tag",
                     "--key", "tag:code")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert _rows(shop / "dev.db", "SELECT code, label FROM tag ORDER BY code") == [
        ("a", "first"),
        ("b", "second"),
    ]


def test_a_table_already_on_the_target_is_refused_before_committing(
    shop: Path, run_cli: CliRunner
) -> None:
    with sqlite3.connect(shop / "dev.db") as conn:
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY)")
    head = git(shop, "rev-parse", "HEAD")
    result = run_cli("env", "subset", "--from", "prod", "--to", "dev", "--root", "orders")
    assert result.exit_code == 2, result.stderr
    assert "table orders already exists on dev" in result.stderr
    assert git(shop, "rev-parse", "HEAD") == head


def test_a_target_url_password_is_neither_committed_nor_printed(
    shop: Path, run_cli: CliRunner
) -> None:
    url = "postgresql+psycopg://someone:s3cret-pw@127.0.0.1:1/nowhere"
    result = run_cli("env", "subset", "--from", "prod", "--to", url, "--root", "orders", "--no-run")
    assert result.exit_code == 0, result.stderr
    assert "s3cret-pw" not in result.stdout + result.stderr
    committed = git(shop, "show", "HEAD")
    assert "s3cret-pw" not in committed and "someone:***@" in committed


def test_an_apply_without_the_masking_key_writes_nothing(
    shop: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SHOP_KEY", raising=False)
    result = run_cli("env", "subset", "--from", "prod", "--to", "dev", "--root", "orders",
                     "--mask", "mask.toml", "--no-run")  # fmt: skip
    assert result.exit_code == 0, result.stderr  # the key is needed to apply, not to write
    applied = run_cli("apply", "--target", "dev")
    assert applied.exit_code != 0
    assert "SHOP_KEY" in applied.stderr
    tables = _rows(shop / "dev.db", "SELECT name FROM sqlite_master WHERE type = 'table'")
    assert {t[0] for t in tables} <= {"gitmigrate_ledger", "gitmigrate_meta", "gitmigrate_lock"}


def test_a_python_mask_function_travels_with_the_step(
    shop: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOP_KEY", "k" * 32)
    (shop / "rules").mkdir()
    (shop / "rules" / "mask.toml").write_text(
        '[columns]\n"customer.name" = { method = "python", function = "masks.py:initial" }\n'
    )
    (shop / "rules" / "masks.py").write_text(
        "def initial(value, ctx):\n    return value[0] + '.'\n"
    )
    result = run_cli("env", "subset", "--from", "prod", "--to", "dev", "--root", "orders",
                     "--mask", "rules/mask.toml")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (shop / "migrations" / "dev-data").glob("001-*/*")) == [
        "mask.toml", "masks.py", "step.toml", "subset-plan.json",
    ]  # fmt: skip
    assert _rows(shop / "dev.db", "SELECT name FROM customer ORDER BY id") == [
        ("A.",), ("B.",), ("C.",)
    ]  # fmt: skip


def test_percent_without_roots_samples_every_table_and_keeps_it_closed(
    git_repo: Path, run_cli: CliRunner
) -> None:
    """pg_sample's use: no --root, a share of every table, parents of every sampled row too."""
    with sqlite3.connect(git_repo / "big.db") as conn:
        conn.executescript(
            "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
            "CREATE TABLE orders (id INTEGER PRIMARY KEY,"
            " customer_id INTEGER NOT NULL REFERENCES customer (id));"
        )
        conn.executemany("INSERT INTO customer VALUES (?, ?)", [(i, f"c{i}") for i in range(400)])
        conn.executemany("INSERT INTO orders VALUES (?, ?)", [(i, i % 400) for i in range(2000)])
    (git_repo / ".gitmigrate.toml").write_text(
        '[targets.big]\nurl = "sqlite:///big.db"\n[targets.small]\nurl = "sqlite:///small.db"\n'
    )
    git(git_repo, "add", ".gitmigrate.toml")
    git(git_repo, "commit", "-qm", "targets")
    assert run_cli("start", "sample", "-m", "a sample").exit_code == 0
    result = run_cli("env", "subset", "--from", "big", "--to", "small", "--percent", "10",
                     "--json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    small = git_repo / "small.db"
    orders = _rows(small, "SELECT count(*) FROM orders")[0][0]
    assert 100 < orders < 300  # about 10% of 2,000 (a stable hash, not exactly)
    sampled = _rows(small, "SELECT count(*) FROM customer")[0][0]
    assert 20 < sampled <= 400
    assert _rows(small, "PRAGMA foreign_key_check") == []
    again = run_cli("env", "subset", "--from", "big", "--to", "sqlite:///other.db", "--percent",
                    "10", "--no-run", "--json")  # fmt: skip
    assert again.exit_code == 0, again.stderr
    rows = {t["source"]: t["rows"] for t in json.loads(result.stdout)["plan"]["tables"]}
    assert rows == {"customer": sampled, "orders": orders}
    # the same sample every time: a stable hash of each key, not a random draw
    assert {t["source"]: t["rows"] for t in json.loads(again.stdout)["plan"]["tables"]} == rows
    nothing = run_cli("env", "subset", "--from", "big", "--to", "small")
    assert nothing.exit_code == 2
    assert "--percent" in nothing.stderr
