"""The pre-supervision pack on screen and as a PDF (WeasyPrint, as the case note is made in
oversight.cases.views). Who may read it, and what each reader sees, is in selectors.py."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from oversight.access import policy
from oversight.access.reach import Viewer
from oversight.audit.services import audit_event
from oversight.compliance.store import ensure_current

from .selectors import PreparationPack, build_pack, get_pack_subject_for, next_session_for, session_for_pack

# The pack as a printed page; kept here rather than in a <style> element so that no template
# carries inline style (tests/test_static.py). The class names are GOV.UK Frontend's, which
# the screen and the print share (preparation/includes/pack.html).
PACK_CSS = """
@page { size: A4; margin: 16mm; @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; } }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; line-height: 1.35; }
h1 { font-size: 16pt; margin: 0 0 4pt; }
h2 { font-size: 12.5pt; margin: 14pt 0 4pt; border-bottom: 1pt solid #b1b4b6; padding-bottom: 2pt; }
h3 { font-size: 11pt; margin: 8pt 0 2pt; }
p { margin: 0 0 6pt; }
table { width: 100%; border-collapse: collapse; margin: 0 0 8pt; }
caption { text-align: left; font-weight: bold; margin-bottom: 2pt; }
th, td { text-align: left; vertical-align: top; border-bottom: 0.5pt solid #b1b4b6; padding: 3pt 4pt 3pt 0; }
ul { margin: 0 0 6pt; padding-left: 12pt; }
dl { margin: 0 0 8pt; }
dt { font-weight: bold; margin-top: 4pt; }
dd { margin: 0; }
a { color: inherit; text-decoration: none; }
.govuk-tag { font-weight: bold; text-transform: uppercase; font-size: 8pt; }
.govuk-tag--red { color: #aa2a16; }
.govuk-hint, .govuk-caption-l { color: #505a5f; }
.govuk-visually-hidden, .screen-only { display: none; }
.decision { white-space: pre-wrap; border-left: 3pt solid #b1b4b6; padding-left: 6pt; }
.footer { margin-top: 14pt; font-size: 8pt; color: #505a5f; }
"""


def _pack(request: HttpRequest, pk: int, action: str) -> tuple[PreparationPack, list[str]]:
    """The pack for the request, after the access check; the read is audited."""
    viewer: Viewer = policy.current_viewer(request)
    today = viewer.on
    subject, standing, kinds = get_pack_subject_for(viewer, pk)
    errors = []
    asked = request.GET.get("session", "").strip()
    session = session_for_pack(viewer, subject, kinds, asked) if asked else None
    if asked and session is None:
        errors.append(
            f"session: there is no planned session {asked[:20]} of {subject.name} that you can see; "
            "the pack is shown for the next one booked instead"
        )
    if session is None:
        session = next_session_for(viewer, subject, kinds, today)
    ensure_current(subject.organisation, today)  # the obligation store, as of today
    pack = build_pack(viewer, subject, standing, kinds, today, session)
    audit_event(
        actor=viewer,
        action=f"preparation.{action}",
        obj=subject,
        organisation_id=subject.organisation_id,
        acting_as=standing,
        detail={
            "session": session.pk if session is not None else None,
            "kinds": sorted(kinds),
            "children": len(pack.children),
        },
    )
    return pack, errors


def _context(pack: PreparationPack, **extra: Any) -> dict[str, Any]:
    return {"pack": pack, "subject": pack.subject, "council": pack.subject.organisation.pack.council, **extra}


@login_required
@require_GET
def pack_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The pre-supervision pack of one supervisee, on screen."""
    pack, errors = _pack(request, pk, "view")
    query = f"?session={pack.session.pk}" if pack.session is not None else ""
    return render(request, "preparation/pack.html", _context(pack, errors=errors, pdf_query=query))


@login_required
@require_GET
def pack_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The same pack as a PDF, rendered from HTML by WeasyPrint."""
    pack, _errors = _pack(request, pk, "export")
    html = pack_html(pack)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(pack)}"'
    return response


def pack_html(pack: PreparationPack) -> str:
    """The self-contained HTML document the PDF is made from."""
    return render_to_string("preparation/pack_print.html", _context(pack, printing=True))


def filename(pack: PreparationPack) -> str:
    staff_id = re.sub(r"[^A-Za-z0-9_-]+", "-", pack.subject.staff_id).strip("-") or "person"
    return f"pre-supervision-{staff_id}-{pack.today:%Y-%m-%d}.pdf"


def html_to_pdf(html: str) -> bytes:
    """Render a self-contained HTML document to PDF; nothing is fetched from anywhere."""
    # Imported here: WeasyPrint loads Pango through cffi, which only this download needs.
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    no_fetching = URLFetcher(allowed_protocols=())
    stylesheet = CSS(string=PACK_CSS, url_fetcher=no_fetching)
    pdf: bytes = HTML(string=html, url_fetcher=no_fetching).write_pdf(stylesheets=[stylesheet])
    return pdf
