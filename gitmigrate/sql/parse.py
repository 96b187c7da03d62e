"""Split SQL scripts into statements and refuse malformed ones, without a database.

Splitting uses sqlglot's tokenizer, so a ';' inside a string, a quoted identifier, a comment or
a PostgreSQL dollar-quoted body never ends a statement; client syntax of dumps (mysql's
DELIMITER and `/*! */` code, psql's `\\restrict`) is made plain first (client.py). Statements
are slices of the original text, never re-rendered: what runs is exactly what was written.

sqlglot does not know every statement a server accepts (`timestamp with time zone` as a
function argument type, vendor options ...). Such a statement is never refused: `check_sql`
reports it as *not linted* and the server judges it (`apply --dry-run`). Only what is
malformed in every dialect is refused: unterminated quotes, unbalanced parentheses, empty list
items, a BEGIN without END, psql meta-commands.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, ParseError, SqlglotError, TokenError
from sqlglot.tokenizer_core import Token, TokenType

from gitmigrate.errors import SqlParseError, UsageError
from gitmigrate.sql.client import Prepared, prepare
from gitmigrate.sql.dialects import normalize_dialect, sqlglot_dialect

_ROUTINES = frozenset({"TRIGGER", "PROCEDURE", "FUNCTION", "EVENT"})
_OBJECT_WORDS = _ROUTINES | {"TABLE", "VIEW", "INDEX", "SCHEMA", "DATABASE", "SEQUENCE", "TYPE"}
_BLOCK_CLOSERS = frozenset({"IF", "LOOP", "WHILE", "REPEAT"})  # END IF ...: opener not counted
_QUOTE_NAMES = {"'": "string", '"': "quoted name", "`": "quoted name", "[": "quoted name"}


@dataclass(frozen=True)
class Statement:
    """One statement as written: its text (no trailing ';') and where it starts (1-based)."""

    text: str
    line: int
    column: int
    index: int


@dataclass(frozen=True)
class Chunk:
    """A statement with its tokens; `routine` marks a BEGIN ... END body sqlglot cannot model."""

    statement: Statement
    tokens: tuple[Token, ...]
    routine: bool
    unclosed: bool = False  # a routine's BEGIN without END swallowed the rest of the script


@contextmanager
def quiet_sqlglot() -> Iterator[None]:
    """Silence sqlglot's "unsupported syntax" warnings: falling back to a Command is fine here."""
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


class _Positions:
    """Offset -> (line, column), 1-based, by bisecting the newline offsets once."""

    def __init__(self, sql: str) -> None:
        self._newlines = [m.start() for m in re.finditer("\n", sql)]

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_left(self._newlines, offset)
        line_start = self._newlines[line - 1] + 1 if line else 0
        return line + 1, offset - line_start + 1


def _skip_blanks(sql: str, pos: int) -> int:
    """The offset of the next lexeme after whitespace and complete comments."""
    while pos < len(sql):
        if sql[pos].isspace():
            pos += 1
        elif sql.startswith("--", pos) and "\n" in sql[pos:]:
            pos = sql.index("\n", pos) + 1
        elif sql.startswith("/*", pos) and "*/" in sql[pos + 2 :]:
            pos = sql.index("*/", pos + 2) + 2
        else:
            break
    return pos


def _tokenize(sql: str, dialect: str, file: str) -> list[Token]:
    tokenizer = Dialect.get_or_raise(sqlglot_dialect(dialect)).tokenizer()
    try:
        return tokenizer.tokenize(sql)
    except TokenError as exc:
        done = tokenizer.tokens
        pos = _skip_blanks(sql, done[-1].end + 1 if done else 0)
        char = sql[pos : pos + 2] if sql.startswith("/*", pos) else sql[pos : pos + 1]
        what = "comment" if char == "/*" else _QUOTE_NAMES.get(char, "token")
        if char == "$":
            what = "dollar-quoted string"
        line, column = _Positions(sql).at(min(pos, max(len(sql) - 1, 0)))
        raise SqlParseError(file, line, column, f"unterminated {what} starting here") from exc


def _is_routine(tokens: list[Token]) -> bool:
    """CREATE [OR REPLACE] [DEFINER=...] TRIGGER/PROCEDURE/FUNCTION/EVENT: body may hold ';'."""
    if not tokens or tokens[0].token_type != TokenType.CREATE:
        return False
    for token in tokens[1:16]:
        word = token.text.upper()
        if word in _OBJECT_WORDS:
            return word in _ROUTINES
    return False


