"""Everything held about a member of staff, as plain JSON values: their staff record and
account, supervision relationships, agreements, sessions and records, absences and hours,
caseload and case reviews, legal holds and requests, the other apps' parts, and the audit
trail about all of these; then the redactions made and what a person must still check."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from oversight.audit.models import AuditEvent
from oversight.cases.models import CaseReview
from oversight.people.models import Person
from oversight.records.models import Action, Record
from oversight.sessions.models import Session
from oversight.supervision.models import Agreement, AgreementSignature, Relationship

from ..models import LegalHold, SubjectAccessRequest
from .parts import Part, _parts
from .records import _iso, _record_of, _sections, _session
from .redaction import CHILD_DIRECTION, GROUNDS, GROUNDS_SOURCE, REVIEW_NOTE, STAFF_NAME, Redactor

DEADLINE_RULE = (
    "One calendar month from the day the request was received (the last day of the month where that "
    "day does not exist), moved to the next working day where it falls on a weekend or a bank holiday "
    "in England and Wales."
)


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
