"""Names of PostgreSQL objects outside the connection's default schema.

Objects in the default schema (`current_schema()`) keep bare names, so a model reflected from
one schema is the same as before multi-schema reflection. An object in another schema is named
by a `QualifiedName`: a `str` whose text is `schema.name` and which knows both parts, so that
`render.quote` writes it part by part (`"other"."t"`) while the diff engine, compare, the JSON
of `schema inspect` and lint keep handling it as the plain string it is. Each part of the text
is double-quoted when it holds a dot or a double quote, so the text never reads as two names
when it is one. The schema of an index or a constraint is its table's, of an OWNED BY table its
sequence's: they keep bare names and render through `sibling`.
"""

from __future__ import annotations

import re

_SIMPLE = re.compile(r'^[^."]+$')
_PART = re.compile(r'"((?:[^"]|"")*)"|([^."]+)')


class QualifiedName(str):
    """`schema.name` as one string that remembers its parts (see the module docstring)."""

    schema: str
    name: str

    def __new__(cls, schema: str, name: str) -> QualifiedName:
        made = super().__new__(cls, f"{_text(schema)}.{_text(name)}")
        made.schema = schema
        made.name = name
        return made

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        """copy, deepcopy (dataclasses.asdict) and pickle rebuild it from its parts."""
        return (self.schema, self.name)


def _text(part: str) -> str:
    return part if _SIMPLE.match(part) else '"' + part.replace('"', '""') + '"'


def qualify(schema: str | None, name: str, default: str | None) -> str:
    """The model's name for `schema.name` seen from a connection whose default schema is
    `default`: bare there (or when `schema` is None), qualified anywhere else."""
    if schema is None or schema == default:
        return name
    return QualifiedName(schema, name)


def schema_of(name: str) -> str | None:
    """The schema a model name is qualified with; None for a default-schema (bare) name."""
    return name.schema if isinstance(name, QualifiedName) else None


def bare(name: str) -> str:
    """The name without its schema (what ALTER ... RENAME TO and CREATE INDEX take)."""
    return name.name if isinstance(name, QualifiedName) else name


def sibling(of: str, name: str) -> str:
    """`name` in the schema of `of`: an index or constraint beside its table, an old enum
    renamed beside the new one, the table a sequence is OWNED BY."""
    schema = schema_of(of)
    return name if schema is None else QualifiedName(schema, name)


def split_sql_name(text: str) -> tuple[str, ...]:
    """The parts of a possibly qualified, possibly quoted SQL name (`other."T"` ->
    ("other", "T")); unquoted parts as written (PostgreSQL's echo is already folded)."""
    parts = []
    for match in _PART.finditer(text.strip()):
        quoted, plain = match.groups()
        parts.append(quoted.replace('""', '"') if quoted is not None else plain.strip())
    return tuple(parts)
