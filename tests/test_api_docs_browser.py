"""/api/docs/ in Debian's Chromium: Swagger UI starts from our own static files under the strict
Content Security Policy (no inline script or style, nothing from elsewhere) and shows the schema.
Skips, saying why, where /usr/bin/chromium is missing (as tests/browser/ does)."""

from __future__ import annotations

from typing import Any

import pytest

from .browser.conftest import browser_page  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_docs_page_runs_under_the_csp(live_server: Any, browser_page: Any) -> None:  # noqa: F811
    page = browser_page
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + "/api/docs/")
    page.wait_for_selector("text=Oversight API", timeout=15_000)
    page.wait_for_selector("text=/api/records/{id}/share/", timeout=15_000)
    assert problems == [], problems  # a CSP violation is reported on the console as an error
    assert requested and all(url.startswith(live_server.url) for url in requested), requested