def _group(tokens: list[Token], client: Prepared) -> Iterator[tuple[list[Token], bool, bool]]:
    """Group tokens by top-level ';'; inside a routine's BEGIN ... END, ';' does not split.
    Under a custom DELIMITER only the delimiter splits (`client.cuts`)."""
    current: list[Token] = []
    depth = 0
    routine = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = token.token_type
        if kind == TokenType.SEMICOLON and token.start in client.cuts:
            if current:
                yield current, routine, False
            current, routine, depth = [], False, 0
            i += 1
            continue
        if kind == TokenType.SEMICOLON and client.regions and client.in_region(token.start):
            current.append(token)  # a ';' inside a body written under DELIMITER ;; or //
            i += 1
            continue
        if kind == TokenType.SEMICOLON and depth == 0:
            if current:
                yield current, routine, False
            current, routine = [], False
            i += 1
            continue
        current.append(token)
        if kind == TokenType.BEGIN and (depth or _is_routine(current)):
            depth, routine = depth + 1, True
        elif kind == TokenType.CASE and depth:
            depth += 1
        elif kind == TokenType.END and depth:
            after = tokens[i + 1].text.upper() if i + 1 < len(tokens) else ""
            if after in _BLOCK_CLOSERS or after == "CASE":
                current.append(tokens[i + 1])
                i += 1
            if after not in _BLOCK_CLOSERS:
                depth -= 1
        i += 1
    if current:
        yield current, routine, depth > 0


def split_chunks(sql: str, dialect: str, file: str = "<sql>") -> list[Chunk]:
    """Statements with their tokens, for callers that go on to parse them."""
    positions = _Positions(sql)
    client = prepare(sql, normalize_dialect(dialect))
    chunks: list[Chunk] = []
    for group, routine, unclosed in _group(_tokenize(client.text, dialect, file), client):
        start, end = client.widen(group[0].start, group[-1].end + 1)
        line, column = positions.at(start)
        statement = Statement(sql[start:end].strip(), line, column, len(chunks))
        chunks.append(Chunk(statement, tuple(group), routine, unclosed))
    return chunks


def split_statements(sql: str, dialect: str) -> list[Statement]:
    """The statements of a script, in order; comment-only fragments are dropped."""
    return [chunk.statement for chunk in split_chunks(sql, dialect)]


def parse_chunk(chunk: Chunk, sql: str, dialect: str) -> list[exp.Expr | None]:
    """Parse one chunk's tokens against the whole `sql`, so error positions are file positions."""
    parser = Dialect.get_or_raise(sqlglot_dialect(dialect)).parser(error_level=ErrorLevel.RAISE)
    with quiet_sqlglot():
        return parser.parse(list(chunk.tokens), sql)


def _clean(description: str) -> str:
    """sqlglot puts reprs in its messages; show the token text and class name instead."""
    description = re.sub(r"<Token token_type: [^,]+, text: (.*?), line: .*?>", r"'\1'", description)
    return re.sub(r"<class '(?:[\w.]+\.)?(\w+)'>", r"\1", description)


def _refuse(file: str, token: Token, positions: _Positions, detail: str) -> SqlParseError:
    line, column = positions.at(token.start)
    return SqlParseError(file, line, column, detail)


# The words statements begin with on PostgreSQL, MySQL/MariaDB and SQLite (their reference
# manuals' command lists). A statement sqlglot cannot parse that starts with none of them is
# malformed everywhere (`SELEC 1`), not a gap of our parser: that one is refused.
_LEADERS = frozenset("""
    ABORT ALTER ANALYZE ANALYSE ATTACH BACKUP BEGIN BINLOG CACHE CALL CHANGE CHECK CHECKPOINT
    CHECKSUM CLOSE CLUSTER COMMENT COMMIT COPY CREATE DEALLOCATE DECLARE DELETE DESC DESCRIBE
    DETACH DISCARD DO DROP END EXECUTE EXPLAIN FETCH FLUSH GET GRANT HANDLER HELP IMPORT INSERT
    INSTALL KILL LISTEN LOAD LOCK MERGE MOVE NOTIFY OPTIMIZE PRAGMA PREPARE PURGE REASSIGN
    REFRESH REINDEX RELEASE RENAME REPAIR REPLACE RESET RESIGNAL RESTART REVOKE ROLLBACK
    SAVEPOINT SECURITY SELECT SET SHOW SHUTDOWN SIGNAL START STOP TABLE TRUNCATE UNINSTALL
    UNLISTEN UNLOCK UPDATE USE VACUUM VALUES WITH XA
""".split())


def _balanced(tokens: tuple[Token, ...]) -> bool:
    depth = 0
    for token in tokens:
        depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(token.token_type, 0)
        if depth < 0:
            return False
    return depth == 0


