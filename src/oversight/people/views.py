"""The supervisor's and supervisee's home page, and the supervision file of a person."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from oversight.access import policy
from oversight.access.reach import CASE
from oversight.access.standings import person_standing
from oversight.compliance.selectors import stored_obligations
from oversight.policy.file_clocks import FILE_EVENT_LABELS
from oversight.records.models import Record
from oversight.records.services import apply_deemed_agreements, open_actions_for
from oversight.sessions.models import Session
from oversight.supervision.models import Relationship

from .access import get_person_for, visible_people
from .models import Person

STATUS_TAGS = {
    "overdue": "govuk-tag--red",
    "exceeded": "govuk-tag--red",
    "short": "govuk-tag--red",
    "needs_cover": "govuk-tag--red",
    "late": "govuk-tag--orange",
    "pending": "govuk-tag--blue",
    "upcoming": "govuk-tag--blue",
    "met": "govuk-tag--green",
    "ok": "govuk-tag--green",
    "deemed_agreed": "govuk-tag--green",
}
OPEN = {"overdue", "pending", "upcoming", "exceeded", "short", "needs_cover"}


def current_person(request: HttpRequest) -> Person:
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404("Your sign-in is not linked to a member of staff")
    return person


def explain(obligations: Any, ob: dict[str, Any]) -> dict[str, Any]:
    """An obligation with what a person needs to read it: a label, the tag colour,
    and 'why is this due' (the rule's source and the reading taken)."""
    kind = ob["kind"]
    labels = {
        "supervision": f"{ob.get('session_kind', '').capitalize()} supervision",
        "case_review": f"Case review of child {obligations.case_ids.get(ob.get('child', ''), ob.get('child', ''))}",
        "agreement": "Supervision agreement",
        "agreement_review": "Agreement review",
        "record_shared": "Record shared with the supervisee",
        "record_signed": "Record signed by both",
        "record_response": "Supervisee's answer to the record",
        "case_direction": "Case direction on the child's record",
        "rearrange": "Rearrange a cancelled session",
        "observation": "Observations of practice",
        "asye_review": f"ASYE review at {ob.get('month')} months",
        "absence_cover": "Cover while the supervisor is absent",
        "ratio": "Supervisees per supervisor",
        "file": FILE_EVENT_LABELS.get(ob.get("event_kind", ""), "Supervision file"),
    }

    def as_date(value: Any) -> date | None:
        return date.fromisoformat(value) if isinstance(value, str) else None

    return {
        **ob,
        "due_date": as_date(ob.get("due")),
        "done_date": as_date(ob.get("done")),
        "last_date": as_date(ob.get("last")),
        "label": labels.get(kind, kind),
        "tag": STATUS_TAGS.get(ob["status"], ""),
        "status_text": ob["status"].replace("_", " "),
        "why": obligations.pack.council_cite(ob["source"]),
        "reading": obligations.rule_text(ob["rule"]),
        "is_open": ob["status"] in OPEN,
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My supervision: what is due for me and for the people I supervise."""
    me = current_person(request)
    today = timezone.localdate()
    sessions_seen = policy.visible(me, "session")
    apply_deemed_agreements(organisation_id=me.organisation_id, today=today, person_id=me.pk)
    supervisees = [p for p in visible_people(me, today).select_related("team") if p.pk != me.pk]
    # Only open obligations are shown or counted here: years of met ones are not read.
    obligations = stored_obligations(
        me.organisation, today, people=[me.pk, *(p.pk for p in supervisees)], statuses=OPEN
    )
    direct = set(
        Relationship.objects.filter(supervisor=me, start__lte=today)
        .exclude(end__lt=today)
        .values_list("supervisee_id", flat=True)
    )
    week_ahead = (today + timedelta(days=7)).isoformat()
    rows: list[dict[str, Any]] = []
    for person in supervisees:
        items = [explain(obligations, ob) for ob in obligations.for_person(person)]
        open_items = [ob for ob in items if ob["is_open"]]
        rows.append(
            {
                "person": person,
                "direct": person.pk in direct,
                "overdue": sum(1 for ob in open_items if ob["status"] in ("overdue", "short", "needs_cover")),
                "due_soon": sum(
                    1
                    for ob in open_items
                    if ob["status"] in ("upcoming", "pending") and ob.get("due") and ob["due"] <= week_ahead
                ),
                "next": min((ob for ob in open_items if ob.get("due")), key=lambda ob: ob["due"], default=None),
            }
        )
    rows.sort(key=lambda r: (not r["direct"], -r["overdue"], r["person"].name))
    mine = sorted(
        (explain(obligations, ob) for ob in obligations.for_person(me)),
        key=lambda ob: (not ob["is_open"], ob.get("due") or "9999"),
    )
    context = {
        "nav_section": "home",
        "me": me,
        "today": today,
        "rows": rows,
        "mine": [ob for ob in mine if ob["is_open"]][:20],
        "to_answer": Record.objects.filter(status=Record.Status.SHARED, session__supervisee=me).select_related(
            "session"
        ),
        "to_finish": Record.objects.filter(
            status__in=[Record.Status.DRAFT, Record.Status.AGREED, Record.Status.DISPUTED],
            session__supervisor=me,
            session__in=sessions_seen,  # not a previous supervisor's, once the relationship has ended
        )
        .select_related("session__supervisee")
        .order_by("session__date")[:30],
        "upcoming": Session.objects.filter(status=Session.Status.PLANNED, date__gte=today)
        .filter(supervisor=me, pk__in=sessions_seen.values("pk"))
        .select_related("supervisee")
        .order_by("date")[:10],
        "my_actions": open_actions_for(me),
    }
    return render(request, "people/home.html", context)


@login_required
@policy.asks_purpose
def person_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A supervisee's supervision file: what is owed and why, sessions, records, actions.
    Sessions, records and actions are those the viewer may read: a supervisor for some kinds
    only sees those kinds (oversight.access.policy)."""
    viewer = policy.current_viewer(request)
    today = viewer.on
    subject, standing = get_person_for(viewer, pk, today)
    obligations = stored_obligations(subject.organisation, today, people=[subject.pk])
    items = sorted(
        (explain(obligations, ob) for ob in obligations.for_person(subject)),
        key=lambda ob: (not ob["is_open"], ob.get("due") or "9999", ob["id"]),
    )
    seen = policy.visible(viewer, "session")
    sessions = (
        seen.filter(organisation=subject.organisation, supervisee=subject)
        .select_related("supervisor", "record")
        .order_by("-date")[:40]
    )
    group_sessions = seen.filter(attendees=subject).select_related("supervisor").order_by("-date")[:10]
    readable_records = set(policy.visible(viewer, "record").filter(session__in=seen).values_list("pk", flat=True))
    # the read is logged by the policy (oversight.access.policy.check), with the purpose where one is asked
    reads_cases = person_standing(viewer, subject, CASE) is not None
    return render(
        request,
        "people/person_file.html",
        {
            "me": viewer.person or viewer,
            "subject": subject,
            "standing": standing,
            "open_items": [ob for ob in items if ob["is_open"]],
            "done_items": [ob for ob in items if not ob["is_open"]][:30],
            "relationships": Relationship.objects.filter(supervisee=subject).select_related("supervisor"),
            "sessions": sessions,
            "group_sessions": group_sessions,
            "actions": [a for a in open_actions_for(subject) if a.record_id in readable_records],
            "children": subject.caseload.order_by("case_id") if reads_cases else [],
            "can_schedule": standing in ("supervisor", "line management"),
            "readable_agreements": set(
                policy.visible(viewer, "agreement")
                .filter(relationship__supervisee=subject)
                .values_list("pk", flat=True)
            ),
        },
    )


def start(request: HttpRequest) -> HttpResponse:
    """Signed in with a staff record: my supervision. Otherwise the policy packs and a sign-in link."""
    if request.user.is_authenticated and getattr(request.user, "person", None) is not None:
        return home(request)
    from oversight.policies.views import pack_list

    return pack_list(request)
