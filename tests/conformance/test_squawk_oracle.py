"""Squawk itself as an oracle on statements beyond its docs (skipped without `squawk-cli`).

For rules where ours mean the same as Squawk's, each snippet must be flagged by both or by
neither: Squawk's verdict, translated through our mapping.tsv, equals ours.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gitmigrate.lint import lint_sql
from gitmigrate.lint.registry import squawk_ids

SQUAWK = shutil.which("squawk") or shutil.which("squawk", path=str(Path(sys.executable).parent))
pytestmark = pytest.mark.skipif(SQUAWK is None, reason="squawk-cli is not installed")

# Squawk ids whose meaning our mapped rule shares exactly (others are broader or narrower).
SAME = (
    "adding-required-field", "adding-foreign-key-constraint", "ban-drop-column",
    "ban-drop-table", "ban-drop-database", "renaming-column", "renaming-table",
    "changing-column-type", "require-concurrent-index-creation", "ban-truncate-cascade",
    "disallowed-unique-constraint", "adding-serial-primary-key-field", "prefer-identity",
    "prefer-timestamp-tz", "transaction-nesting", "ban-drop-not-null", "require-enum-value-ordering",
    "adding-not-nullable-field", "ban-uncommitted-transaction", "require-concurrent-index-deletion",
)  # fmt: skip

SNIPPETS = [
    "ALTER TABLE orders ADD COLUMN total numeric NOT NULL;",
    "ALTER TABLE orders ADD COLUMN total numeric NOT NULL DEFAULT 0;",
    "ALTER TABLE orders ADD CONSTRAINT fk_c FOREIGN KEY (customer_id) REFERENCES customers (id);",
    "ALTER TABLE orders ADD CONSTRAINT fk_c FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;",
    "ALTER TABLE orders DROP COLUMN note;",
    "DROP TABLE IF EXISTS orders_old;",
    "ALTER TABLE orders RENAME COLUMN note TO remark;",
    "ALTER TABLE orders RENAME TO purchases;",
    "ALTER TABLE orders ALTER COLUMN total TYPE bigint;",
    "CREATE INDEX orders_total_idx ON orders (total);",
    # outside a transaction Squawk also flags an index on a table the file just created; we do
    # not (the table is empty), so the comparison is made where both agree it is fine
    "BEGIN; CREATE TABLE lines (id bigint PRIMARY KEY, qty int); CREATE INDEX lq ON lines (qty); COMMIT;",
    "TRUNCATE orders CASCADE;",
    "ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE (code);",
    "ALTER TABLE orders ADD PRIMARY KEY (id);",
    "CREATE TABLE events (id serial PRIMARY KEY, at timestamp);",
    "CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz);",
    "BEGIN; BEGIN; SELECT 1; COMMIT;",
    "ALTER TABLE orders ALTER COLUMN note DROP NOT NULL;",
    "ALTER TABLE orders ALTER COLUMN note SET NOT NULL;",
    "ALTER TYPE mood ADD VALUE 'meh';",
    "BEGIN; CREATE TABLE t (id bigint PRIMARY KEY);",
    "DROP INDEX orders_total_idx;",
    "DROP DATABASE shop;",
]


def _squawk(path: Path) -> set[str]:
    assert SQUAWK is not None
    proc = subprocess.run([SQUAWK, "--reporter", "json", str(path)], capture_output=True,
                          text=True, check=False)  # fmt: skip
    return {item["rule_name"] for item in json.loads(proc.stdout or "[]")}


@pytest.mark.parametrize("sql", SNIPPETS)
def test_squawk_agrees(sql: str, tmp_path: Path) -> None:
    path = tmp_path / "case.sql"
    path.write_text(sql + "\n")
    theirs = _squawk(path)
    ours = {f.rule for f in lint_sql(sql, "postgresql")}
    for squawk_id in SAME:
        mapped = set(squawk_ids()[squawk_id])
        assert (squawk_id in theirs) == bool(mapped & ours), (squawk_id, theirs, ours)
