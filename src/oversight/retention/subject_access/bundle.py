"""The bundle as files: the data as JSON, a self-contained HTML document (its stylesheet
inside, nothing fetched) and the same document as PDF; named after the staff ID."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from oversight.people.models import Person

from ..models import SubjectAccessRequest
from .collect import subject_access_data

# The bundle's look: GOV.UK's type and colours, no external fonts or images. Put into the
# written HTML file and handed to WeasyPrint here, not in the template (tests/test_static.py).
BUNDLE_CSS = """
@page { size: A4; margin: 18mm 15mm; @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; color: #505a5f; } }
body { font-family: Arial, "Liberation Sans", "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.3; color: #0b0c0c; margin: 0 auto; max-width: 960px; padding: 0 12px; }
h1 { font-size: 18pt; margin: 0 0 6pt; }
h2 { font-size: 14pt; margin: 14pt 0 4pt; border-top: 2pt solid #1d70b8; padding-top: 4pt; }
h3 { font-size: 11pt; margin: 8pt 0 2pt; }
p { margin: 0 0 4pt; }
.section { margin: 0 0 2pt; }
.caption { color: #505a5f; font-size: 12pt; margin: 0; }
.inset { border-left: 5pt solid #b1b4b6; padding: 4pt 10pt; margin: 8pt 0; }
.warning { border-left: 5pt solid #d4351c; padding: 4pt 10pt; margin: 8pt 0; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; font-size: 8.5pt; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #b1b4b6; padding: 1.5pt 6pt 1.5pt 0; }
th { font-weight: bold; }
dl { margin: 0 0 8pt; }
dt { font-weight: bold; float: left; clear: left; width: 34%; padding: 2pt 0; }
dd { margin: 0 0 0 36%; padding: 2pt 0; border-bottom: 1px solid #f3f2f1; }
.text { white-space: pre-wrap; }
.redacted { background: #f3f2f1; }
.muted { color: #505a5f; }
.record { border-bottom: 1px solid #b1b4b6; padding-bottom: 4pt; }
"""


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


@dataclass
class Bundle:
    staff_id: str
    data: dict[str, Any]
    json: bytes
    html: str
    pdf: bytes

    def files(self) -> dict[str, tuple[bytes, str]]:
        """File name -> (content, media type)."""
        stem = bundle_stem(self.staff_id)
        return {
            f"{stem}.json": (self.json, "application/json"),
            f"{stem}.html": (self.html.encode("utf-8"), "text/html; charset=utf-8"),
            f"{stem}.pdf": (self.pdf, "application/pdf"),
        }


def bundle_stem(staff_id: str) -> str:
    return "subject-access-" + (re.sub(r"[^A-Za-z0-9_.-]+", "-", staff_id).strip("-.") or "person")


def render_html(data: dict[str, Any]) -> str:
    """The bundle as one self-contained HTML document (its stylesheet inside, nothing fetched)."""
    html = render_to_string("retention/subject_access_bundle.html", {"d": data})
    # A file to keep and send, not a page of the service: its style travels inside it.
    return html.replace("</head>", f"<style>{BUNDLE_CSS}</style>\n</head>", 1)


def html_to_pdf(html: str) -> bytes:
    """The same document as PDF; nothing is fetched from anywhere (as cases.views.html_to_pdf)."""
    from weasyprint import HTML  # type: ignore[import-untyped]
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    pdf: bytes = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()
    return pdf


def build_bundle(
    person: Person, *, redact: bool = True, request: SubjectAccessRequest | None = None, pdf: bool = True
) -> Bundle:
    data = subject_access_data(person, redact=redact, request=request)
    html = render_html(data)
    return Bundle(
        staff_id=person.staff_id,
        data=data,
        json=json.dumps(data, indent=2, ensure_ascii=False, default=_json_default).encode("utf-8"),
        html=html,
        pdf=html_to_pdf(html) if pdf else b"",
    )


def write_bundle(bundle: Bundle, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (content, _) in bundle.files().items():
        path = out / name
        path.write_bytes(content)
        written.append(path)
    return written
