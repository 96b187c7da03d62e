"""`git migrate review` on a real repository: SQL steps (with verify, irreversible,
destructive), data steps written per the data-step contract, and a step changed after the run
notes recorded it as applied. Markdown for the pull request, JSON for scripts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitmigrate.core import tomlwrite
from gitmigrate.core.authoring import SqlSource, start_migration
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.notes import append_run_events
from gitmigrate.kinds.sql.authoring import add_sql_step
from tests.fixtures_git import CliRunner, git

CUSTOMER = "CREATE TABLE customer (\n  id INTEGER PRIMARY KEY,\n  email TEXT,\n  legacy TEXT\n);\n"


def _src(text: str) -> SqlSource:
    return SqlSource(text, "<test>")


def _data_step(
    repo: GitRepo, seq: int, slug: str, meta: dict[str, object], extra: dict[str, str]
) -> str:
    path = f"migrations/shop/{seq:03d}-{slug}"
    files = {f"{path}/step.toml": tomlwrite.dumps(meta).encode()}
    files.update({f"{path}/{name}": body.encode() for name, body in extra.items()})
    message = f"data: {meta['summary']}\n\nMigrate-Step: shop/{seq:03d}\nMigrate-Kind: data\n"
    return repo.commit_files(branch="migrate/shop", message=message, files=files)


@pytest.fixture
def shop(git_repo: Path) -> Path:
    repo = GitRepo(git_repo)
    start_migration(repo, "shop", description="customers")
    first = add_sql_step(repo, summary="Create customer", up=_src(CUSTOMER),
                         down=_src("DROP TABLE customer;\n"),
                         verify=_src("SELECT count(*) >= 0 FROM customer;\n"))  # fmt: skip
    add_sql_step(repo, summary="Purge empty emails", irreversible="deletes rows",
                 up=_src("DELETE FROM customer WHERE email IS NULL OR email <> trim(email);\n"),
                 down=None)  # fmt: skip
    add_sql_step(repo, summary="Drop legacy", up=_src("ALTER TABLE customer DROP COLUMN legacy;\n"),
                 down=_src("ALTER TABLE customer ADD COLUMN legacy TEXT;\n"))  # fmt: skip
    _data_step(repo, 4, "lower-emails", {
        "kind": "data", "summary": "Lower-case customer emails", "dialect": "sqlite",
        "options": {"mode": "set", "table": "customer", "key": ["id"],
                    "set": ["email = lower(email)"], "where": "email <> lower(email)",
                    "batch_size": 500, "backup": True, "post_checks": "post-checks.toml"},
    }, {"post-checks.toml": "[[rule]]\nsql = \"SELECT 1\"\n"})  # fmt: skip
    _data_step(repo, 5, "trim-names", {
        "kind": "data", "summary": "Trim emails without backup",
        "irreversible": "no before-images kept (--no-backup)",
        "options": {"mode": "set", "table": "customer", "set": ["email = trim(email)"],
                    "backup": False},
    }, {})  # fmt: skip
    # the run notes say step 001 was applied to `dev` as it was; then its up.sql changes
    old_checksum = git(git_repo, "log", "-1", "--format=%(trailers:key=Migrate-Checksum,valueonly)",
                       first.commit or "").strip().split(":", 1)[1]  # fmt: skip
    event = {"event": "step_applied", "step": "shop/001", "checksum": old_checksum,
             "target": "dev", "host": "ci-1", "user": "ada@example.com",
             "at": "2024-01-02T03:04:05.000000+00:00", "run": "r1", "seq": 1}  # fmt: skip
    append_run_events(repo, [(first.commit or "", event)])
    step1 = git_repo / "migrations/shop/001-create-customer/up.sql"
    step1.write_text(CUSTOMER.replace("email TEXT", "email TEXT NOT NULL"))
    git(git_repo, "commit", "-q", "-am", "tighten email")
    return git_repo


def test_markdown_review_of_a_migration_branch(shop: Path, run_cli: CliRunner) -> None:
    result = run_cli("review")
    assert result.exit_code == 0, result.stderr
    md = result.stdout
    assert md.startswith("## Review: migration `shop`\n")
    assert "5 step(s) changed" in md
    # up/down side by side, HTML-escaped
    assert "<table><tr><th>up.sql</th><th>down.sql</th></tr>" in md
    assert "email &lt;&gt; trim(email)" in md
    assert "<th>no rollback: deletes rows</th>" in md
    # data step: its options and what rollback restores
    assert 'set = ["email = lower(email)"]' in md and 'where = "email <> lower(email)"' in md
    assert "restores the before-images (key + changed columns) kept in gitmigrate_bk_shop_004" in md
    assert (
        "**Irreversible steps:**\n\n- shop/002: deletes rows\n- shop/005: no before-images kept (--no-backup)"
        in md
    )
    missing = md.split("**Missing verifies:**")[1].split("**Destructive")[0]
    assert "shop/002" in missing and "shop/003" in missing
    assert "shop/001" not in missing and "shop/004" not in missing  # verify.sql / post-checks
    destructive = md.split("**Destructive operations")[1].split("**Lint findings")[0]
    assert "shop/003 (up): ALTER TABLE" in destructive and "drops column" in destructive
    assert "shop/005 (up): UPDATE customer: rows changed without before-images" in destructive
    assert "[dropping-column]" in md.split("**Lint findings:**")[1]
    changed = md.split("**Changed after being applied:**")[1].split("**Plaintext")[0]
    assert "shop/001: applied to dev on ci-1 (ada@example.com, 2024-01-02T03:04:05)" in changed
    assert "Pre-push gate: 1 blocking problem(s)" in md
    assert "| shop/002 | sql | Purge empty emails | irreversible | **missing** | no |" in md
    assert "| shop/003 | sql | Drop legacy | yes | **missing** | **yes** |" in md


def test_json_review_and_range_forms(shop: Path, run_cli: CliRunner) -> None:
    result = run_cli("review", "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    steps = {s["id"]: s for s in doc["steps"]}
    assert list(steps) == [f"shop/{n:03d}" for n in range(1, 6)]
    assert steps["shop/001"]["verify"] == "verify.sql"
    assert steps["shop/001"]["changed_since_applied"][0]["target"] == "dev"
    assert (
        steps["shop/002"]["rollback"] is None
        and steps["shop/002"]["irreversible"] == "deletes rows"
    )
    assert steps["shop/004"]["options"]["mode"] == "set"
    assert steps["shop/004"]["verify"] == "post-checks.toml"
    assert steps["shop/005"]["rollback"] is None
    assert steps["shop/002"]["destructive"] == []  # a DELETE with WHERE keeps the table's data
    assert [d["direction"] for d in steps["shop/001"]["destructive"]] == ["down"]
    assert [(p["step"], p["check"]) for p in doc["blocking"]] == [("shop/001", "applied-changed")]
    git(shop, "switch", "-q", "main")
    by_name = json.loads(run_cli("review", "shop", "--format", "json").stdout)
    by_range = json.loads(run_cli("review", "main..migrate/shop", "--format", "json").stdout)
    assert [s["id"] for s in by_name["steps"]] == list(steps)
    assert [s["id"] for s in by_range["steps"]] == list(steps)
    last_two = json.loads(
        run_cli("review", "migrate/shop~2..migrate/shop", "--format", "json").stdout
    )
    assert [s["id"] for s in last_two["steps"]] == ["shop/001", "shop/005"]


def test_review_usage_errors(shop: Path, run_cli: CliRunner) -> None:
    git(shop, "switch", "-q", "main")
    result = run_cli("review")
    assert result.exit_code == 2 and "main is not a migration branch" in result.stderr
    result = run_cli("review", "nope")
    assert result.exit_code == 2 and "no migration named 'nope'" in result.stderr
    result = run_cli("review", "main..nowhere")
    assert result.exit_code == 2 and "'nowhere' in 'main..nowhere' is not a commit" in result.stderr
