"""SQLAlchemy models against hand-written SQL: equivalent spellings of one type compare equal,
so adding a column to a model whose table was written with TIMESTAMP (Column(DateTime) on the
model) is one ADD COLUMN, never a rebuild of the SQLite table nor a type change online."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, Text

from gitmigrate.schema import ops
from gitmigrate.schema.compare import schema_differences
from gitmigrate.schema.diff import diff_schemas
from gitmigrate.schema.sources import schema_from_metadata, schema_from_sql
from tests.fixtures_db import server_url

SQL = "CREATE TABLE events (id INTEGER PRIMARY KEY, at TIMESTAMP NOT NULL);"


def models(*extra: Column[object]) -> MetaData:
    metadata = MetaData()
    Table(
        "events",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("at", DateTime, nullable=False),
        *extra,
    )
    return metadata


@pytest.mark.parametrize(
    "dialect", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_timestamp_in_sql_equals_datetime_in_models(dialect: str) -> None:
    url = None if dialect == "sqlite" else server_url(dialect)
    from_sql = schema_from_sql(SQL, dialect, url, origin="events.sql")
    same = schema_from_metadata(models(), dialect, url, origin="models")
    assert schema_differences(from_sql, same) == []
    assert diff_schemas(from_sql, same).is_empty

    wider = schema_from_metadata(models(Column("note", Text)), dialect, url, origin="models")
    for online in (False, True):
        plan = diff_schemas(from_sql, wider, online=online)
        assert [type(op) for op in plan.operations] == [ops.AddColumn], plan.operations
