"""The lock a statement takes and the work it does, per dialect, read from its text alone.

For impact analysis (the step note) and review: how long does this statement block whom, and
does its cost grow with the table? Sources:

- PostgreSQL: the lock mode each command form acquires ("Explicit Locking", table-level locks,
  and the ALTER TABLE reference); with several ALTER TABLE actions the strongest one wins.
- MariaDB (the "mysql" dialect): every ALTER takes an exclusive metadata lock at its start and
  end; in between the server picks the most efficient algorithm the change allows (INSTANT,
  NOCOPY, INPLACE, COPY: "InnoDB Online DDL Operations with the ... Alter Algorithm" pages,
  MariaDB 10.4+), and for INPLACE/NOCOPY LOCK=NONE where allowed. An explicit ALGORITHM is the
  least efficient one accepted, an explicit LOCK the least concurrency accepted.
- SQLite: a writer holds the database write lock until it commits; readers share.

`work` says how the cost grows: "none" (nothing to lock or a new object), "metadata" (a
catalog change), "insert" (the rows it lists, not the table's), "scan" (reads every row), "index" (builds an index), "rewrite" (copies every
row), "dml" (changes rows). Nothing here refuses SQL; unrecognised statements are "unknown".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlglot.tokenizer_core import Token, TokenType

from gitmigrate.errors import SqlParseError
from gitmigrate.sql.dialects import normalize_dialect
from gitmigrate.sql.parse import split_chunks

# PostgreSQL modes, weakest first
PG_MODES = (
    "ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE",
    "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE",
)  # fmt: skip
AE, SUE, SRE = "ACCESS EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE ROW EXCLUSIVE"
WORK_ORDER = ("none", "metadata", "insert", "dml", "scan", "index", "rewrite")
# MariaDB algorithms, most efficient first
ALGORITHMS = ("INSTANT", "NOCOPY", "INPLACE", "COPY")
MDL = "metadata lock (exclusive, brief)"
_STRINGS = frozenset({TokenType.STRING, TokenType.NATIONAL_STRING, TokenType.HEREDOC_STRING})
_COMMANDS = frozenset({TokenType.COMMAND, TokenType.RENAME, TokenType.LOCK, TokenType.EXECUTE})
_LEXEME = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|`[^`]*`|\w+|[^\s\w]")
_VOLATILE = ("NEXTVAL", "RANDOM", "GEN_RANDOM_UUID", "CLOCK_TIMESTAMP", "UUID_GENERATE_V4")


@dataclass(frozen=True)
class LockInfo:
    """`lock`: the level, in the dialect's terms. `tables`: what it locks (lower-cased as
    written; the first is the one whose rows the work scales with). `algorithm`: MariaDB's."""

    lock: str
    tables: tuple[str, ...] = ()
    work: str = "none"
    algorithm: str | None = None
    other_tables_lock: str | None = None  # e.g. the referenced table of a new foreign key


UNKNOWN = LockInfo("unknown", work="metadata")
NONE = LockInfo("none")


class _Words:
    """A statement's tokens as upper-cased words (strings masked as "'") and their texts."""

    def __init__(self, tokens: tuple[Token, ...]) -> None:
        texts: list[str] = []
        words: list[str] = []
        for i, token in enumerate(tokens):
            if token.token_type in _STRINGS and i == 1 and tokens[0].token_type in _COMMANDS:
                parts = [p.strip('"`') for p in _LEXEME.findall(token.text)]  # LOCK/VACUUM ...
            elif token.token_type in _STRINGS:
                parts = ["'"]
            else:
                parts = token.text.split()  # "FOREIGN KEY" is one token
            texts += parts
            words += [p.upper() for p in parts]
        self.words, self.texts = tuple(words), tuple(texts)

    def starts(self, *words: str) -> bool:
        return self.words[: len(words)] == words

    def name_at(self, at: int) -> tuple[str, int]:
        """The dotted name at `at` after IF [NOT] EXISTS / ONLY / CONCURRENTLY, and where it ends."""
        while at < len(self.words) and self.words[at] in ("IF", "NOT", "EXISTS", "ONLY",
                                                          "CONCURRENTLY"):  # fmt: skip
            at += 1
        parts = list(self.texts[at : at + 1])
        while at + 2 < len(self.words) and self.words[at + 1] == ".":
            at += 2
            parts.append(self.texts[at])
        return ".".join(parts).lower(), at + 1

    def after(self, word: str, start: int = 0) -> str | None:
        """The word after `word` (skipping '='), e.g. after("ALGORITHM") -> "INPLACE"."""
        for i in range(start, len(self.words)):
            if self.words[i] == word:
                rest = [w for w in self.words[i + 1 : i + 3] if w != "="]
                return rest[0] if rest else None
        return None

    def referenced(self, words: tuple[str, ...], offset: int) -> list[str]:
        return [self.name_at(offset + i + 1)[0] for i, w in enumerate(words) if w == "REFERENCES"]


