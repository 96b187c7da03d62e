"""Copy steps through the engine: the real Chinook database copied between every ordered pair of
SQLite, PostgreSQL and MariaDB by `apply` of a `data copy` step; `data verify` finds all 11
tables equal and then a row changed by hand; rollback removes exactly what was copied;
`cleanup_source` deletes source rows only after verifying them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from gitmigrate.core.authoring import start_migration
from gitmigrate.data.authoring import add_data_step
from gitmigrate.data.options import DataOptions
from gitmigrate.data.verify import verify_table
from gitmigrate.db.connect import create_target_engine
from tests.chinook import ROWS, TABLES, load_chinook
from tests.engine_helpers import Project, make_project
from tests.fixtures_db import fresh_database_url

PAIRS = [
    ("sqlite", "postgresql"),
    ("sqlite", "mysql"),
    ("postgresql", "sqlite"),
    ("postgresql", "mysql"),
    ("mysql", "sqlite"),
    ("mysql", "postgresql"),
]


def _marks(*dialects: str) -> list[pytest.MarkDecorator]:
    names = {"postgresql": pytest.mark.postgres, "mysql": pytest.mark.mysql}
    return [names[d] for d in dialects if d in names]


def _copy_step(project: Project, source_url: str, **fields: object) -> None:
    start_migration(project.repo, "copy")
    add_data_step(
        project.repo,
        summary="copy chinook",
        options=DataOptions(mode="copy", source=source_url, all_tables=True, **fields),  # type: ignore[arg-type]
    )


def _table_names(url: str) -> set[str]:
    engine = create_target_engine(url)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("source", "target"),
    [pytest.param(s, t, id=f"{s}-to-{t}", marks=_marks(s, t)) for s, t in PAIRS],
)
def test_chinook_copied_verified_and_rolled_back(
    source: str, target: str, tmp_path: Path, git_repo: Path
) -> None:
    with (
        fresh_database_url(source, tmp_path) as source_url,
        fresh_database_url(target, tmp_path) as target_url,
    ):
        load_chinook(source_url)
        project = make_project(target_url, git_repo)
        _copy_step(project, source_url, batch_size=1000)
        result = project.apply()
        assert result.runs[0].details["rows"] == sum(ROWS.values())
        copied = set(TABLES[source])
        assert copied <= _table_names(target_url)

        source_engine, target_engine = (
            create_target_engine(source_url),
            create_target_engine(target_url),
        )
        try:
            with source_engine.connect() as s, target_engine.connect() as t:
                for name in TABLES[source]:
                    check = verify_table(s, t, name, name)
                    assert check.equal, (name, check.to_json())
                track, name_col = TABLES[source][10], ("name" if source == "postgresql" else "Name")
                key = "track_id" if source == "postgresql" else "TrackId"
                q = t.dialect.identifier_preparer.quote
                t.execute(
                    text(f"UPDATE {q(track)} SET {q(name_col)} = 'changed' WHERE {q(key)} = 7")
                )
                t.commit()
                check = verify_table(s, t, track, track)
                assert not check.equal and check.differing_keys == ((7,),)
        finally:
            source_engine.dispose()
            target_engine.dispose()

        project.rollback(all=True, yes=True)
        assert not copied & _table_names(target_url)


@pytest.mark.postgres
def test_cleanup_source_moves_the_rows_range_by_range_once_verified(
    tmp_path: Path, git_repo: Path
) -> None:
    with (
        fresh_database_url("sqlite", tmp_path) as source_url,
        fresh_database_url("postgresql", tmp_path) as target_url,
    ):
        load_chinook(source_url)
        project = make_project(target_url, git_repo)
        start_migration(project.repo, "move")
        step = add_data_step(
            project.repo,
            summary="move everything",
            options=DataOptions(
                mode="copy",
                source=source_url,
                all_tables=True,
                cleanup_source=True,
                batch_size=2000,
            ),  # fmt: skip
        )
        assert step.irreversible  # the source rows are gone afterwards
        project.apply(yes=True)
        engine = create_target_engine(source_url)
        try:
            with engine.connect() as conn:
                left = [
                    conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar()
                    for t in TABLES["sqlite"]
                ]
        finally:
            engine.dispose()
        assert left == [0] * 11  # moved: each range deleted from the source once verified
        assert project.sql('SELECT count(*) FROM "PlaylistTrack"')[0][0] == ROWS["PlaylistTrack"]


def test_a_dry_run_deep_enough_to_reach_cleanup_deletes_nothing_from_the_source(
    tmp_path: Path, git_repo: Path
) -> None:
    """A dry run's rolled-back transaction covers the target only: the source's DELETEs of
    `cleanup_source` are listed, never executed, however many chunks the dry run samples."""
    with fresh_database_url("sqlite", tmp_path) as source_url:
        load_chinook(source_url)
        target_url = f"sqlite:///{tmp_path / 'target.db'}"
        project = make_project(target_url, git_repo)
        start_migration(project.repo, "move")
        add_data_step(
            project.repo,
            summary="move everything",
            options=DataOptions(
                mode="copy",
                source=source_url,
                all_tables=True,
                cleanup_source=True,
                batch_size=100_000,
            ),  # fmt: skip
        )
        result = project.apply(yes=True, dry_run=True, dry_run_chunks=1_000)
        engine = create_target_engine(source_url)
        try:
            with engine.connect() as conn:
                left = {
                    t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar()
                    for t in TABLES["sqlite"]
                }
        finally:
            engine.dispose()
        assert left == {t: ROWS[t] for t in TABLES["sqlite"]}
        assert any("DELETE FROM" in s for r in result.runs for s in r.statements)


def test_a_table_without_a_key_is_copied_by_the_key_named_in_the_step(
    tmp_path: Path, git_repo: Path
) -> None:
    from gitmigrate.errors import UsageError

    with (
        fresh_database_url("sqlite", tmp_path) as source_url,
        fresh_database_url("sqlite", tmp_path) as target_url,
    ):
        engine = create_target_engine(source_url)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE events (code TEXT NOT NULL, v INT)"))
            conn.execute(text("INSERT INTO events VALUES ('a', 1), ('b', 2), ('c', 3)"))
        engine.dispose()
        project = make_project(target_url, git_repo)
        start_migration(project.repo, "events")
        with pytest.raises(UsageError, match="--key events:COL"):  # refused when written
            add_data_step(project.repo, summary="copy events",
                          options=DataOptions(mode="copy", source=source_url, tables=("events",)))  # fmt: skip
        add_data_step(project.repo, summary="copy events by code",
                      options=DataOptions(mode="copy", source=source_url, tables=("events",),
                                          keys={"events": ("code",)}))  # fmt: skip
        project.apply()
        assert project.sql("SELECT code, v FROM events ORDER BY code") == [
            ("a", 1),
            ("b", 2),
            ("c", 3),
        ]
