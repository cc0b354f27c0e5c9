"""Reads for reminders: who should be told what, and why, on a given day.

The engine says what is owed and when (``obligations_for``); this module only
decides whom each obligation concerns and words it. Nothing is sent from here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from oversight.compliance.selectors import pid, stored_obligations
from oversight.organisations.models import Organisation
from oversight.people.models import Person
from oversight.sessions.models import Session
from oversight.supervision.models import Relationship

BEFORE_DUE = "before due"
OVERDUE = "overdue"
ESCALATED = "overdue: escalated to line manager"
NEEDS_COVER = "needs cover"  # absence cover has no due date to be before or after

# Engine statuses that mean "not done yet".
_OPEN = {"upcoming", "pending"}

_SESSION_KIND = {
    "personal": "personal supervision",
    "case": "case supervision",
    "group": "group supervision",
    "observation": "observation of practice",
}


@dataclass(frozen=True)
class Reminder:
    recipient: Person
    about: Person | str  # a person, or a child's case-system ID
    obligation_id: str
    kind: str
    due: date
    status: str
    what: str
    why: str
    reason: str


def long_date(day: date) -> str:
    """``3 December 2026``: no leading zero, as a letter would say it."""
    return f"{day.day} {day:%B %Y}"


def reminders_due(
    organisation: Organisation, today: date, *, ahead_days: int = 7, escalate_after_days: int = 14
) -> list[Reminder]:
    """Reminders for ``today``, sorted by recipient then due date.

    An obligation is reminded while it is open and due within ``ahead_days``
    ("before due"), or once it is overdue; when it has been overdue for more than
    ``escalate_after_days`` days the supervisor's line manager is told as well.
    """
    obligations = stored_obligations(organisation, today)
    people = {pid(p.pk): p for p in Person.objects.filter(organisation=organisation).select_related("line_manager")}
    supervisors_of: dict[str, list[Person]] = defaultdict(list)
    active = Relationship.objects.filter(organisation=organisation, start__lte=today).exclude(end__lt=today)
    for supervisor_id, supervisee_id in active.values_list("supervisor_id", "supervisee_id"):
        supervisor = people.get(pid(supervisor_id))
        key = pid(supervisee_id)
        if supervisor is not None and key is not None and supervisor not in supervisors_of[key]:
            supervisors_of[key].append(supervisor)
    session_dates = dict(
        Session.objects.filter(organisation=organisation).values_list("pk", "date")
    )  # for naming a record by its session

    reminders: dict[tuple[int, str], Reminder] = {}
    for ob in obligations.items:
        for reminder in _reminders_for(
            ob,
            today=today,
            ahead_days=ahead_days,
            escalate_after_days=escalate_after_days,
            people=people,
            supervisors_of=supervisors_of,
            session_dates=session_dates,
            case_ids=obligations.case_ids,
        ):
            person = reminder.recipient
            if person.left is not None and person.left < today:
                continue
            # One line per person per obligation: the first (most direct) reason wins.
            reminders.setdefault((person.pk, reminder.obligation_id), reminder)
    return sorted(reminders.values(), key=lambda r: (r.recipient.name, r.recipient.pk, r.due, r.obligation_id))


def _reminders_for(
    ob: dict[str, Any],
    *,
    today: date,
    ahead_days: int,
    escalate_after_days: int,
    people: dict[str | None, Person],
    supervisors_of: dict[str, list[Person]],
    session_dates: dict[int, date],
    case_ids: dict[str, str],
) -> list[Reminder]:
    if not ob.get("due"):
        return []
    due = date.fromisoformat(ob["due"])
    kind = ob["kind"]
    status = ob["status"]
    why = f"{ob['rule']}, {ob['source']}"

    if kind == "absence_cover":
        if status != "needs_cover":
            return []
        absent, supervisee = people.get(ob.get("supervisor")), people.get(ob.get("supervisee"))
        if absent is None or supervisee is None:
            return []
        what = (
            f"{supervisee.name} needs cover for supervision: {absent.name} has been absent since "
            f"{long_date(date.fromisoformat(ob['absent_from']))}"
        )
        recipients = [p for p in (absent.line_manager, supervisee) if p is not None]
        return [_make(r, supervisee, ob, due, what, why, NEEDS_COVER) for r in recipients]

    if status == "overdue":
        reason = OVERDUE
    elif status in _OPEN and today <= due <= today + timedelta(days=ahead_days):
        reason = BEFORE_DUE
    else:
        return []

    worded = _recipients_and_words(ob, people, supervisors_of, session_dates, case_ids)
    if worded is None:
        return []
    about, recipients, supervisors, subject = worded
    if reason == OVERDUE:
        days = (today - due).days
        what = f"{subject} was due on {long_date(due)} ({days} day{'s' if days != 1 else ''} overdue)"
    else:
        what = f"{subject} is due on {long_date(due)}"

    out = [_make(r, about, ob, due, what, why, reason) for r in recipients]
    if reason == OVERDUE and (today - due).days > escalate_after_days:
        for supervisor in supervisors:
            if supervisor.line_manager is not None:
                out.append(_make(supervisor.line_manager, about, ob, due, what, why, ESCALATED))
    return out


def _recipients_and_words(
    ob: dict[str, Any],
    people: dict[str | None, Person],
    supervisors_of: dict[str, list[Person]],
    session_dates: dict[int, date],
    case_ids: dict[str, str],
) -> tuple[Person | str, list[Person], list[Person], str] | None:
    """(about, who is told, whose line manager hears on escalation, the subject of the sentence)."""
    kind = ob["kind"]
    if kind == "supervision":
        person = people.get(ob.get("person"))
        if person is None:
            return None
        supervisors = [people[s] for s in ob.get("supervisors", ()) if s in people]
        label = _SESSION_KIND.get(ob.get("session_kind", ""), "supervision").capitalize()
        return person, [person, *supervisors], supervisors, f"{label} with {person.name}"

    if kind in ("record_shared", "record_signed", "record_response"):
        supervisor = people.get(ob.get("supervisor"))
        supervisee = people.get(ob.get("supervisee"))
        if supervisor is None:
            return None
        session_kind = _SESSION_KIND.get(ob.get("session_kind", ""), "supervision")
        session_key = str(ob.get("session") or "")[1:]  # "s12" -> "12"
        held = session_dates.get(int(session_key)) if session_key.isdigit() else None
        on = f" on {long_date(held)}" if held is not None else ""
        if kind == "record_response":
            if supervisee is None:
                return None
            subject = f"{supervisee.name}'s answer to the record of supervision with {supervisor.name}{on}"
            return supervisee, [supervisee], [supervisor], subject
        record = f"the record of the {session_kind}" + (f" with {supervisee.name}" if supervisee else "") + on
        verb = "Sharing" if kind == "record_shared" else "Signing"
        return supervisee or supervisor, [supervisor], [supervisor], f"{verb} {record}"

    if kind in ("agreement", "agreement_review"):
        supervisor = people.get(ob.get("supervisor"))
        supervisee = people.get(ob.get("supervisee"))
        if supervisor is None or supervisee is None:
            return None
        thing = "The supervision agreement" if kind == "agreement" else "The review of the supervision agreement"
        return (
            supervisee,
            [supervisee, supervisor],
            [supervisor],
            f"{thing} between {supervisor.name} and {supervisee.name}",
        )

    if kind == "case_review":
        worker = people.get(ob.get("worker"))
        if worker is None:
            return None
        supervisors = _supervisors(worker, supervisors_of)
        case_id = case_ids.get(ob.get("child", ""), ob.get("child", ""))
        return case_id, [worker, *supervisors], supervisors, f"Case review of {case_id} (worker {worker.name})"

    if kind == "asye_review":
        person = people.get(ob.get("person"))
        if person is None:
            return None
        supervisors = _supervisors(person, supervisors_of)
        return person, [person, *supervisors], supervisors, f"{person.name}'s {ob.get('month')}-month ASYE review"

    if kind == "file":
        person = people.get(ob.get("person"))
        if person is None:
            return None
        subject = _file_subject(ob.get("event_kind", ""), person)
        if ob.get("who") == "supervisors":
            # the quality loop on a supervisor: their line manager observes and audits (Leeds 4.19)
            managers = [person.line_manager] if person.line_manager is not None else []
            return person, [person, *managers], managers, subject
        supervisors = _supervisors(person, supervisors_of)
        return person, [person, *supervisors], supervisors, subject

    return None  # other kinds (case directions, rearranging, ratios, observations) are not reminded yet


_FILE_SUBJECTS = {
    "training": "{name}'s supervision training refresher",
    "supervision_observed": "The observation of {name}'s supervision",
    "file_audit": "The audit of {name}'s supervision files",
    "self_care_plan": "{name}'s self-care plan",
    "self_care_review": "The review of {name}'s self-care plan",
    "objectives_set": "Setting {name}'s objectives",
}


def _file_subject(event_kind: str, person: Person) -> str:
    """A file clock (``file:<event kind>:<person>``) as the subject of a reminder's sentence."""
    words = _FILE_SUBJECTS.get(event_kind, "{name}'s " + event_kind.replace("_", " "))
    return words.format(name=person.name)


def _supervisors(person: Person, supervisors_of: dict[str, list[Person]]) -> list[Person]:
    """Current supervisors, else the line manager."""
    found = supervisors_of.get(pid(person.pk) or "", [])
    if found:
        return list(found)
    return [person.line_manager] if person.line_manager is not None else []


def _make(
    recipient: Person, about: Person | str, ob: dict[str, Any], due: date, what: str, why: str, reason: str
) -> Reminder:
    return Reminder(
        recipient=recipient,
        about=about,
        obligation_id=ob["id"],
        kind=ob["kind"],
        due=due,
        status=ob["status"],
        what=what,
        why=why,
        reason=reason,
    )
