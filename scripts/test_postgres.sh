#!/usr/bin/env bash
# The PostgreSQL leg of `make test`: the whole suite again, on PostgreSQL.
# OVERSIGHT_TEST_POSTGRES_URL chooses the server (default: this machine's, trust auth);
# pytest-django creates and drops its own test_<name> database there.
# Where no server answers, the leg says so and is skipped (exit 0), never silently.
set -euo pipefail
BIN=${BIN:-.venv/bin}
URL=${OVERSIGHT_TEST_POSTGRES_URL:-postgres://postgres@localhost:5432/oversight}
if ! "$BIN/python" - "$URL" <<'PY'
import sys
import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
# The server, not the named database: pytest-django creates test_<name> from the maintenance one.
info = conninfo_to_dict(sys.argv[1].replace("postgres://", "postgresql://", 1))
info["dbname"] = "postgres"
try:
    psycopg.connect(make_conninfo(**info), connect_timeout=5).close()
except Exception as error:  # any failure to connect means: no server to test against
    print(f"PostgreSQL leg SKIPPED: no server answers at {sys.argv[1]} ({error.__class__.__name__}: {error})")
    sys.exit(1)
PY
then
    echo "PostgreSQL leg SKIPPED (set OVERSIGHT_TEST_POSTGRES_URL to a reachable server to run it)"
    exit 0
fi
echo "PostgreSQL leg: the whole suite on $URL"
DATABASE_URL="$URL" "$BIN/pytest" -p no:cacheprovider "$@"
