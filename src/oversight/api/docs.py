"""The schema (/api/schema/) and its documentation page (/api/docs/): Swagger UI from our own
static files (drf-spectacular-sidecar), started by a script file, so the page keeps the strict
Content Security Policy (no inline script or style, nothing from a CDN)."""

from __future__ import annotations

from csp.decorators import csp_update
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema: YAML, or JSON with ?format=json. Open to anyone: it describes the
    API and holds no data."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]


# Swagger UI's logo is an SVG carrying one <style> element; this page alone lets that one
# stylesheet in, by its hash (never 'unsafe-inline'). tests/test_api_docs_browser.py loads the page
# in Chromium and fails on any CSP violation, so a new Swagger UI with other inline styles shows up.
SWAGGER_LOGO_STYLE = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='"


@csp_update({"style-src": [SWAGGER_LOGO_STYLE]})
@ensure_csrf_cookie  # "Try it out" from a signed-in browser sends the CSRF token back
def docs(request: HttpRequest) -> HttpResponse:
    return render(request, "api/docs.html", {"schema_url": reverse("api:schema") + "?format=json"})
