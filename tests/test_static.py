"""The interface's static files: GOV.UK Frontend and htmx built from npm, served by WhiteNoise.

Nothing is fetched from elsewhere at run time, and no template has inline script or style
(a Content Security Policy without 'unsafe-inline' comes later).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.templatetags.static import static
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "oversight"
STATIC = SRC / "static"
BUILD_SCRIPT = ROOT / "scripts" / "build_static.py"
BUILT_FILES = (
    "govuk/govuk-frontend.min.css",
    "govuk/govuk-frontend.min.js",
    "govuk/assets/manifest.json",
    "htmx/htmx.min.js",
)


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside each <script> and <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None], int]] = []
        self.inline: list[tuple[str, str, int]] = []
        self._open: tuple[str, int] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        self.tags.append((tag, dict(attrs), line))
        if tag in ("script", "style"):
            self._open, self._text = (tag, line), []

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag == self._open[0]:
            self.inline.append((tag, "".join(self._text), self._open[1]))
            self._open = None


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser


def csp_problems(html: str) -> list[str]:
    """What a CSP without 'unsafe-inline' would block: script or style elements with content,
    style="..." attributes and on...="..." event handler attributes."""
    elements = parse(html)
    problems = [f"line {line}: <{tag}> with inline content" for tag, text, line in elements.inline if text.strip()]
    for tag, attrs, line in elements.tags:
        problems += [f"line {line}: <{tag} {name}=...>" for name in attrs if name == "style" or name.startswith("on")]
    return problems


DJANGO_COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.DOTALL)


def template_markup(path: Path) -> str:
    """A template's HTML without its Django comments (which may mention <script> in prose)."""
    return DJANGO_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), path.read_text(encoding="utf-8"))


def all_templates() -> list[Path]:
    return sorted(p for p in SRC.rglob("templates/**/*.html") if ".venv" not in p.parts)


