"""Statements as the rules see them: position, upper-cased words, and sqlglot's tree if any.

Splitting and syntax checks are `gitmigrate.sql.parse`'s; this module only adds what rules
need. `tree` is None where sqlglot keeps a statement opaque (an `exp.Command` or a procedural
body): rules then read `words`, the statement's tokens with string literals masked as "'".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.tokenizer_core import TokenType

from gitmigrate.errors import SqlParseError
from gitmigrate.sql.parse import Chunk, check_chunk, parse_chunk, split_chunks

# Valid PostgreSQL/MySQL that sqlglot cannot parse: treated as opaque, never as syntax errors.
_OPAQUE_LEADERS = frozenset({"CLUSTER", "REPACK", "VACUUM", "REINDEX", "ANALYZE", "RENAME"})
_COMMANDS = frozenset({TokenType.COMMAND, TokenType.RENAME, TokenType.LOCK, TokenType.EXECUTE})
_LEXEME = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|`[^`]*`|\w+|[^\s\w]")
_STRINGS = frozenset({TokenType.STRING, TokenType.NATIONAL_STRING, TokenType.HEREDOC_STRING})


@dataclass(frozen=True)
class Stmt:
    text: str
    line: int
    column: int
    index: int
    words: tuple[str, ...]
    tree: exp.Expr | None

    @property
    def head(self) -> str:
        """The first 80 characters, on one line."""
        return " ".join(self.text.split())[:80]

    def starts(self, *words: str) -> bool:
        return self.words[: len(words)] == words

    def has(self, *sequence: str) -> bool:
        """Whether the words contain `sequence` contiguously."""
        n = len(sequence)
        return any(self.words[i : i + n] == sequence for i in range(len(self.words) - n + 1))

    def after(self, word: str) -> str | None:
        """The word after the first `word` (skipping '='), e.g. after("ALGORITHM") -> "INPLACE"."""
        for i, current in enumerate(self.words):
            if current == word:
                rest = [w for w in self.words[i + 1 : i + 3] if w != "="]
                return rest[0] if rest else None
        return None

    def node(self, kind: type[exp.Expr]) -> exp.Expr | None:
        return self.tree if isinstance(self.tree, kind) else None


@dataclass(frozen=True)
class SyntaxProblem:
    line: int
    column: int
    detail: str
    head: str


@dataclass(frozen=True)
class NotLinted:
    """A statement sqlglot cannot parse: the server judges it, rules only see its words."""

    line: int
    column: int
    reason: str
    head: str


def _words(chunk: Chunk) -> tuple[str, ...]:
    tokens = chunk.tokens
    if tokens[0].token_type in _COMMANDS and len(tokens) > 1 and tokens[1].token_type in _STRINGS:
        # sqlglot keeps the rest of VACUUM/REINDEX/RENAME ... as one string token: split it
        rest = tuple(w.strip('"`').upper() for w in _LEXEME.findall(tokens[1].text))
        return (tokens[0].text.upper(), *rest)
    return tuple("'" if t.token_type in _STRINGS else t.text.upper() for t in tokens)


def _tree(chunk: Chunk, sql: str, dialect: str) -> exp.Expr | None:
    if chunk.routine:
        return None
    try:
        trees = parse_chunk(chunk, sql, dialect)
    except SqlglotError:
        return None
    tree = next((t for t in trees if t is not None), None)
    return None if isinstance(tree, exp.Command) else tree


def read_statements(
    sql: str, dialect: str, file: str
) -> tuple[list[Stmt], list[SyntaxProblem], list[NotLinted]]:
    """The statements of `sql`; the malformed ones (then the statements are not linted); and
    those sqlglot cannot parse, which rules only see as words (`tree` None)."""
    try:
        chunks = split_chunks(sql, dialect, file)
    except SqlParseError as exc:
        return [], [SyntaxProblem(exc.line, exc.column, exc.detail, "")], []
    statements: list[Stmt] = []
    problems: list[SyntaxProblem] = []
    unread: list[NotLinted] = []
    for chunk in chunks:
        words = _words(chunk)
        st = chunk.statement
        stmt = Stmt(st.text, st.line, st.column, st.index, words, None)
        try:
            unparsed = check_chunk(chunk, sql, dialect, file)
        except SqlParseError as error:
            problems.append(SyntaxProblem(error.line, error.column, error.detail, stmt.head))
            continue
        if unparsed is not None:
            if words[0] not in _OPAQUE_LEADERS:  # rules read these by their words anyway
                unread.append(NotLinted(st.line, st.column, unparsed.reason, stmt.head))
            statements.append(stmt)
            continue
        statements.append(
            Stmt(st.text, st.line, st.column, st.index, words, _tree(chunk, sql, dialect))
        )
    return statements, problems, unread


# --- helpers over sqlglot trees, shared by the rules ---------------------------------------


def table_name(node: exp.Expr | None) -> str:
    """Lower-cased name as written ("schema.table" or "table"); "" when there is none."""
    if isinstance(node, exp.Schema):
        node = node.this
    if isinstance(node, exp.Table):
        return ".".join(p for p in (node.catalog, node.db, node.name) if p).lower()
    return node.name.lower() if isinstance(node, exp.Expr) else ""


def alter_actions(stmt: Stmt) -> Iterator[exp.Expr]:
    """The actions of an ALTER TABLE (ADD COLUMN, ALTER COLUMN, ADD CONSTRAINT ...)."""
    tree = stmt.node(exp.Alter)
    if tree is not None and str(tree.args.get("kind") or "TABLE").upper() == "TABLE":
        yield from tree.args.get("actions") or []


def column_defs(stmt: Stmt) -> Iterator[tuple[exp.ColumnDef, bool]]:
    """Column definitions of CREATE TABLE (False) and ALTER TABLE ... ADD COLUMN (True)."""
    create = stmt.node(exp.Create)
    if create is not None and isinstance(create.this, exp.Schema):
        for item in create.this.expressions:
            if isinstance(item, exp.ColumnDef):
                yield item, False
    for action in alter_actions(stmt):
        if isinstance(action, exp.ColumnDef):
            yield action, True


def constraint_kinds(column: exp.ColumnDef) -> list[exp.Expr]:
    return [c.args["kind"] for c in column.constraints if c.args.get("kind") is not None]


def created_table(stmt: Stmt) -> str:
    """The table a CREATE TABLE (or materialized view) makes, else ""."""
    create = stmt.node(exp.Create)
    if create is not None and str(create.args.get("kind") or "").upper() == "TABLE":
        return table_name(create.this)
    if create is not None and create.find(exp.MaterializedProperty) is not None:
        return table_name(create.this)  # nothing writes to it yet: its indexes block no one
    if stmt.tree is None and stmt.starts("CREATE") and "TABLE" in stmt.words[:5]:
        at = stmt.words.index("TABLE") + 1
        while at < len(stmt.words) and stmt.words[at] in ("IF", "NOT", "EXISTS"):
            at += 1
        return stmt.words[at].lower() if at < len(stmt.words) else ""
    return ""


def altered_table(stmt: Stmt) -> str:
    """The table an ALTER TABLE changes (parsed or opaque), else ""."""
    tree = stmt.node(exp.Alter)
    if tree is not None:
        return table_name(tree.this)
    if stmt.starts("ALTER", "TABLE"):
        rest = [w for w in stmt.words[2:8] if w not in ("IF", "EXISTS", "ONLY")]
        name = rest[0] if rest else ""
        if len(rest) > 2 and rest[1] == ".":
            name = f"{rest[0]}.{rest[2]}"
        return name.lower()
    return ""


def index_table(stmt: Stmt) -> str | None:
    """The table of a CREATE INDEX (parsed or opaque), else None."""
    create = stmt.node(exp.Create)
    if create is not None and isinstance(create.this, exp.Index):
        return table_name(create.this.args.get("table"))
    words = stmt.words
    if stmt.tree is None and words[0] == "CREATE" and "INDEX" in words[:4] and "ON" in words:
        at = words.index("ON") + 1
        at += 1 if at < len(words) and words[at] == "ONLY" else 0
        if at + 2 < len(words) and words[at + 1] == ".":
            return f"{words[at]}.{words[at + 2]}".lower()
        return words[at].lower() if at < len(words) else ""
    return None


def created_relation(stmt: Stmt) -> str:
    """The table or materialized view a CREATE makes (both can be indexed), else ""."""
    table = created_table(stmt)
    if table or not stmt.starts("CREATE"):
        return table
    words = stmt.words
    if "MATERIALIZED" in words[:4] and "VIEW" in words[:5]:
        at = words.index("VIEW") + 1
        while at < len(words) and words[at] in ("IF", "NOT", "EXISTS"):
            at += 1
        if at + 2 < len(words) and words[at + 1] == ".":
            return f"{words[at]}.{words[at + 2]}".lower()
        return words[at].lower() if at < len(words) else ""
    return ""


def concurrently(stmt: Stmt) -> bool:
    tree = stmt.tree
    if isinstance(tree, exp.Create | exp.Drop):
        return bool(tree.args.get("concurrently"))
    return "CONCURRENTLY" in stmt.words
