"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, axe-core, screenshots.

Playwright never downloads a browser here: it launches /usr/bin/chromium (installed by
`make system-packages`, which `make test` runs first). Without it the tests skip and say why.
axe-core comes inside the axe-playwright-python package, so nothing is fetched at run time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "test-output" / "browser"

# WCAG 2.0, 2.1 and 2.2 at levels A and AA: the rules axe tags with these, and no best practices.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _lift_triggers(connection: Any) -> list[tuple[str, str]]:
    """Drop (SQLite) or disable (PostgreSQL) the database's own triggers; return what to put back."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL")
            triggers = [(name, sql) for name, sql in cursor.fetchall()]
            for name, _ in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            return triggers
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
            )
            tables = [row[0] for row in cursor.fetchall()]
            for table in tables:
                cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
            return [(table, f'ALTER TABLE "{table}" ENABLE TRIGGER USER') for table in tables]
    return []


def _restore_triggers(connection: Any, triggers: list[tuple[str, str]]) -> None:
    with connection.cursor() as cursor:
        for _, sql in triggers:
            cursor.execute(sql)


@pytest.fixture(scope="module")
def flush_past_append_only_triggers() -> Iterator[None]:
    """Let the live-server test's database be emptied afterwards.

    A live-server test needs transactional_db, which empties every table with `flush` after the
    test instead of rolling back. The audit table's append-only triggers (rightly) refuse that, so
    while `flush` runs, and only then, the triggers are lifted and then put back as they were. The
    walk itself runs with them in force. Module-scoped so that it outlasts the test's own flush.
    """
    from django.core.management.commands import flush
    from django.db import connections

    original = flush.Command.handle

    def handle(self: Any, **options: Any) -> Any:
        connection = connections[options["database"]]
        triggers = _lift_triggers(connection)
        try:
            return original(self, **options)
        finally:
            _restore_triggers(connection, triggers)

    flush.Command.handle = handle  # type: ignore[method-assign]
    try:
        yield
    finally:
        flush.Command.handle = original  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """test-output/browser/ (git-ignored), cleared of the last run's screenshots and axe summary."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for old in [*OUTPUT.glob("*.png"), *OUTPUT.glob("*.json")]:
        old.unlink(missing_ok=True)
    return OUTPUT


@pytest.fixture
def browser_page() -> Iterator[Any]:
    """A fresh headless Chromium page (1280x900). Request it after any fixture that writes to the
    database: Playwright's sync API runs an event loop, and Django refuses ORM calls while one runs."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is missing: install Debian's Chromium with `make system-packages` "
            "(scripts/install_system_packages.sh: apt-get install -y chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        context.set_default_timeout(10_000)
        page = context.new_page()
        try:
            yield page
        finally:
            context.close()
            browser.close()


class Walk:
    """The pages a walk visits: a full-page screenshot and an axe run on each step."""

    def __init__(self, page: Any, output: Path) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.page = page
        self.output = output
        self.axe = Axe()
        self.steps: list[str] = []
        self.violations: list[str] = []
        self.summary: list[dict[str, Any]] = []

    def step(self, name: str) -> None:
        """Screenshot the page as it is now and check it with axe (WCAG 2.2 A and AA)."""
        self.page.wait_for_load_state("load")
        number = len(self.steps) + 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        self.page.screenshot(path=str(self.output / f"{number:02d}-{slug}.png"), full_page=True)
        self.steps.append(name)
        results = self.axe.run(
            self.page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
        )
        response = results.response
        # A page axe could not check would pass silently: make sure its rules ran on this page.
        assert response["passes"], f"axe ran no passing rule on {self.page.url}: did it run at all?"
        self.summary.append(
            {
                "step": number,
                "name": name,
                "url": self.page.url,
                "axe": response["testEngine"]["version"],
                "violations": [v["id"] for v in response["violations"]],
                "needs_review": [v["id"] for v in response["incomplete"]],
                "passes": len(response["passes"]),
            }
        )
        (self.output / "axe-summary.json").write_text(json.dumps(self.summary, indent=2))
        for violation in response["violations"]:
            nodes = "\n".join(
                f"      - {', '.join(str(t) for t in node['target'])}: {node.get('html', '')[:200]}"
                f"\n        {node.get('failureSummary', '').replace(chr(10), ' ')}"
                for node in violation["nodes"]
            )
            self.violations.append(
                f"step {number} '{name}' ({self.page.url}): {violation['id']} [{violation['impact']}] "
                f"{violation['help']} ({', '.join(t for t in violation['tags'] if t.startswith('wcag'))})\n{nodes}"
            )


@pytest.fixture
def walk(browser_page: Any, output_dir: Path) -> Walk:
    return Walk(browser_page, output_dir)