def _actions(words: tuple[str, ...], start: int) -> list[tuple[int, tuple[str, ...]]]:
    """An ALTER TABLE's comma-separated actions (offset, words), split at depth 0."""
    found: list[tuple[int, tuple[str, ...]]] = []
    depth, begin = 0, start
    for i in range(start, len(words) + 1):
        word = words[i] if i < len(words) else ","
        depth += {"(": 1, ")": -1}.get(word, 0)
        if word == "," and depth == 0:
            if i > begin:
                found.append((begin, words[begin:i]))
            begin = i + 1
    return found


def _strongest(modes: list[str]) -> str:
    return max(modes, key=PG_MODES.index)


def _heaviest(works: list[str]) -> str:
    return max(works, key=WORK_ORDER.index) if works else "metadata"


# --- PostgreSQL ---------------------------------------------------------------------------


def _pg_action(action: tuple[str, ...]) -> tuple[str, str]:
    """(mode, work) of one ALTER TABLE action."""
    head = action[0]
    not_valid = "NOT" in action and "VALID" in action
    constraint = action[1:2] in (("CONSTRAINT",), ("FOREIGN",), ("CHECK",), ("PRIMARY",),
                                 ("UNIQUE",), ("EXCLUDE",))  # fmt: skip
    if head == "ADD" and constraint:
        if "FOREIGN" in action[:5]:
            return SRE, "metadata" if not_valid else "scan"
        if "CHECK" in action[:5]:
            return AE, "metadata" if not_valid else "scan"
        return AE, "metadata" if "USING" in action else "index"
    if head == "ADD":
        if "PRIMARY" in action or "UNIQUE" in action:
            return AE, "index"
        volatile = any(w in _VOLATILE for w in action) or "STORED" in action
        serial = any(w.endswith("SERIAL") for w in action[:5])
        return AE, "rewrite" if volatile or serial or "IDENTITY" in action else "metadata"
    if head == "VALIDATE":
        return SUE, "scan"
    if head == "ALTER":
        if "TYPE" in action[:6]:
            return AE, "rewrite"
        if action[-2:] == ("NOT", "NULL") and "SET" in action:
            return AE, "scan"
        if "STATISTICS" in action:
            return SUE, "metadata"
        return AE, "metadata"
    if head in ("SET", "RESET"):
        if action[1:2] in (("(",), ("WITHOUT",)):
            return SUE, "metadata"
        if action[1:2] in (("TABLESPACE",), ("LOGGED",), ("UNLOGGED",)):
            return AE, "rewrite"
        return AE, "metadata"
    if head == "CLUSTER":
        return SUE, "metadata"
    if head in ("ENABLE", "DISABLE") and "TRIGGER" in action[:3]:
        return SRE, "metadata"
    if head == "ATTACH":
        return SUE, "scan"
    if head == "DETACH":
        return (SUE if "CONCURRENTLY" in action else AE), "metadata"
    return AE, "metadata"  # DROP, RENAME, OWNER TO, ... and anything not listed


