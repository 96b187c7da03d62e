"""The database client part of run.sh, one per dialect: how to turn the argument into a
connection, run a script in one transaction, run it as is, show its output and query."""

from __future__ import annotations

SQLITE = r"""# --- client: sqlite3 (the argument is a file, or a sqlite:///path URL) ---
command -v sqlite3 >/dev/null || die "sqlite3 is not installed" 2
case "$TARGET" in
  sqlite:///*|sqlite+*:///*) DB="${TARGET#*:///}" ;;
  *://*) die "this run.sh is for SQLite: give a database file or sqlite:///path" 2 ;;
  *) DB="$TARGET" ;;
esac
# foreign keys on, as the engine's connections have them; -bail stops at the first error,
# and the transaction left open then is rolled back when sqlite3 exits
run_tx() { { printf 'PRAGMA foreign_keys=ON;\nBEGIN;\n'; cat; printf '\nCOMMIT;\n'; } | sqlite3 -bail "$DB" || failed "its transaction was rolled back"; }
run_plain() { { printf 'PRAGMA foreign_keys=ON;\n'; cat; } | sqlite3 -bail "$DB" || failed "it ran outside a transaction: finish or undo it by hand"; }
show_sql() { sqlite3 -bail -header -column "$DB" || failed "it changes nothing"; }
check_sql() { sqlite3 -bail -list -separator '|' "$DB" || failed "it changes nothing"; }
query() { sqlite3 -bail -list -separator '|' "$DB" "$1" || failed "could not read the ledger"; }
"""

POSTGRESQL = r"""# --- client: psql (the argument is a postgresql:// URL; +driver suffixes are dropped) ---
command -v psql >/dev/null || die "psql is not installed" 2
case "$TARGET" in
  postgresql+*://*|postgres+*://*) URL="postgresql://${TARGET#*://}" ;;
  postgresql://*|postgres://*) URL="$TARGET" ;;
  *) die "this run.sh is for PostgreSQL: give a postgresql://user@host:port/db URL" 2 ;;
esac
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -d "$URL")
run_tx() { "${PSQL[@]}" --single-transaction -f - || failed "its transaction was rolled back"; }
run_plain() { "${PSQL[@]}" -f - || failed "it ran outside a transaction: finish or undo it by hand"; }
show_sql() { "${PSQL[@]}" -P pager=off -f - || failed "it changes nothing"; }
check_sql() { "${PSQL[@]}" -tA -F '|' -f - || failed "it changes nothing"; }
query() { "${PSQL[@]}" -tA -F '|' -c "$1" || failed "could not read the ledger"; }
"""

MYSQL = r"""# --- client: mysql (the argument is a mysql://user:password@host:port/db URL) ---
command -v mysql >/dev/null || die "the mysql client is not installed" 2
case "$TARGET" in
  mysql://*|mysql+*://*|mariadb://*|mariadb+*://*) ;;
  *) die "this run.sh is for MySQL/MariaDB: give a mysql://user@host:port/db URL" 2 ;;
esac
rest="${TARGET#*://}"
creds=""; case "$rest" in *@*) creds="${rest%@*}"; rest="${rest##*@}" ;; esac
hostport="${rest%%/*}"; database="${rest#*/}"; database="${database%%\?*}"
MYSQL=(mysql --protocol=TCP -h "${hostport%%:*}")
case "$hostport" in *:*) MYSQL+=(-P "${hostport##*:}") ;; esac
if [ -n "$creds" ]; then
  MYSQL+=(-u "${creds%%:*}")
  # the password goes through the environment, never the command line (ps shows that)
  case "$creds" in *:*) pw="${creds#*:}"; export MYSQL_PWD="$(printf '%b' "${pw//%/\\x}")" ;; esac
fi
MYSQL+=("$database")
# DDL commits at once on MySQL/MariaDB: only the DML of a step is undone when it fails
run_tx() { { printf 'START TRANSACTION;\n'; cat; printf '\nCOMMIT;\n'; } | "${MYSQL[@]}" || failed "its DML was rolled back, its DDL stays done: finish or undo it by hand"; }
run_plain() { "${MYSQL[@]}" || failed "it ran outside a transaction: finish or undo it by hand"; }
show_sql() { "${MYSQL[@]}" -t || failed "it changes nothing"; }
check_sql() { "${MYSQL[@]}" -N -B | tr '\t' '|' || failed "it changes nothing"; }
query() { "${MYSQL[@]}" -N -B -e "$1" | tr '\t' '|' || failed "could not read the ledger"; }
"""

CLIENTS = {"sqlite": SQLITE, "postgresql": POSTGRESQL, "mysql": MYSQL}
