"""Text normalization for reflected SQL fragments (types, defaults, expressions, view bodies).

Databases echo back what they stored, not what was written: PostgreSQL adds casts
(`'a'::character varying`), everyone adds or drops parentheses, MySQL prints display widths.
These functions map each spelling of the same thing to one string, so two schemas built from
the same DDL compare equal. Quoted text (strings, quoted identifiers) is never altered.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_QUOTES = "'\"`"

# PostgreSQL: a literal followed by a cast, e.g. 'a'::character varying, 0::numeric
_PG_TYPE = (
    r'(?:"[^"]+"|[A-Za-z_][\w.]*)'
    r"(?:\s+(?:varying|precision|with(?:out)?\s+time\s+zone))*"
    r"(?:\(\d+(?:\s*,\s*\d+)?\))?(?:\[\])*"
)
_PG_LITERAL_CAST = re.compile(
    rf"('(?:[^']|'')*'|\b\d+(?:\.\d+)?\b|\bNULL\b)(?:::{_PG_TYPE})+", re.IGNORECASE
)
_NEXTVAL = re.compile(r"^nextval\('(?P<seq>(?:[^']|'')+)'(?:::regclass)?\)$", re.IGNORECASE)
_VIEW_HEAD = re.compile(
    r"^\s*CREATE\s+.*?\bVIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    r'(?:(?:"[^"]*"|`[^`]*`|\[[^\]]*\]|[\w$]+)\s*\.\s*)?(?:"[^"]*"|`[^`]*`|\[[^\]]*\]|[\w$]+)'
    r"\s*(?:\([^)]*\)\s*)?AS\s+",
    re.IGNORECASE | re.DOTALL,
)

# spellings of one type -> the canonical one (applied to whole words of the upper-cased type)
TYPE_SYNONYMS: dict[str, dict[str, str]] = {
    "postgresql": {
        "CHARACTER VARYING": "VARCHAR",
        "CHARACTER": "CHAR",
        "INT4": "INTEGER",
        "INT": "INTEGER",
        "INT8": "BIGINT",
        "INT2": "SMALLINT",
        "FLOAT8": "DOUBLE PRECISION",
        "FLOAT4": "REAL",
        "BOOL": "BOOLEAN",
        "DECIMAL": "NUMERIC",
        "TIMESTAMP WITHOUT TIME ZONE": "TIMESTAMP",
        "TIME WITHOUT TIME ZONE": "TIME",
        "TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE",
        "TIMETZ": "TIME WITH TIME ZONE",
    },
    "mysql": {"INTEGER": "INT", "BOOLEAN": "TINYINT(1)", "BOOL": "TINYINT(1)"},
    "sqlite": {"INT": "INTEGER"},
}
# MySQL integer display widths are cosmetic (INT(11) == INT); TINYINT(1) is how BOOLEAN is stored
_MYSQL_WIDTH = re.compile(r"\b(BIGINT|INT|INTEGER|MEDIUMINT|SMALLINT|TINYINT)\((\d+)\)")


def segments(text: str) -> Iterator[tuple[str, bool]]:
    """Split `text` into (piece, quoted) runs; quotes are doubled to escape, as in SQL."""
    i, start, n = 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _QUOTES:
            if i > start:
                yield text[start:i], False
            j = i + 1
            while j < n:
                if text[j] == ch:
                    if j + 1 < n and text[j + 1] == ch:
                        j += 2
                        continue
                    break
                j += 1
            yield text[i : j + 1], True
            i = start = j + 1
        else:
            i += 1
    if start < n:
        yield text[start:], False


def squash(text: str) -> str:
    """Collapse whitespace outside quotes to one space; no space just inside parentheses."""
    out = []
    for piece, quoted in segments(text):
        if not quoted:
            piece = re.sub(r"\s+", " ", piece)
            piece = re.sub(r"\(\s+", "(", piece)
            piece = re.sub(r"\s+\)", ")", piece)
        out.append(piece)
    return "".join(out).strip()


def upper_outside_quotes(text: str) -> str:
    return "".join(p if quoted else p.upper() for p, quoted in segments(text))


def strip_parens(text: str) -> str:
    """Remove parentheses that enclose the whole expression, repeatedly."""
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and _encloses(text):
        text = text[1:-1].strip()
    return text


def _encloses(text: str) -> bool:
    depth = 0
    pos = 0
    for piece, quoted in segments(text):
        if quoted:
            pos += len(piece)
            continue
        for ch in piece:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0 and pos != len(text) - 1:
                    return False
            pos += 1
    return depth == 0


def expression(text: str | None) -> str | None:
    """A check / generated / index / predicate expression: whitespace and outer parentheses."""
    if text is None:
        return None
    out = strip_parens(squash(str(text)))
    return out or None


def default(text: str | None, dialect: str, column_type: str | None = None) -> str | None:
    """A column default: redundant literal casts dropped (PostgreSQL), NULL means none.

    A cast is not redundant inside `ARRAY[...]` (`ARRAY['1'::numeric]` is no text[]) nor when
    the whole default is a literal cast to another type than the column's
    (`'0001-01-01'::timestamp` on a timestamptz column is read in the session's time zone)."""
    if text is None:
        return None
    out = expression(text)
    if out is None:
        return None
    if dialect == "postgresql":
        out = strip_parens(_drop_literal_casts(out, column_type))
    return None if out.upper() == "NULL" else out


def _drop_literal_casts(text: str, column_type: str | None) -> str:
    whole = _PG_LITERAL_CAST.fullmatch(text)
    if whole is not None and column_type is not None and whole.group(1).upper() != "NULL":
        cast = text[whole.end(1) :].rsplit("::", 1)[-1]
        if _type_base(cast) != _type_base(column_type):
            return text
    arrays = _array_spans(text)
    return _PG_LITERAL_CAST.sub(
        lambda m: m.group(0) if any(a <= m.start() < b for a, b in arrays) else m.group(1), text
    )


def _type_base(type_text: str) -> str:
    """A PostgreSQL type without its length/precision: `character varying(50)` -> VARCHAR."""
    base = re.sub(r"\(\s*\d+(?:\s*,\s*\d+)?\s*\)", "", type_string(type_text, "postgresql"))
    return re.sub(r"\bBPCHAR\b", "CHAR", base).replace(" ", "")


def _array_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every `ARRAY[...]` constructor outside quotes."""
    spans: list[tuple[int, int]] = []
    opened: list[int] = []
    pos = 0
    for piece, quoted in segments(text):
        if not quoted:
            for i, ch in enumerate(piece):
                if ch == "[" and re.search(r"\bARRAY\s*$", text[: pos + i], re.I):
                    opened.append(pos + i)
                elif ch == "]" and opened:
                    spans.append((opened.pop(), pos + i))
        pos += len(piece)
    return spans


def nextval_sequence(default_text: str | None, *, unquote: bool = True) -> str | None:
    """The sequence a PostgreSQL `nextval('seq'::regclass)` default draws from, or None
    (`unquote=False`: its regclass text as written, quotes and schema included)."""
    if default_text is None:
        return None
    match = _NEXTVAL.match(default_text.strip())
    if not match:
        return None
    found = match.group("seq").replace("''", "'")
    return found.strip('"') if unquote else found


def type_string(compiled: str, dialect: str, *, keep_case: bool = False) -> str:
    """A compiled type, upper-cased outside quotes, synonyms mapped to one spelling."""
    text = squash(compiled)
    if keep_case:  # user-defined names (PostgreSQL enums) are case-sensitive
        return text
    text = upper_outside_quotes(text)
    if dialect == "mysql":
        text = _MYSQL_WIDTH.sub(
            lambda m: m.group(0) if m.group(1) == "TINYINT" and m.group(2) == "1" else m.group(1),
            text,
        )
    synonyms = TYPE_SYNONYMS.get(dialect, {})
    for word in sorted(synonyms, key=len, reverse=True):
        text = re.sub(rf"(?<![\w(]){re.escape(word)}(?![\w])", synonyms[word], text)
    return text


def view_body(definition: str | None, *, qualifier: str | None = None) -> str:
    """The SELECT of a view: CREATE ... AS prefix, MySQL's DEFINER/ALGORITHM, the current
    database's qualifier and a trailing ';' removed, whitespace squashed."""
    text = _VIEW_HEAD.sub("", str(definition or ""), count=1)
    if qualifier:
        text = text.replace(qualifier, "")
    return squash(text).rstrip(";").strip()