def _pg(w: _Words) -> LockInfo:
    words = w.words
    if w.starts("ALTER", "TABLE"):
        table, at = w.name_at(2)
        actions = _actions(words, at)
        if not actions:
            return LockInfo(AE, (table,), "metadata")
        found = [_pg_action(a) for _, a in actions]
        refs = [r for off, a in actions if a[0] == "ADD" for r in w.referenced(a, off)]
        return LockInfo(_strongest([m for m, _ in found]), (table, *refs),
                        _heaviest([k for _, k in found]), None, SRE if refs else None)  # fmt: skip
    if words[0] == "CREATE" and "INDEX" in words[1:3]:
        table = w.name_at(words.index("ON") + 1)[0] if "ON" in words else ""
        mode = SUE if "CONCURRENTLY" in words[:5] else "SHARE"
        return LockInfo(mode, (table,) if table else (), "index")
    if words[0] == "CREATE" and "TABLE" in words[1:4]:
        targets = tuple(w.referenced(words, 0))
        work = "rewrite" if "AS" in words and "FROM" in words else "none"
        source = (w.name_at(words.index("FROM") + 1)[0],) if work == "rewrite" else ()
        if targets:
            new = w.name_at(words.index("TABLE") + 1)[0]
            return LockInfo("none", (new, *source, *targets), work, None, SRE)
        return LockInfo("ACCESS SHARE" if source else "none", source, work)
    if words[0] == "CREATE" and "TRIGGER" in words[1:4] and "ON" in words:
        return LockInfo(SRE, (w.name_at(words.index("ON") + 1)[0],), "metadata")
    if words[0] == "CREATE":
        return NONE
    if w.starts("DROP", "INDEX"):
        return LockInfo(SUE if "CONCURRENTLY" in words[:4] else AE, (w.name_at(2)[0],), "metadata")
    if words[0] in ("DROP", "TRUNCATE") or w.starts("ALTER"):
        if w.starts("ALTER", "INDEX") and ("RENAME" in words or "(" in words):
            return LockInfo(SUE, (w.name_at(2)[0],), "metadata")
        if words[0] == "TRUNCATE":
            at = 2 if words[1:2] == ("TABLE",) else 1
        else:
            at = 3 if words[1:2] == ("MATERIALIZED",) else 2
        name = w.name_at(at)[0]
        if words[1] == "TRIGGER" and "ON" in words:
            name = w.name_at(words.index("ON") + 1)[0]
        return LockInfo(AE, (name,), "metadata")
    return _pg_other(w)


def _pg_other(w: _Words) -> LockInfo:
    words = w.words
    if words[0] in ("INSERT", "MERGE"):
        return LockInfo("ROW EXCLUSIVE", (w.name_at(2)[0],), "insert")
    if words[0] in ("UPDATE", "DELETE"):
        return LockInfo("ROW EXCLUSIVE", (w.name_at(2 if words[0] == "DELETE" else 1)[0],), "dml")
    if words[0] in ("SELECT", "WITH"):
        return LockInfo("ACCESS SHARE", work="none")
    if words[0] == "COMMENT":
        return LockInfo(SUE, (w.name_at(3)[0],), "metadata")
    if words[0] in ("VACUUM", "ANALYZE"):
        return LockInfo(AE, (), "rewrite") if "FULL" in words else LockInfo(SUE, (), "scan")
    if words[0] == "REINDEX":
        return LockInfo(SUE if "CONCURRENTLY" in words else "SHARE", (), "index")
    if words[0] == "CLUSTER":
        return LockInfo(AE, (), "rewrite")
    if w.starts("REFRESH", "MATERIALIZED"):
        mode = "EXCLUSIVE" if "CONCURRENTLY" in words else AE
        return LockInfo(mode, (w.name_at(3)[0],), "rewrite")
    if words[0] == "LOCK":
        name = w.name_at(2 if words[1:2] == ("TABLE",) else 1)[0]
        mode = (
            " ".join(words[words.index("IN") + 1 : words.index("MODE")]) if "MODE" in words else AE
        )
        return LockInfo(mode if mode in PG_MODES else AE, (name,), "none")
    if words[0] in ("SET", "RESET", "BEGIN", "START", "COMMIT", "ROLLBACK", "GRANT", "REVOKE"):
        return NONE
    return UNKNOWN


# --- MariaDB ------------------------------------------------------------------------------


# Checked against MariaDB 10.11: the first of ALGORITHM=INSTANT/NOCOPY/INPLACE/COPY the server
# accepts for each form, and whether it then accepts LOCK=NONE (tests/integration/test_schema_impact.py).
_UNSURE = frozenset({"MODIFY", "CHANGE"})