@dataclass(frozen=True)
class Unparsed:
    """A statement sqlglot cannot parse: not linted, left to the server (`reason` is sqlglot's)."""

    statement: Statement
    line: int
    column: int
    reason: str

    def to_json(self) -> dict[str, object]:
        return {"line": self.line, "column": self.column, "reason": self.reason,
                "statement": " ".join(self.statement.text.split())[:80]}  # fmt: skip


@dataclass(frozen=True)
class CheckedScript:
    """A script's statements, and those of them no linter has read (`unparsed`)."""

    statements: list[Statement]
    unparsed: tuple[Unparsed, ...] = ()


def check_chunk(
    chunk: Chunk, sql: str, dialect: str, file: str = "<sql>", *, strict: bool = False
) -> Unparsed | None:
    """Refuse a malformed statement (SqlParseError); an Unparsed when sqlglot cannot read it."""
    positions = _Positions(sql)
    tokens = chunk.tokens
    first = tokens[0]
    if dialect == "postgresql" and first.token_type == TokenType.BACKSLASH:
        meta = sql[first.start : tokens[1].end + 1] if len(tokens) > 1 else "\\"
        detail = f"'{meta}' is a psql meta-command, not SQL; remove it (targets come from config)"
        raise _refuse(file, first, positions, detail)
    for i, token in enumerate(tokens):
        after = tokens[i + 1].token_type if i + 1 < len(tokens) else None
        if (token.token_type, after) in _EMPTY_ITEM:
            bad = tokens[i + 1] if after == TokenType.COMMA else token
            raise _refuse(file, bad, positions, f"unexpected '{bad.text}' (empty list item)")
    if chunk.unclosed:
        begin = next(t for t in tokens if t.token_type == TokenType.BEGIN)
        raise _refuse(file, begin, positions, "BEGIN has no matching END")
    if chunk.routine:
        return None  # procedural bodies: sqlglot has no model of them; the database checks them
    try:
        parse_chunk(chunk, sql, dialect)
    except ParseError as exc:
        error = exc.errors[0] if exc.errors else {}
        highlight = str(error.get("highlight") or "")
        line, col = int(error.get("line") or first.line), int(error.get("col") or 1)
        if highlight and "\n" not in highlight:
            col = max(col - len(highlight) + 1, 1)
        detail = f"{_clean(str(error.get('description') or exc))} near '{highlight}'"
        if strict or not _balanced(tokens):
            raise SqlParseError(file, line, col, detail) from exc
        if first.token_type != TokenType.L_PAREN and first.text.upper() not in _LEADERS:
            detail = f"no statement starts with '{first.text}'"
            raise _refuse(file, first, positions, detail) from exc
        return Unparsed(chunk.statement, line, col, detail)
    except SqlglotError as exc:
        if strict:
            raise _refuse(file, first, positions, _clean(str(exc))) from exc
        line, column = positions.at(first.start)
        return Unparsed(chunk.statement, line, column, _clean(str(exc)))
    return None


# sqlglot silently drops empty list items ("a,, b"); every dialect we support refuses them.
_EMPTY_ITEM: set[tuple[TokenType, TokenType | None]] = {
    (TokenType.COMMA, TokenType.COMMA),
    (TokenType.L_PAREN, TokenType.COMMA),
    (TokenType.COMMA, TokenType.R_PAREN),
    (TokenType.COMMA, None),
}


def check_sql(
    sql: str, dialect: str, file: str = "<sql>", *, strict: bool = False
) -> CheckedScript:
    """Split `sql`, refuse what is malformed (SqlParseError at file:line:column), and list the
    statements sqlglot cannot parse. `strict` refuses those too (for SQL fragments we compose
    ourselves, where sqlglot's reading is the only check before a server sees them)."""
    dialect = normalize_dialect(dialect)
    chunks = split_chunks(sql, dialect, file)
    if not chunks:
        raise UsageError(
            f"{file} contains no SQL statement",
            "write the statements to run, each ended by ';'",
        )
    unparsed = [check_chunk(chunk, sql, dialect, file, strict=strict) for chunk in chunks]
    return CheckedScript([c.statement for c in chunks], tuple(u for u in unparsed if u))


def validate_sql(
    sql: str, dialect: str, file: str = "<sql>", *, strict: bool = False
) -> list[Statement]:
    """Split `sql` and refuse anything definitely malformed, pointing at file:line:column.

    Statements sqlglot only knows as opaque commands (DO blocks, function bodies, vendor
    extensions) or cannot parse at all are accepted unless `strict`: refusing valid SQL would
    be worse than letting the database judge (`check_sql` lists the ones not linted).
    """
    return check_sql(sql, dialect, file, strict=strict).statements
