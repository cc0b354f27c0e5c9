import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
OVERSIGHT = Path(sys.executable).parent / "oversight"


@pytest.fixture
def oversight_cmd() -> str:
    return str(OVERSIGHT)


# --- the PostgreSQL leg runs what depends on the database ---------------------------------------
#
# `make test` runs the suite on SQLite, then again on PostgreSQL (scripts/test_postgres.sh). These
# modules never touch Django's database: the pure engine, its packs and generator, the command
# line on scenario files, and the benchmark smoke tests (which make their own databases, the same
# whichever leg runs them). They give the same answer on both legs, so the PostgreSQL leg leaves
# them to the SQLite one and says how many it left. A test in them that does use the database
# (a django_db mark or a database fixture) still runs on both.
DATABASE_INDEPENDENT = {
    "test_bench_smoke",
    "test_capacity",
    "test_cli",
    "test_clocks",
    "test_conformance",
    "test_engine_is_pure",
    "test_file_clocks",
    "test_files_kinds",
    "test_generate",
    "test_pack_rules",
    "test_pack_templates",
    "test_properties",
    "test_store_timings",
    "test_surveys_suppression",
    "test_types",  # mypy on the source: the same on either leg
}
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "client", "admin_client", "live_server"}


def _on_postgres() -> bool:
    import os

    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def _uses_database(item: pytest.Item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _on_postgres():
        return
    left = [i for i in items if i.module.__name__.rsplit(".", 1)[-1] in DATABASE_INDEPENDENT and not _uses_database(i)]
    if left:
        config.hook.pytest_deselected(items=left)
        kept = set(map(id, left))
        items[:] = [i for i in items if id(i) not in kept]
        config._oversight_left_to_sqlite = len(left)  # type: ignore[attr-defined]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    left = getattr(config, "_oversight_left_to_sqlite", 0)
    if left:
        terminalreporter.write_line(
            f"PostgreSQL leg: {left} tests that never touch the database were left to the SQLite leg "
            "(tests/conftest.py, DATABASE_INDEPENDENT)"
        )