def _mysql_action(action: tuple[str, ...]) -> tuple[str, bool]:
    """(the most efficient algorithm, whether LOCK=NONE is allowed) for one ALTER action."""
    head, rest = action[0], action[1:4]
    if head == "ADD":
        if rest[:1] in (("CONSTRAINT",), ("FOREIGN",), ("CHECK",)):
            # a foreign key is INPLACE only with foreign_key_checks=0; a check copies
            return ("NOCOPY", True) if "UNIQUE" in rest else ("COPY", False)
        if "FULLTEXT" in rest or "SPATIAL" in rest:
            return "INPLACE", False
        if rest[:1] in (("INDEX",), ("KEY",), ("UNIQUE",)):
            return "NOCOPY", True
        if rest[:1] == ("PRIMARY",):
            return "INPLACE", True  # rebuilds the table in place
        if "AUTO_INCREMENT" in action:
            return "INPLACE", False
        if "STORED" in action or "PERSISTENT" in action:
            return "COPY", False
        if "PRIMARY" in action or "UNIQUE" in action:
            return "INPLACE", True
        return "INSTANT", True  # ADD COLUMN, any position (10.4+)
    if head == "DROP":
        if "PRIMARY" in rest:
            return "COPY", False
        if rest[:1] in (("INDEX",), ("KEY",)):
            return "NOCOPY", True
        # columns (NOCOPY when an index covers them), foreign keys, checks
        return "INSTANT", True
    if head in ("RENAME", "ALTER", "AUTO_INCREMENT", "COMMENT"):
        return "INSTANT", True  # RENAME COLUMN/INDEX/TO, ALTER COLUMN SET/DROP DEFAULT
    if head in _UNSURE:
        # widening a VARCHAR or renaming is INSTANT, NOT NULL INPLACE, a type change COPY:
        # the text alone cannot tell which, so assume the worst unless ALGORITHM= says
        return "COPY", False
    if head in ("ENGINE", "FORCE", "ROW_FORMAT"):
        return "INPLACE", True
    return "COPY", False  # CONVERT TO CHARACTER SET and anything not listed


def _mysql_alter(table: str, actions: list[tuple[str, ...]], w: _Words) -> LockInfo:
    own = [a for a in actions if a[0] not in ("ALGORITHM", "LOCK")]
    found = [_mysql_action(a) for a in own] or [("INSTANT", True)]
    algorithm = max((a for a, _ in found), key=ALGORITHMS.index)
    lock_none = all(n for _, n in found)
    asked = w.after("ALGORITHM")
    if asked in ALGORITHMS and ALGORITHMS.index(asked) > ALGORITHMS.index(algorithm):
        algorithm = asked  # an explicit ALGORITHM is the least efficient one accepted
    elif asked in ALGORITHMS and ALGORITHMS.index(asked) < ALGORITHMS.index(algorithm):
        if any(a[0] in _UNSURE for a in own):  # the server refuses the statement otherwise
            algorithm, lock_none = asked, asked != "COPY"
        else:
            return LockInfo(f"refused: ALGORITHM={asked} is not possible here (needs "
                            f"{algorithm})", (table,), "none", algorithm)  # fmt: skip
    work = {"INSTANT": "metadata", "NOCOPY": "index"}.get(algorithm, "rewrite")
    if algorithm == "INPLACE" and all(a[0] == "ADD" and "PRIMARY" not in a for a in own):
        work = "index"
    if algorithm == "INSTANT":
        return LockInfo(f"{MDL}; ALGORITHM=INSTANT", (table,), work, algorithm)
    lock = "NONE" if algorithm != "COPY" and lock_none else "SHARED"
    asked_lock = w.after("LOCK")
    if asked_lock == "EXCLUSIVE" or (asked_lock == "SHARED" and lock == "NONE"):
        lock = asked_lock
    return LockInfo(f"{MDL}; ALGORITHM={algorithm}, LOCK={lock}", (table,), work, algorithm)


