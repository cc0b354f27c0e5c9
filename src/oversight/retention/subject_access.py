"""Subject access: everything Oversight holds about a member of staff, as JSON and as a
readable HTML document and PDF, with children's data and other people's information
redacted by default, each redaction listed with its ground.

The grounds are Buckinghamshire's (Children's Services Supervision Policy, October 2024,
"Confidentiality"): serious harm, crime, legal privilege, adoption records, third-party
information. Only third-party information is found by machine: other staff members' names
(where the full name appears) and children's case-system IDs and case directions. The other
grounds need a person's judgement before the bundle is sent, and the bundle says so.
"""

from __future__ import annotations

import importlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from oversight.audit.models import AuditEvent
from oversight.cases.models import CaseReview, Child
from oversight.people.models import Person
from oversight.records.models import Action, Record
from oversight.sessions.models import Session
from oversight.supervision.models import Agreement, AgreementSignature, Relationship

from .models import LegalHold, SubjectAccessRequest

GROUNDS = (
    ("serious harm", "disclosure would be likely to cause serious harm to the physical or mental health of anyone"),
    ("crime", "disclosure would be likely to prejudice the prevention or detection of crime"),
    ("legal privilege", "the information is covered by legal professional privilege"),
    ("adoption records", "the information is in adoption records, which the law keeps confidential"),
    ("third-party information", "the information identifies another person who has not agreed to its disclosure"),
)
GROUNDS_SOURCE = "Buckinghamshire Council Children's Services Supervision Policy, October 2024, Confidentiality"
THIRD_PARTY = "third-party information"
STAFF_MARK = "[redacted: third-party information]"
CHILD_MARK = "[redacted: third-party information (child)]"
STAFF_NAME = "name of another member of staff"
CHILD_ID = "child's case-system ID"
CHILD_DIRECTION = "case direction about a child"
CHILD_SECTION = "record section about children"
REVIEW_NOTE = (
    "Redacted by machine for third-party information only: other staff members' full names and "
    "children's case-system IDs and case directions. Before it is sent, a person must read it for "
    "the other grounds (serious harm, crime, legal privilege, adoption records) and for third parties "
    "named in other ways (first names, initials, descriptions)."
)
DEADLINE_RULE = (
    "One calendar month from the day the request was received (the last day of the month where that "
    "day does not exist), moved to the next working day where it falls on a weekend or a bank holiday "
    "in England and Wales."
)

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


# The apps that keep more of a person's file, each offering ``<app>.subject_access.part(person,
# redactor)`` -> Part. An app not installed offers nothing.
SUBJECT_ACCESS_APPS: tuple[str, ...] = ("oversight.files", "oversight.quality", "oversight.surveys")


@dataclass
class Entry:
    """One thing held: a heading, its facts (label, value) and its texts (title, text)."""

    title: str
    facts: list[tuple[str, str]]
    texts: list[tuple[str, str]] = field(default_factory=list)

    def as_data(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "facts": [{"label": label, "value": value} for label, value in self.facts],
            "texts": [{"title": title, "text": text} for title, text in self.texts],
        }


@dataclass
class Part:
    """A part of the bundle from another app: its entries and the audit events about them
    (object type -> ids), which join the bundle's audit trail."""

    key: str
    title: str
    note: str
    entries: list[Entry]
    audit_objects: dict[str, list[int]] = field(default_factory=dict)

    def as_data(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "note": self.note,
            "entries": [e.as_data() for e in self.entries],
        }


def _parts(person: Person, redactor: Redactor) -> list[Part]:
    out = []
    for app in SUBJECT_ACCESS_APPS:
        if apps.is_installed(app):
            out.append(importlib.import_module(f"{app}.subject_access").part(person, redactor))
    return out


