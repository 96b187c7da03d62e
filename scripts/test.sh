#!/usr/bin/env bash
# Sets up .venv and runs the whole test suite. Database tests use the servers named by
# GITMIGRATE_TEST_POSTGRES_URL / GITMIGRATE_TEST_MYSQL_URL (they skip without them, unless
# GITMIGRATE_REQUIRE_SERVERS=1, which makes them fail instead).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
