"""A backfill's rollback on a table with an UPDATE trigger (issue 12, defect 9).

The trigger here counts the updates of each row in `stamp` (a `last_update = now()` trigger
that a test can compare exactly). Writing the before-images back is an UPDATE, so without care
the rollback fires it again and leaves `stamp` changed. On SQLite and PostgreSQL the rollback is
exact: every row equals its before-image, and the trigger still works afterwards. On MariaDB,
where the trigger cannot be switched off safely, the step's note and `plan` say the rollback is
not exact for `stamp`.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from gitmigrate.core.authoring import start_migration
from gitmigrate.core.catalog import load_migration
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.data.authoring import add_data_step
from gitmigrate.data.options import DataOptions
from gitmigrate.engine.registry import get_kind
from tests.engine_procs import cli_env, run_cli
from tests.fixtures_git import make_repo

ROWS = 250

TRIGGER = {
    "sqlite": [
        "CREATE TRIGGER item_touch AFTER UPDATE OF v ON item BEGIN"
        " UPDATE item SET stamp = stamp + 1 WHERE id = NEW.id; END"
    ],
    "postgresql": [
        "CREATE FUNCTION item_touch() RETURNS trigger AS $$ BEGIN"
        " NEW.stamp := OLD.stamp + 1; RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER item_touch BEFORE UPDATE ON item FOR EACH ROW EXECUTE FUNCTION item_touch()",
    ],
    "mysql": [
        "CREATE TRIGGER item_touch BEFORE UPDATE ON item FOR EACH ROW SET NEW.stamp = OLD.stamp + 1"
    ],
}
DIALECTS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    pytest.param("mysql", id="mysql", marks=pytest.mark.mysql),
]
FIXTURES = {"sqlite": "sqlite_url", "postgresql": "postgres_url", "mysql": "mysql_url"}


def _setup(url: str, dialect: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "CREATE TABLE item (id INTEGER PRIMARY KEY, v INTEGER NOT NULL,"
                    " stamp INTEGER NOT NULL DEFAULT 0, label VARCHAR(20))"
                )
            )
            values = ", ".join(f"({i}, {i % 7}, {i % 3}, 'l{i}')" for i in range(1, ROWS + 1))
            conn.execute(text(f"INSERT INTO item (id, v, stamp, label) VALUES {values}"))
            for sql in TRIGGER[dialect]:
                conn.execute(text(sql))
    finally:
        engine.dispose()


def _rows(url: str) -> list[tuple[object, ...]]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [
                tuple(r)
                for r in conn.execute(text("SELECT id, v, stamp, label FROM item ORDER BY id"))
            ]
    finally:
        engine.dispose()


def _project(path: Path, url: str) -> Path:
    repo = make_repo(path)
    start_migration(GitRepo(repo), "touch")
    add_data_step(
        GitRepo(repo),
        summary="bump v",
        options=DataOptions(
            mode="set", table="item", assignments=(("v", "v + 10"),), batch_size=40
        ),
        target=url,  # authoring with --target: the trigger is seen now
    )
    return repo


@pytest.mark.parametrize("dialect", DIALECTS)
def test_rollback_of_a_backfill_on_a_table_with_an_update_trigger(
    dialect: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue(FIXTURES[dialect])
    _setup(url, dialect)
    repo = _project(tmp_path / "repo", url)
    env = cli_env(tmp_path / "home")
    before = _rows(url)

    applied = run_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
    assert applied.returncode == 0, applied.stderr
    after = _rows(url)
    assert all(a[1] == b[1] + 10 and a[2] == b[2] + 1 for a, b in zip(after, before, strict=True))

    step = GitRepo(repo)
    plan_dir = tmp_path / "plan"
    planned = run_cli(repo, env, "plan", "-o", str(plan_dir), "--dialect", dialect)
    assert planned.returncode == 0, planned.stderr
    words = "\n".join(p.read_text() for p in plan_dir.rglob("*.md"))
    scripts = "\n".join(p.read_text() for p in plan_dir.rglob("*.sql"))
    assert "stamp" in scripts, scripts  # the scripted before-images keep the trigger's column
    if dialect == "postgresql":
        assert "DISABLE TRIGGER" in scripts and "ENABLE TRIGGER" in scripts, scripts

    rolled = run_cli(repo, env, "rollback", "--steps", "1", "--yes", "--no-progress",
                     "--target", url)  # fmt: skip
    assert rolled.returncode == 0, rolled.stderr
    restored = _rows(url)
    if dialect == "mysql":
        # the trigger fired again on the restore: v is exact, stamp is not, and it is said so
        assert [(r[0], r[1], r[3]) for r in restored] == [(r[0], r[1], r[3]) for r in before]
        assert "not exact" in words and "stamp" in words, words
        loaded = load_migration(step, "touch").steps[0]
        impact = get_kind("data").note(loaded, "mysql")["impact"]
        assert "stamp" in str(impact.get("rollback_not_exact")), impact
        return
    assert restored == before, [(b, r) for b, r in zip(before, restored, strict=True) if b != r][:3]
    assert "not exact" not in words, words
    # the trigger is back, and fires
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE item SET v = v + 1 WHERE id = 1"))
            stamp = conn.execute(text("SELECT stamp FROM item WHERE id = 1")).scalar_one()
    finally:
        engine.dispose()
    assert stamp == before[0][2] + 1


@pytest.mark.postgres
def test_postgresql_role_not_owning_the_table_rolls_back_with_the_not_exact_words(
    tmp_path: Path, postgres_url: str
) -> None:
    """ALTER TABLE … DISABLE TRIGGER needs the table's owner: another role's rollback lets
    the trigger fire, and `plan` on that target says so, naming the column."""
    _setup(postgres_url, "postgresql")
    role = f"gm_role_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_url, poolclass=NullPool)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE ROLE {role} LOGIN"))
            conn.execute(text(f"GRANT ALL ON SCHEMA public TO {role}"))
            conn.execute(text(f"GRANT SELECT, UPDATE ON item TO {role}"))
        url = make_url(postgres_url).set(username=role).render_as_string(hide_password=False)
        repo = _project(tmp_path / "repo", url)
        env = cli_env(tmp_path / "home")
        before = _rows(postgres_url)
        applied = run_cli(repo, env, "apply", "--yes", "--no-progress", "--target", url)
        assert applied.returncode == 0, applied.stderr
        planned = run_cli(repo, env, "plan", "-o", str(tmp_path / "plan"), "--target", url)
        assert planned.returncode == 0, planned.stderr
        words = "\n".join(p.read_text() for p in (tmp_path / "plan").rglob("*.md"))
        assert "not exact for stamp" in words and "only the table's owner" in words, words
        rolled = run_cli(repo, env, "rollback", "--steps", "1", "--yes", "--target", url)
        assert rolled.returncode == 0, rolled.stderr
        restored = _rows(postgres_url)
        assert [(r[0], r[1], r[3]) for r in restored] == [(r[0], r[1], r[3]) for r in before]
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
        admin.dispose()