class Redactor:
    """Redacts as it goes and lists each redaction with its path, ground and what it was."""

    def __init__(self, *, subject: Person, enabled: bool) -> None:
        self.subject = subject
        self.enabled = enabled
        self.redactions: list[dict[str, str]] = []
        self._names: re.Pattern[str] | None = None
        self._children: re.Pattern[str] | None = None
        if enabled:
            names = set(
                Person.objects.filter(organisation_id=subject.organisation_id)
                .exclude(pk=subject.pk)
                .values_list("name", flat=True)
            ) - {subject.name, ""}
            case_ids = set(
                Child.objects.filter(organisation_id=subject.organisation_id).values_list("case_id", flat=True)
            )
            self._names = _alternation(names)
            self._children = _alternation(case_ids - {""})

    def _hit(self, path: str, what: str) -> str:
        self.redactions.append({"path": path, "ground": THIRD_PARTY, "what": what})
        return CHILD_MARK if what in (CHILD_ID, CHILD_DIRECTION, CHILD_SECTION) else STAFF_MARK

    def text(self, value: str | None, path: str) -> str:
        """Free text with children's case IDs and other staff members' names taken out."""
        if not value or not self.enabled:
            return value or ""
        if self._children is not None:
            value = self._children.sub(lambda _: self._hit(path, CHILD_ID), value)
        if self._names is not None:
            value = self._names.sub(lambda _: self._hit(path, STAFF_NAME), value)
        return value

    def whole(self, value: str | None, path: str, what: str) -> str:
        """A whole text that is someone else's information (a child's case direction)."""
        if not value or not self.enabled:
            return value or ""
        return self._hit(path, what)

    def child(self, case_id: str, path: str) -> str:
        return self._hit(path, CHILD_ID) if self.enabled else case_id

    def person(self, person: Person | None, path: str) -> dict[str, Any] | None:
        """A person named in the file: the subject as themselves; anyone else by role only."""
        if person is None:
            return None
        if person.pk == self.subject.pk:
            return {"name": person.name, "role": person.role_label, "is_subject": True}
        name = self._hit(f"{path}.name", STAFF_NAME) if self.enabled else person.name
        return {"name": name, "role": person.role_label, "is_subject": False}

    def who(self, person: Person | None, path: str) -> str:
        """``person`` as a line of text: 'name (role)', the name redacted unless it is the subject."""
        named = self.person(person, path)
        if named is None:
            return ""
        return f"{named['name']} ({named['role']})" if named["role"] else str(named["name"])

    def detail(self, value: Any, path: str) -> Any:
        """Every string in a JSON value through ``text``."""
        if isinstance(value, str):
            return self.text(value, path)
        if isinstance(value, list):
            return [self.detail(v, f"{path}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, dict):
            return {k: self.detail(v, f"{path}.{k}") for k, v in value.items()}
        return value


def _alternation(words: set[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    longest_first = sorted(words, key=lambda w: (-len(w), w))
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in longest_first) + r")(?!\w)")


def _sections(template: Any, content: dict[str, Any], redactor: Redactor, path: str) -> list[dict[str, Any]]:
    """A record's or agreement's sections in the template's order, then any the template no longer has."""
    known = {s.id: s for s in template.sections} if template is not None else {}
    order = [s.id for s in template.sections if s.id in content] if template is not None else []
    order += [key for key in content if key not in known]
    out = []
    for key in order:
        section = known.get(key)
        text = str(content.get(key) or "")
        where = f"{path}.{key}"
        if section is not None and section.per_child:
            text = redactor.whole(text, where, CHILD_SECTION)
        else:
            text = redactor.text(text, where)
        out.append({"id": key, "title": section.title if section is not None else key, "text": text})
    return out


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _record(record: Record, pack: Any, redactor: Redactor, path: str) -> dict[str, Any]:
    return {
        "id": record.pk,
        "template": record.template_id,
        "status": record.status,
        "shared_on": _iso(record.shared_on),
        "agreed_on": _iso(record.agreed_on),
        "agreed_by_silence": record.deemed_agreed,
        "disputed_on": _iso(record.disputed_on),
        "finalised_at": _iso(record.finalised_at),
        "sections": _sections(pack.template(record.template_id), record.content or {}, redactor, f"{path}.sections"),
        "supervisee_view": redactor.text(record.supervisee_view, f"{path}.supervisee_view"),
        "escalated_to": redactor.person(record.escalated_to, f"{path}.escalated_to"),
        "escalated_at": _iso(record.escalated_at),
        "escalation_outcome": redactor.text(record.escalation_outcome, f"{path}.escalation_outcome"),
        "actions": [
            {
                "text": redactor.text(a.text, f"{path}.actions[{i}].text"),
                "owner": redactor.person(a.owner, f"{path}.actions[{i}].owner"),
                "due": _iso(a.due),
                "works_when": redactor.text(a.works_when, f"{path}.actions[{i}].works_when"),
                "done_on": _iso(a.done_on),
            }
            for i, a in enumerate(record.actions.all())
        ],
        "addenda": [
            {
                "author": redactor.person(a.author, f"{path}.addenda[{i}].author"),
                "created_at": _iso(a.created_at),
                "reason": redactor.text(a.reason, f"{path}.addenda[{i}].reason"),
                "text": redactor.text(a.text, f"{path}.addenda[{i}].text"),
            }
            for i, a in enumerate(record.addenda.all())
        ],
    }


def _record_of(session: Session) -> Record | None:
    try:
        return session.record
    except Record.DoesNotExist:
        return None


def _session(session: Session, pack: Any, redactor: Redactor, path: str) -> dict[str, Any]:
    record = _record_of(session)
    return {
        "id": session.pk,
        "kind": session.get_kind_display(),
        "date": _iso(session.date),
        "start_time": session.start_time.isoformat(timespec="minutes") if session.start_time else None,
        "duration_minutes": session.duration_minutes,
        "place": redactor.text(session.place, f"{path}.place"),
        "video": session.video,
        "status": session.status,
        "supervisor": redactor.person(session.supervisor, f"{path}.supervisor"),
        "observer": redactor.person(session.observer, f"{path}.observer"),
        "cancelled_on": _iso(session.cancelled_on),
        "cancelled_by": redactor.person(session.cancelled_by, f"{path}.cancelled_by"),
        "cancel_reason": session.cancel_reason,
        "cancel_detail": redactor.text(session.cancel_detail, f"{path}.cancel_detail"),
        "return_to_work": _iso(session.return_to_work),
        "late_reason": redactor.text(session.late_reason, f"{path}.late_reason"),
        "record": _record(record, pack, redactor, f"{path}.record") if record is not None else None,
    }


def _audit_objects(person: Person, sessions: list[int], records: list[int], parts: list[Part]) -> Q:
    """The audit events about ``person``: their staff record and everything in their file."""
    keys: dict[str, list[int]] = {
        Person._meta.label_lower: [person.pk],
        Session._meta.label_lower: sessions,
        Record._meta.label_lower: records,
        Relationship._meta.label_lower: list(
            Relationship.objects.filter(Q(supervisee=person) | Q(supervisor=person)).values_list("pk", flat=True)
        ),
        Agreement._meta.label_lower: list(
            Agreement.objects.filter(relationship__supervisee=person).values_list("pk", flat=True)
        ),
        "people.absence": list(person.absences.values_list("pk", flat=True)),
        "people.hoursworked": list(person.hours_worked.values_list("pk", flat=True)),
        "people.asyereview": list(person.asye_reviews.values_list("pk", flat=True)),
        LegalHold._meta.label_lower: list(person.legal_holds.values_list("pk", flat=True)),
        SubjectAccessRequest._meta.label_lower: list(person.subject_access_requests.values_list("pk", flat=True)),
    }
    for part in parts:
        for object_type, ids in part.audit_objects.items():
            keys[object_type] = keys.get(object_type, []) + ids
    about = Q(pk__in=[])
    for object_type, ids in keys.items():
        if ids:
            about |= Q(object_type=object_type, object_id__in=[str(pk) for pk in ids])
    return about


def subject_access_data(
    person: Person, *, redact: bool = True, request: SubjectAccessRequest | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Everything held about ``person``, as plain JSON values, redacted unless ``redact`` is False."""
    now = now or timezone.now()
    person = Person.objects.select_related("organisation", "team", "line_manager", "user").get(pk=person.pk)
    pack = person.organisation.pack
    r = Redactor(subject=person, enabled=redact)
    roles = dict(Person.objects.filter(organisation_id=person.organisation_id).values_list("pk", "role"))

    relationships = Relationship.objects.filter(Q(supervisee=person) | Q(supervisor=person)).select_related(
        "supervisor", "supervisee"
    )
    agreements = (
        Agreement.objects.filter(relationship__supervisee=person)
        .select_related("relationship__supervisor")
        .prefetch_related("signatures__person", "reviews__by")
        .order_by("created_at", "pk")
    )
    own_sessions = list(
        Session.objects.filter(supervisee=person)
        .select_related("supervisor", "observer", "cancelled_by", "record__escalated_to")
        .prefetch_related("record__actions__owner", "record__addenda__author")
        .order_by("date", "pk")
    )
    group_sessions = list(
        person.group_sessions.select_related("supervisor", "record__escalated_to")
        .prefetch_related("attendees", "record__actions__owner", "record__addenda__author")
        .order_by("date", "pk")
    )
    session_ids = [s.pk for s in own_sessions] + [s.pk for s in group_sessions]
    record_ids = [rec.pk for rec in (_record_of(s) for s in own_sessions + group_sessions) if rec is not None]
    parts = _parts(person, r)
    events = AuditEvent.objects.filter(
        _audit_objects(person, session_ids, record_ids, parts), organisation_id=person.organisation_id
    ).order_by("seq")

    def actor(event: AuditEvent, path: str) -> dict[str, Any]:
        if event.actor_id is None:
            return {"name": event.actor_label, "role": "", "is_subject": False}
        if event.actor_id == person.pk:
            return {"name": event.actor_label, "role": person.role_label, "is_subject": True}
        role = str(roles.get(event.actor_id, "")).replace("_", " ").capitalize()
        name = r._hit(f"{path}.name", STAFF_NAME) if redact else event.actor_label
        return {"name": name, "role": role, "is_subject": False}

    user = person.user
    data: dict[str, Any] = {
        "request": {
            "id": request.pk if request is not None else None,
            "received_on": _iso(request.received_on) if request is not None else None,
            "requested_by": request.requested_by if request is not None else None,
            "deadline": _iso(request.deadline) if request is not None else None,
            "deadline_rule": DEADLINE_RULE,
            "generated_at": _iso(now),
            "redacted": redact,
        },
        "organisation": {"name": person.organisation.name, "policy": pack.id, "council": pack.council},
        "person": {
            "staff_id": person.staff_id,
            "name": person.name,
            "role": person.role_label,
            "employment": person.get_employment_display(),
            "team": person.team.name if person.team else None,
            "line_manager": r.person(person.line_manager, "person.line_manager"),
            "started": _iso(person.started),
            "left": _iso(person.left),
            "asye_start": _iso(person.asye_start),
            "weekly_hours": str(person.weekly_hours) if person.weekly_hours is not None else None,
        },
        "sign_in_account": (
            {
                "username": user.get_username(),
                "active": user.is_active,
                "joined": _iso(user.date_joined),
                "last_sign_in": _iso(user.last_login),
            }
            if user is not None
            else None
        ),
        "relationships": [
            {
                "as": "supervisee" if rel.supervisee_id == person.pk else "supervisor",
                "supervisor": r.person(rel.supervisor, f"relationships[{i}].supervisor"),
                "supervisee": r.person(rel.supervisee, f"relationships[{i}].supervisee"),
                "start": _iso(rel.start),
                "end": _iso(rel.end),
                "kinds": rel.kinds or ["all"],
                "delegated": rel.delegated,
            }
            for i, rel in enumerate(relationships)
        ],
        "agreements": [
            {
                "id": ag.pk,
                "template": ag.template_id,
                "version": ag.version,
                "created_at": _iso(ag.created_at),
                "supervisor": r.person(ag.relationship.supervisor, f"agreements[{i}].supervisor"),
                "sections": _sections(pack.template(ag.template_id), ag.content or {}, r, f"agreements[{i}].sections"),
                "signatures": [
                    {
                        "party": sig.party,
                        "by": r.person(sig.person, f"agreements[{i}].signatures[{j}].by"),
                        "signed_at": _iso(sig.signed_at),
                    }
                    for j, sig in enumerate(ag.signatures.all().order_by("signed_at", "pk"))
                ],
                "reviews": [
                    {
                        "date": _iso(rev.date),
                        "by": r.person(rev.by, f"agreements[{i}].reviews[{j}].by"),
                        "notes": r.text(rev.notes, f"agreements[{i}].reviews[{j}].notes"),
                    }
                    for j, rev in enumerate(ag.reviews.all())
                ],
            }
            for i, ag in enumerate(agreements)
        ],
        "signatures_on_other_agreements": [
            {"agreement": sig.agreement_id, "party": sig.party, "signed_at": _iso(sig.signed_at)}
            for sig in AgreementSignature.objects.filter(person=person)
            .exclude(agreement__relationship__supervisee=person)
            .order_by("signed_at", "pk")
        ],
        "sessions": [_session(s, pack, r, f"sessions[{i}]") for i, s in enumerate(own_sessions)],
        "group_sessions": [
            {
                **_session(s, pack, r, f"group_sessions[{i}]"),
                "group_model": s.group_model,
                "attendees": [
                    r.person(a, f"group_sessions[{i}].attendees[{j}]")
                    for j, a in enumerate(sorted(s.attendees.all(), key=lambda p: p.pk))
                ],
            }
            for i, s in enumerate(group_sessions)
        ],
        "sessions_led": {
            "count": Session.objects.filter(Q(supervisor=person) | Q(observer=person))
            .exclude(supervisee=person)
            .exclude(attendees=person)
            .distinct()
            .count(),
            "note": "Sessions this person led or observed in other staff members' supervision: their records "
            "are about those staff members (third-party information) and are not included.",
        },
        "actions_in_other_records": [
            {
                "text": r.text(a.text, f"actions_in_other_records[{i}].text"),
                "due": _iso(a.due),
                "done_on": _iso(a.done_on),
            }
            for i, a in enumerate(
                Action.objects.filter(owner=person)
                .exclude(record__session__supervisee=person)
                .exclude(record__session__attendees=person)
                .order_by("due", "pk")
            )
        ],
        "absences": [
            {"start": _iso(a.start), "end": _iso(a.end), "planned": a.planned}
            for a in person.absences.order_by("start", "pk")
        ],
        "hours_worked": [
            {"date": _iso(h.date), "hours": str(h.hours)} for h in person.hours_worked.order_by("date", "pk")
        ],
        "asye_reviews": [{"date": _iso(a.date)} for a in person.asye_reviews.order_by("date", "pk")],
        "caseload": [
            {
                "child": r.child(c.case_id, f"caseload[{i}].child"),
                "status": c.get_status_display(),
                "allocated": _iso(c.allocated),
            }
            for i, c in enumerate(person.caseload.order_by("allocated", "pk"))
        ],
        "case_reviews": [
            {
                "as": "gave the direction" if cr.by_id == person.pk else "entered it on the child's record",
                "date": _iso(cr.date),
                "child": r.child(cr.child.case_id, f"case_reviews[{i}].child"),
                "direction": r.whole(cr.direction, f"case_reviews[{i}].direction", CHILD_DIRECTION),
                "direction_recorded": _iso(cr.direction_recorded),
            }
            for i, cr in enumerate(
                CaseReview.objects.filter(Q(by=person) | Q(recorded_by=person))
                .select_related("child")
                .order_by("date", "pk")
            )
        ],
        "legal_holds": [
            {
                "reason": r.text(h.reason, f"legal_holds[{i}].reason"),
                "placed_by": r.person(h.placed_by, f"legal_holds[{i}].placed_by"),
                "placed_at": _iso(h.placed_at),
                "lifted_at": _iso(h.lifted_at),
            }
            for i, h in enumerate(person.legal_holds.select_related("placed_by").order_by("placed_at", "pk"))
        ],
        "subject_access_requests": [
            {
                "id": s.pk,
                "received_on": _iso(s.received_on),
                "requested_by": s.requested_by,
                "deadline": _iso(s.deadline),
                "completed_at": _iso(s.completed_at),
            }
            for s in person.subject_access_requests.order_by("received_on", "pk")
        ],
        "more": [part.as_data() for part in parts],
        "audit_events": [
            {
                "seq": e.seq,
                "at": _iso(e.at),
                "by": actor(e, f"audit_events[{i}].by"),
                "acting_as": e.acting_as,
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "object_label": r.text(e.object_label, f"audit_events[{i}].object_label"),
                "outcome": e.outcome,
                "purpose": r.text(e.purpose, f"audit_events[{i}].purpose"),
                "detail": r.detail(e.detail, f"audit_events[{i}].detail"),
            }
            for i, e in enumerate(events)
        ],
    }
    data["redaction_grounds"] = {"source": GROUNDS_SOURCE, "grounds": [{"ground": g, "meaning": m} for g, m in GROUNDS]}
    data["redactions"] = r.redactions
    data["redaction_summary"] = [
        {"section": section, "what": what, "ground": ground, "count": count}
        for (section, what, ground), count in sorted(
            Counter((_section_of(x["path"]), x["what"], x["ground"]) for x in r.redactions).items()
        )
    ]
    data["review_before_sending"] = REVIEW_NOTE if redact else "Not redacted (--no-redact): " + REVIEW_NOTE
    return data


def _section_of(path: str) -> str:
    return re.split(r"[.\[]", path, maxsplit=1)[0]


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
