"""What the rest of a file does to a table, for rules that judge a file as a whole.

Dumps and generated scripts create a table first and add its primary key, sequence default or
identity by a later ALTER TABLE (pg_dump always does). A rule looking at CREATE TABLE alone
would report keys that the same file adds a few statements later; these helpers look ahead.
Statements are read by their words, so opaque ones (sqlglot cannot parse `ALTER COLUMN id ADD
GENERATED ...`) count too.
"""

from __future__ import annotations

from collections.abc import Iterator

from gitmigrate.lint.state import Context
from gitmigrate.lint.statement import Stmt, altered_table


def same_table(a: str, b: str) -> bool:
    """Names as written: "public.t" and "t" are the same table (search_path is not known)."""
    return bool(a) and bool(b) and (a == b or a.split(".")[-1] == b.split(".")[-1])


def later_alters(stmt: Stmt, ctx: Context, table: str) -> Iterator[Stmt]:
    """ALTER TABLE statements on `table` after `stmt` in the same file."""
    for other in ctx.statements[stmt.index + 1 :] if stmt.index < len(ctx.statements) else ():
        if other.index > stmt.index and same_table(altered_table(other), table):
            yield other


def _list_after(words: tuple[str, ...], at: int) -> list[str]:
    """Lower-cased names inside the parenthesised list starting at words[at] == "("."""
    if at >= len(words) or words[at] != "(":
        return []
    names = []
    for word in words[at + 1 :]:
        if word == ")":
            break
        if word != ",":
            names.append(word.lower())
    return names


def later_primary_key(stmt: Stmt, ctx: Context, table: str) -> list[str] | None:
    """The columns of a primary key a later ALTER TABLE adds to `table`, else None."""
    for other in later_alters(stmt, ctx, table):
        words = tuple(" ".join(w.split()) for w in other.words)  # sqlglot: one "PRIMARY KEY"
        for i in range(len(words)):
            if words[i] == "PRIMARY KEY" and "ADD" in words[:i]:
                return _list_after(words, i + 1)
            if words[i : i + 2] == ("PRIMARY", "KEY") and "ADD" in words[:i]:
                return _list_after(words, i + 2)
    return None


def later_generated(stmt: Stmt, ctx: Context, table: str) -> set[str]:
    """Columns of `table` that a later ALTER TABLE gives a sequence default or an identity."""
    found = set()
    for other in later_alters(stmt, ctx, table):
        words = other.words
        for i in range(len(words) - 2):
            if words[i : i + 2] != ("ALTER", "COLUMN"):
                continue
            rest = words[i + 3 : i + 6]
            if rest[:2] == ("ADD", "GENERATED") or rest == ("SET", "DEFAULT", "NEXTVAL"):
                found.add(words[i + 2].lower())
    return found
