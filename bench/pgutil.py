"""PostgreSQL for the benchmarks: whether a server answers, and a fresh migrated database.

The server is ``OVERSIGHT_BENCH_PG`` (default ``postgresql://postgres@localhost:5432/``, the
trust-auth server of the development machine); each benchmark makes and drops its own
database on it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PG_DSN = os.environ.get("OVERSIGHT_BENCH_PG", "postgresql://postgres@localhost:5432/")
OVERSIGHT = Path(sys.executable).parent / "oversight"


def admin_dsn(server: str = PG_DSN) -> str:
    return server + "postgres"


def database_url(name: str, server: str = PG_DSN) -> str:
    return server + name


def pg_available(timeout: int = 3, server: str = PG_DSN) -> bool:
    try:
        import psycopg

        with psycopg.connect(admin_dsn(server), connect_timeout=timeout) as conn:
            conn.execute("SELECT 1")
        return True
    except Exception:
        return False


def drop_database(name: str, server: str = PG_DSN) -> None:
    import psycopg

    with psycopg.connect(admin_dsn(server), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_database(name: str, server: str = PG_DSN) -> str:
    """Drop and recreate ``name`` and migrate it; returns its DATABASE_URL."""
    import psycopg

    drop_database(name, server)
    with psycopg.connect(admin_dsn(server), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = database_url(name, server)
    migrate(url)
    return url


def migrate(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "OVERSIGHT_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "oversight.settings"}
    proc = subprocess.run([str(OVERSIGHT), "migrate", "--noinput"], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"migrate failed on {url}:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