def _mysql(w: _Words) -> LockInfo:
    words = w.words
    if w.starts("ALTER", "TABLE") or w.starts("ALTER", "IGNORE", "TABLE"):
        table, at = w.name_at(words.index("TABLE") + 1)
        return _mysql_alter(table, [a for _, a in _actions(words, at)], w)
    if words[0] == "CREATE" and "INDEX" in words[1:4] and "ON" in words:
        table, at = w.name_at(words.index("ON") + 1)
        kind = (
            "FULLTEXT" if "FULLTEXT" in words[:3] else "SPATIAL" if "SPATIAL" in words[:3] else ""
        )
        return _mysql_alter(table, [("ADD", kind or "INDEX")], w)
    if w.starts("DROP", "INDEX") and "ON" in words:
        return _mysql_alter(w.name_at(words.index("ON") + 1)[0], [("DROP", "INDEX")], w)
    if words[0] == "CREATE":
        return NONE
    if words[0] in ("DROP", "TRUNCATE", "RENAME"):
        at = 2 if words[1:2] in (("TABLE",), ("VIEW",)) else 1
        return LockInfo("metadata lock (exclusive)", (w.name_at(at)[0],), "metadata")
    if words[0] in ("INSERT", "REPLACE", "UPDATE", "DELETE"):
        at = 2 if words[1:2] in (("INTO",), ("FROM",)) else 1
        work = "insert" if words[0] in ("INSERT", "REPLACE") else "dml"
        return LockInfo("metadata lock (shared) + row locks", (w.name_at(at)[0],), work)
    if words[0] in ("SELECT", "WITH"):
        return LockInfo("metadata lock (shared read)", (), "none")
    if words[0] in ("SET", "BEGIN", "START", "COMMIT", "ROLLBACK", "USE", "GRANT", "REVOKE"):
        return NONE
    return UNKNOWN


# --- SQLite -------------------------------------------------------------------------------


def _sqlite(w: _Words) -> LockInfo:
    words = w.words
    write = "database write lock"
    if words[0] in ("SELECT", "WITH", "EXPLAIN"):
        return LockInfo("shared read lock", (), "none")
    if words[0] in ("PRAGMA", "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"):
        return NONE
    if w.starts("ALTER", "TABLE"):
        table, at = w.name_at(2)
        # DROP COLUMN rewrites every row; ADD and RENAME only change the schema text
        return LockInfo(write, (table,), "rewrite" if "DROP" in words[at : at + 1] else "metadata")
    if words[0] == "CREATE" and "INDEX" in words[1:3] and "ON" in words:
        return LockInfo(write, (w.name_at(words.index("ON") + 1)[0],), "index")
    if words[0] == "CREATE" and "TABLE" in words[1:4] and "AS" in words and "FROM" in words:
        return LockInfo(write, (w.name_at(words.index("FROM") + 1)[0],), "rewrite")
    if words[0] in ("INSERT", "REPLACE", "UPDATE", "DELETE"):
        at = 2 if words[1:2] in (("INTO",), ("FROM",)) else 1
        work = "insert" if words[0] in ("INSERT", "REPLACE") else "dml"
        if work == "insert" and "SELECT" in words:
            work = "rewrite"  # the table rebuild's copy: as many rows as the table holds
        return LockInfo(write, (w.name_at(at)[0],), work)
    if words[0] == "DROP" and words[1:2] in (("TABLE",), ("VIEW",)):
        return LockInfo(write, (w.name_at(2)[0],), "metadata")
    return LockInfo(write, (), "metadata")


_BY_DIALECT = {"postgresql": _pg, "mysql": _mysql, "sqlite": _sqlite}


def statement_lock(statement: str, dialect: str) -> LockInfo:
    """The lock of one statement (the first, if `statement` holds several)."""
    try:
        chunks = split_chunks(statement, normalize_dialect(dialect))
    except SqlParseError:
        return UNKNOWN
    return chunk_lock(chunks[0].tokens, dialect) if chunks else NONE


def chunk_lock(tokens: tuple[Token, ...], dialect: str) -> LockInfo:
    if not tokens:
        return NONE
    return _BY_DIALECT[normalize_dialect(dialect)](_Words(tokens))


def script_locks(sql: str, dialect: str) -> list[LockInfo]:
    """The lock of every statement of a script, in order (as `classify_script` lists them)."""
    dialect = normalize_dialect(dialect)
    return [chunk_lock(c.tokens, dialect) for c in split_chunks(sql, dialect)]
