#!/usr/bin/env bash
# The main job on the embedded default: a temp git repo, a SQLite target, a real migration
# authored, previewed, applied, inspected, and rolled back -- all with `git migrate`.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bash "$here/scripts/setup.sh"
export PATH="$here/.venv/bin:$PATH"
work=$(mktemp -d "${TMPDIR:-/tmp}/git-migrate-demo.XXXXXX")
cd "$work"
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "$*"; "$@"; }

git init -q -b main
git config user.name "Demo User"
git config user.email demo@example.com
git commit -q --allow-empty -m "initial commit"
run git migrate init
git add -A && git commit -q -m "Set up git-migrate"

run git migrate start shop -m "Customers and orders"
cat > up1.sql <<'SQL'
CREATE TABLE customer (
    id INTEGER PRIMARY KEY,
    email VARCHAR(200) NOT NULL UNIQUE
);
CREATE TABLE "order" (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    total_cents INTEGER NOT NULL CHECK (total_cents >= 0)
);
CREATE INDEX ix_order_customer ON "order" (customer_id);
SQL
printf 'DROP INDEX ix_order_customer;\nDROP TABLE "order";\nDROP TABLE customer;\n' > down1.sql
printf "SELECT count(*) = 2 FROM sqlite_master WHERE type = 'table' AND name IN ('customer', 'order');\n" > verify1.sql
run git migrate add sql --up up1.sql --down down1.sql --verify verify1.sql -m "Create customer and order tables"
printf "INSERT INTO customer (id, email) VALUES (1, 'ada@example.com'), (2, 'grace@example.com');\n" > up2.sql
printf "DELETE FROM customer WHERE id IN (1, 2);\n" > down2.sql
run git migrate add sql --up up2.sql --down down2.sql -m "Seed two customers"
rm -f up1.sql down1.sql verify1.sql up2.sql down2.sql

# the desired schema as plain DDL: git-migrate diffs it against what the steps produce
cat > desired.sql <<'SQL'
CREATE TABLE customer (
    id INTEGER PRIMARY KEY,
    email VARCHAR(200) NOT NULL UNIQUE,
    name VARCHAR(100)
);
CREATE TABLE "order" (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    total_cents INTEGER NOT NULL CHECK (total_cents >= 0)
);
CREATE INDEX ix_order_customer ON "order" (customer_id);
CREATE INDEX ix_customer_name ON customer (name);
SQL
run git migrate schema diff --to desired.sql -m "Add customer names"
rm -f desired.sql
run git migrate schema lint
# a data step: filled in keyset chunks, a checkpoint per chunk, before-images for rollback
run git migrate data add --table customer --set "name = substr(email, 1, instr(email, '@') - 1)" \
  --where "name IS NULL" --batch-size 1 -m "Fill customer names from their emails"

run git log --format='%h %s%n%(trailers:only)' migrate/shop -3
run git migrate log
run git migrate apply --dry-run
run git migrate apply
run git migrate status
say "git migrate data validate --rules names.toml   # every customer has a name now"
printf '[[check]]\ntable = "customer"\ncolumn = "name"\nnot_null = true\n' > names.toml
git migrate data validate --rules names.toml
rm -f names.toml
run git migrate schema inspect --format sql
run git migrate verify
run git migrate rollback --all --yes
run git migrate status
run git log --format='%h %s' -4
say "the run ledger in git notes:"
git notes --ref migrate-runs list | head -3
printf '\ndemo repository left in %s\n' "$work"
