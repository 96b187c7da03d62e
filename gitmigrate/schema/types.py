"""Column types a dialect knows, so a desired schema written for one database fails early, with
the nearest spelling, instead of halfway through a migration on another.

SQLite accepts any type name (it derives an affinity from it), so only PostgreSQL and
MariaDB/MySQL are checked; PostgreSQL also accepts the schema's own types (enums, domains,
composite and range types).
"""

from __future__ import annotations

import difflib
import re

from gitmigrate.errors import UsageError

_POSTGRESQL = frozenset(
    """SMALLINT INTEGER INT BIGINT INT2 INT4 INT8 SERIAL SERIAL4 BIGSERIAL SERIAL8 SMALLSERIAL
    SERIAL2 REAL FLOAT FLOAT4 FLOAT8 DOUBLE_PRECISION NUMERIC DECIMAL BOOLEAN BOOL TEXT VARCHAR
    CHARACTER_VARYING CHAR CHARACTER BPCHAR NAME BYTEA DATE TIME TIMESTAMP TIMESTAMPTZ TIMETZ
    TIMESTAMP_WITH_TIME_ZONE TIMESTAMP_WITHOUT_TIME_ZONE TIME_WITH_TIME_ZONE
    TIME_WITHOUT_TIME_ZONE INTERVAL UUID JSON JSONB XML INET CIDR MACADDR MACADDR8 MONEY BIT
    BIT_VARYING VARBIT TSVECTOR TSQUERY POINT LINE LSEG BOX PATH POLYGON CIRCLE OID REGCLASS
    INT4RANGE INT8RANGE NUMRANGE TSRANGE TSTZRANGE DATERANGE INT4MULTIRANGE INT8MULTIRANGE
    NUMMULTIRANGE TSMULTIRANGE TSTZMULTIRANGE DATEMULTIRANGE CITEXT HSTORE LTREE PG_LSN
    TXID_SNAPSHOT""".split()
)
_MYSQL = frozenset(
    """TINYINT SMALLINT MEDIUMINT INT INTEGER BIGINT DECIMAL DEC NUMERIC FIXED FLOAT DOUBLE
    DOUBLE_PRECISION REAL BIT BOOL BOOLEAN SERIAL DATE DATETIME TIMESTAMP TIME YEAR CHAR
    VARCHAR NCHAR NVARCHAR BINARY VARBINARY TINYBLOB BLOB MEDIUMBLOB LONGBLOB TINYTEXT TEXT
    MEDIUMTEXT LONGTEXT ENUM SET JSON GEOMETRY POINT LINESTRING POLYGON MULTIPOINT
    MULTILINESTRING MULTIPOLYGON GEOMETRYCOLLECTION UUID INET4 INET6""".split()
)
KNOWN_TYPES: dict[str, frozenset[str]] = {"postgresql": _POSTGRESQL, "mysql": _MYSQL}

_ARGS = re.compile(r"\([^)]*\)")
_MODIFIERS = re.compile(r"\b(UNSIGNED|SIGNED|ZEROFILL|CHARACTER SET \S+|COLLATE \S+)\b", re.I)


def base_type(type_text: str) -> str:
    """'NUMERIC(10, 2)' -> 'NUMERIC'; 'timestamp(3) with time zone' -> 'TIMESTAMP_WITH_TIME_ZONE'."""
    text = _MODIFIERS.sub(" ", _ARGS.sub(" ", type_text)).replace("[]", " ")
    return "_".join(text.upper().split())


def is_user_type(type_text: str, dialect: str) -> bool:
    """A type the dialect does not have built in (an enum, a domain ...)."""
    known = KNOWN_TYPES.get(dialect)
    return known is not None and base_type(type_text) not in known


def check_type(type_text: str, dialect: str, *, user_types: frozenset[str] = frozenset()) -> None:
    """Raise UsageError naming the type and the nearest known one when `dialect` lacks it."""
    known = KNOWN_TYPES.get(dialect)
    if known is None or (dialect == "sqlite" and not type_text):
        return  # SQLite: a column declared without a type
    base = base_type(type_text)
    # a user type may be schema-qualified and quoted part by part ("Other"."E")
    if base in known or base.replace('"', "").lower() in {
        t.replace('"', "").lower() for t in user_types
    }:
        return
    if dialect == "mysql" and base.startswith(("ENUM", "SET")):
        return
    candidates = sorted(known | user_types)
    nearest = difflib.get_close_matches(base, candidates, n=1, cutoff=0.5)
    hint = f"did you mean {nearest[0].replace('_', ' ')}?" if nearest else "use a type it has"
    raise UsageError(f"type {type_text!r} does not exist in {dialect}", hint)


# spellings a dialect stores as written but treats as one type: SQLAlchemy's DateTime is
# DATETIME on SQLite, where a hand-written schema often says TIMESTAMP (same affinity, same
# values); comparing them as different would rebuild a whole table to "change" nothing
_EQUIVALENT: dict[str, tuple[frozenset[str], ...]] = {
    "sqlite": (frozenset({"DATETIME", "TIMESTAMP"}),),
}


def equivalent_types(a: str, b: str, dialect: str) -> bool:
    """Whether two normalized type strings are the same type on `dialect`."""
    if a == b:
        return True
    x, y = a.upper().strip(), b.upper().strip()
    return x == y or any(x in group and y in group for group in _EQUIVALENT.get(dialect, ()))
