"""The child-data guard in the access matrix (tests/test_access_matrix.py).

The check of a record for children's information (/records/<pk>/check/) shows the record's text,
confidential sections included, and acts for the person who shares and finalises it: the
supervisor who led the session (record.share in oversight.access.rules). Everyone else, the
supervisee and the line above included, gets a 404; they read the record on its own page. Here
Theo's draft record of a session with Asha names a postcode (a finding) so that a dismissal and a
share can be walked; his agreed record with Sally is finalised from the page.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from oversight.guard.models import DismissedFinding
from oversight.guard.selectors import check_record
from oversight.records.models import Record
from oversight.records.services import record_save_draft
from oversight.sessions.services import session_hold, session_schedule

from .test_access_matrix import TODAY, Probe, not_applicable

URL_TABLE: dict[str, str] = {
    "guard:check": "records: the check for children's information (view; edit: move, dismiss; share; sign: finalise)",
}


def fingerprint() -> tuple[Any, ...]:
    return (DismissedFinding.objects.count(),)


# fmt: off
def probes(w: Any) -> list[Probe]:
    p, o = w.people, w.objects
    theo, asha = p["theo"], p["asha"]
    session = session_schedule(organisation=w.cast.org, by=theo, kind="personal", supervisor=theo, supervisee=asha, date=date(2026, 3, 4))
    session_hold(session=session, by=theo, today=TODAY)
    record = Record.objects.get(session=session)
    section = next(s.id for s in w.cast.org.pack.template(record.template_id).sections if not s.signature and not s.confidential)
    record = record_save_draft(record=record, by=theo, content={section: "Asha is well. The family moved to LS6 2AB."}, expected_version=record.version)
    finding = check_record(record).findings[0]
    leads = frozenset({"theo"})
    url = f"/records/{record.pk}/check/"
    agreed = f"/records/{o['record_agreed'].pk}/check/"
    dismiss = {"step": "dismiss", "finding": finding.id, "version": record.version, "index": 1, "reason": "A venue's postcode"}
    return [
        Probe("guard:check", "guard_draft", "view", "get", url, leads, leads, "read", ("Check for children's information", "LS6 2AB")),
        Probe("guard:check", "guard_draft", "edit", "post", url, leads, leads, "write", data=dismiss),
        Probe("guard:check", "guard_draft", "share", "post", url, leads, leads, "write", data={"step": "share", "acknowledge": "yes"}),
        Probe("guard:check", "record_agreed", "view", "get", agreed, leads, leads, "read", ("Nothing found",)),
        Probe("guard:check", "record_agreed", "sign", "post", agreed, leads, leads, "write", data={"step": "finalise"}),
        *not_applicable("guard_draft", "guard:check", url, leads, {"view", "edit", "share"}),
    ]
# fmt: on