@pytest.fixture
def start_page(client: Client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture(scope="module")
def built() -> Path:
    """The built static files; built here (as `make static` would) if missing and npm is available."""
    if not (STATIC / "govuk").is_dir():
        if shutil.which("npm") is None:
            pytest.skip(
                "GOV.UK Frontend is not built (src/oversight/static/govuk is missing) and npm is not "
                "available to build it: install Node.js 20+ and run `make static` (`make test` does)"
            )
        subprocess.run([sys.executable, str(BUILD_SCRIPT)], cwd=ROOT, check=True)
    return STATIC


@pytest.mark.django_db
def test_start_page_links_govuk_frontend_from_static_url(start_page: str) -> None:
    static_url = settings.STATIC_URL
    assert static_url.startswith("/")
    tags = parse(start_page).tags
    stylesheets = [a["href"] for t, a, _ in tags if t == "link" and a.get("rel") == "stylesheet"]
    scripts = {a["src"]: a for t, a, _ in tags if t == "script" and a.get("src")}
    preloads = [a["href"] for t, a, _ in tags if t == "link" and a.get("rel") == "modulepreload"]

    assert stylesheets[0] == static("govuk/govuk-frontend.min.css")
    assert static("oversight/app.css") in stylesheets
    assert static("govuk/govuk-frontend.min.js") in preloads
    assert scripts[static("oversight/app.js")].get("type") == "module"
    assert "defer" in scripts[static("htmx/htmx.min.js")]
    assert all(url.startswith(static_url) for url in [*stylesheets, *preloads, *scripts])
    # The classic script that sets js-enabled runs first thing in <body>, before anything paints.
    body_at = next(i for i, (t, _, _) in enumerate(tags) if t == "body")
    assert tags[body_at + 1][0] == "script" and tags[body_at + 1][1]["src"] == static("oversight/init.js")


@pytest.mark.django_db
def test_start_page_fetches_nothing_from_elsewhere(start_page: str) -> None:
    external = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
    url_attributes = ("src", "href", "srcset", "poster", "data", "action", "formaction")
    offenders = [
        f"<{tag} {name}={value!r}>"
        for tag, attrs, _ in parse(start_page).tags
        if tag != "a"  # links the user follows are not assets
        for name, value in attrs.items()
        if name in url_attributes and value and external.match(value)
    ]
    assert offenders == []
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", start_page)


@pytest.mark.django_db
def test_start_page_is_the_govuk_template(start_page: str) -> None:
    tags = parse(start_page).tags
    classes = {c for _, attrs, _ in tags for c in (attrs.get("class") or "").split()}
    assert {"govuk-template", "govuk-template__body", "govuk-skip-link", "govuk-service-navigation"} <= classes
    assert {"govuk-phase-banner", "govuk-width-container", "govuk-main-wrapper", "govuk-footer"} <= classes
    assert "govuk-service-navigation__item--active" in classes  # the start page is under "Policy packs"
    assert ">Alpha</strong>" in start_page
    assert any(t == "main" and a.get("id") == "main-content" for t, a, _ in tags)
    assert "Open Government Licence" not in start_page and "Crown copyright" not in start_page


@pytest.mark.django_db
def test_rendered_start_page_needs_no_unsafe_inline(start_page: str) -> None:
    assert csp_problems(start_page) == []


def test_no_template_has_inline_script_or_style() -> None:
    templates = all_templates()
    assert SRC / "templates" / "base.html" in templates
    problems = [f"{path.relative_to(ROOT)} {p}" for path in templates for p in csp_problems(template_markup(path))]
    assert problems == []


def test_the_checker_catches_inline_script_and_style() -> None:
    assert csp_problems('<script src="/static/a.js"></script><script type="module" src="b.js"> </script>') == []
    assert len(csp_problems("<script>alert(1)</script>")) == 1
    assert len(csp_problems("<style>p { color: red }</style>")) == 1
    assert len(csp_problems('<p style="color: red" onclick="go()">x</p>')) == 2


@pytest.mark.django_db
def test_messages_show_as_govuk_notification_banners(client: Client) -> None:
    from django.contrib.messages import constants
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.shortcuts import render
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.session = client.session
    request._messages = FallbackStorage(request)
    request._messages.add(constants.SUCCESS, "Agreement signed")
    request._messages.add(constants.INFO, "Record shared with <b>you</b>")
    body = render(request, "base.html").content.decode()
    assert body.count('data-module="govuk-notification-banner"') == 2
    assert "govuk-notification-banner--success" in body and 'role="alert"' in body
    assert "Agreement signed" in body and "Record shared with &lt;b&gt;you&lt;/b&gt;" in body


def test_build_is_up_to_date_and_complete(built: Path) -> None:
    missing = [name for name in BUILT_FILES if not (built / name).is_file()]
    assert missing == [], "run `make static`"
    assert list((built / "govuk" / "assets" / "fonts").glob("*.woff2"))
    assert (built / "govuk" / "assets" / "images").is_dir()
    check = subprocess.run([sys.executable, str(BUILD_SCRIPT), "--check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_govuk_css_loads_fonts_and_images_from_our_static_files(built: Path) -> None:
    css_path = built / "govuk" / "govuk-frontend.min.css"
    urls = re.findall(r"""url\(\s*['"]?([^'")]+)""", css_path.read_text(encoding="utf-8"))
    assert any(u.endswith(".woff2") for u in urls)
    for url in urls:
        if url.startswith("data:"):
            continue
        assert not url.startswith("/") and "//" not in url, f"{url} would not resolve under STATIC_URL"
        assert (css_path.parent / url).is_file(), url


@pytest.mark.django_db
def test_whitenoise_serves_the_built_files(built: Path, client: Client) -> None:
    css = client.get(static("govuk/govuk-frontend.min.css"))
    assert css.status_code == 200
    assert css["Content-Type"].startswith("text/css")
    font = next((built / "govuk" / "assets" / "fonts").glob("*.woff2")).name
    assert client.get(static(f"govuk/assets/fonts/{font}")).status_code == 200
    for name in ("govuk/govuk-frontend.min.js", "htmx/htmx.min.js", "oversight/init.js", "oversight/app.js"):
        response = client.get(static(name))
        assert response.status_code == 200, name
        assert "javascript" in response["Content-Type"], name


@pytest.mark.django_db
def test_app_js_starts_govuk_frontend_from_the_linked_url(start_page: str) -> None:
    # app.js imports GOV.UK Frontend from the page's data-govuk-frontend link, so that in
    # production it loads the hashed URL {% static %} wrote, not a fixed path.
    links = [a for t, a, _ in parse(start_page).tags if t == "link" and "data-govuk-frontend" in a]
    assert [a["href"] for a in links] == [static("govuk/govuk-frontend.min.js")]
    app_js = (STATIC / "oversight" / "app.js").read_text()
    assert 'document.querySelector("link[data-govuk-frontend]")' in app_js
    assert "import(link.href).then(({ initAll }) => initAll())" in app_js
