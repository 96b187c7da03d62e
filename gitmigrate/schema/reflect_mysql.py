"""What SQLAlchemy's inspector does not report on MariaDB/MySQL, read from information_schema:
views' ALGORITHM, SQL SECURITY and CHECK OPTION, columns' `ON UPDATE` and generated-column
storage (VIRTUAL/STORED).

A view's DEFINER is not kept: it is the account that ran the migration, and two databases
built by different accounts hold the same schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sqlalchemy import Connection, text

from gitmigrate.schema.model import View

_ON_UPDATE = re.compile(r"\bon update (.+)$", re.IGNORECASE)
_CHECK_OPTION = re.compile(r"\s+WITH\s+(?:CASCADED\s+|LOCAL\s+)?CHECK\s+OPTION\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ViewOptions:
    algorithm: str | None  # MERGE / TEMPTABLE; None for the default UNDEFINED
    security: str | None  # INVOKER; None for the default DEFINER
    check_option: str | None  # CASCADED / LOCAL; None for none


@dataclass(frozen=True)
class ColumnExtra:
    on_update: str | None  # e.g. "current_timestamp()", as the server writes it
    generated_storage: str | None  # "VIRTUAL" / "STORED" for a generated column


def view_options(conn: Connection, schema: str | None) -> dict[str, ViewOptions]:
    rows = conn.execute(
        text(
            "SELECT TABLE_NAME AS name, ALGORITHM AS algorithm, SECURITY_TYPE AS security, "
            "CHECK_OPTION AS check_option FROM information_schema.VIEWS "
            "WHERE TABLE_SCHEMA = coalesce(:schema, DATABASE())"
        ),
        {"schema": schema},
    ).mappings()
    out = {}
    for row in rows:
        algorithm = str(row["algorithm"] or "").upper()
        security = str(row["security"] or "").upper()
        check = str(row["check_option"] or "").upper()
        out[str(row["name"])] = ViewOptions(
            algorithm=algorithm if algorithm not in ("", "UNDEFINED") else None,
            security=security if security not in ("", "DEFINER") else None,
            check_option=check if check not in ("", "NONE") else None,
        )
    return out


def column_extras(conn: Connection, schema: str | None) -> dict[tuple[str, str], ColumnExtra]:
    """(table, column) -> its ON UPDATE and generated storage, for the columns that have one."""
    rows = conn.execute(
        text(
            "SELECT TABLE_NAME AS tbl, COLUMN_NAME AS col, EXTRA AS extra "
            "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = coalesce(:schema, DATABASE()) "
            "AND EXTRA <> ''"
        ),
        {"schema": schema},
    ).mappings()
    out = {}
    for row in rows:
        extra = " ".join(str(row["extra"] or "").split())
        match = _ON_UPDATE.search(extra)
        upper = extra.upper()
        storage = None
        if "VIRTUAL GENERATED" in upper:
            storage = "VIRTUAL"
        elif "STORED GENERATED" in upper or "PERSISTENT" in upper:
            storage = "STORED"
        on_update = match.group(1).strip() if match else None
        if on_update is not None or storage is not None:
            out[(str(row["tbl"]), str(row["col"]))] = ColumnExtra(on_update, storage)
    return out


def with_options(view: View, options: ViewOptions | None) -> View:
    """The view with its options; a CHECK OPTION leaves the body (rendered after the SELECT)."""
    if options is None:
        return view
    body = view.definition
    if options.check_option is not None:
        body = _CHECK_OPTION.sub("", body)
    return replace(
        view,
        definition=body,
        algorithm=options.algorithm,
        security=options.security,
        check_option=options.check_option,
    )


def without_on_update(default: str | None) -> str | None:
    """SQLAlchemy reports MySQL's `DEFAULT x ON UPDATE y` as the default `x ON UPDATE y`."""
    if default is None:
        return None
    head = re.split(r"\s+ON\s+UPDATE\s+", default, maxsplit=1, flags=re.IGNORECASE)[0].strip()
    return head or None
