"""Subject access: everything Oversight holds about a member of staff, as JSON and as a
readable HTML document and PDF, with children's data and other people's information
redacted by default, each redaction listed with its ground.

The grounds are Buckinghamshire's (Children's Services Supervision Policy, October 2024,
"Confidentiality"): serious harm, crime, legal privilege, adoption records, third-party
information. Only third-party information is found by machine: other staff members' names
(where the full name appears) and children's case-system IDs and case directions. The other
grounds need a person's judgement before the bundle is sent, and the bundle says so.

The package's modules: ``redaction`` (the grounds, the marks and ``Redactor``), ``parts``
(``Entry`` and ``Part``, and the other apps' parts, ``SUBJECT_ACCESS_APPS``), ``records``
(the person's sessions and records), ``collect`` (``subject_access_data``: everything held,
with its audit trail) and ``bundle`` (JSON, HTML and PDF, ``build_bundle``, ``write_bundle``).
Everything is imported from here: ``from oversight.retention.subject_access import build_bundle``.
"""

from __future__ import annotations

from .bundle import BUNDLE_CSS, Bundle, build_bundle, bundle_stem, html_to_pdf, render_html, write_bundle
from .collect import DEADLINE_RULE, subject_access_data
from .parts import SUBJECT_ACCESS_APPS, Entry, Part
from .redaction import (
    CHILD_DIRECTION,
    CHILD_ID,
    CHILD_MARK,
    CHILD_SECTION,
    GROUNDS,
    GROUNDS_SOURCE,
    REVIEW_NOTE,
    STAFF_MARK,
    STAFF_NAME,
    THIRD_PARTY,
    Redactor,
)

__all__ = [
    "BUNDLE_CSS",
    "CHILD_DIRECTION",
    "CHILD_ID",
    "CHILD_MARK",
    "CHILD_SECTION",
    "DEADLINE_RULE",
    "GROUNDS",
    "GROUNDS_SOURCE",
    "REVIEW_NOTE",
    "STAFF_MARK",
    "STAFF_NAME",
    "SUBJECT_ACCESS_APPS",
    "THIRD_PARTY",
    "Bundle",
    "Entry",
    "Part",
    "Redactor",
    "build_bundle",
    "bundle_stem",
    "html_to_pdf",
    "render_html",
    "subject_access_data",
    "write_bundle",
]
