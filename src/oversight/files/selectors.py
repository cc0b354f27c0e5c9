"""Reads of supervision file items: the file by part with each item's status and last review,
one item's answers as the form asked them, the preparation form for a session, and the events
the obligation engine is fed (``file_events``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch

from oversight.access.reach import Viewer
from oversight.organisations.models import Organisation
from oversight.people.models import Person
from oversight.sessions.models import Session

from .access import IN_CONFIDENCE, may_write, readable_items
from .kinds import FileKinds, Kind, Part, kinds_for
from .models import FileItem, FileItemEvent, FileItemVersion


@dataclass
class Answer:
    label: str
    text: str = ""
    lines: list[str] = field(default_factory=list)


@dataclass
class ItemRow:
    item: FileItem
    kind: Kind | None
    label: str
    status: str
    tag: str  # a GOV.UK tag colour class, or ""
    last_review: FileItemEvent | None
    review_due: date | None
    summary: str


@dataclass
class PartRows:
    part: Part
    rows: list[ItemRow]
    can_add: list[Kind]
    more: int = 0  # rows left off a shortened list


def answers(kind: Kind | None, content: dict[str, Any]) -> list[Answer]:
    """The item's answers in the order the form asks them, labelled as the form labels them
    (questions no longer on the council's form keep their id as a label)."""
    shown: list[Answer] = []
    known = [f.id for f in kind.fields] if kind is not None else []
    for key in [*known, *(k for k in content if k not in known)]:
        if key not in content:
            continue
        question = kind.field(key) if kind is not None else None
        label = question.label if question is not None else key.replace("_", " ").capitalize()
        value = content[key]
        if isinstance(value, list):
            shown.append(Answer(label=label, lines=[str(v) for v in value]))
        elif question is not None and question.type == "date":
            shown.append(Answer(label=label, text=_long(date.fromisoformat(value))))
        elif question is not None and question.type == "choice":
            shown.append(Answer(label=label, text=question.choice_label(str(value))))
        else:
            shown.append(Answer(label=label, text=str(value)))
    return shown


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _summary(content: dict[str, Any], kind: Kind | None = None, limit: int = 90) -> str:
    """The start of the first answer, in the order the form asks (PostgreSQL's jsonb keeps
    no key order, so the stored dict's order is not the form's)."""
    known = [f.id for f in kind.fields] if kind is not None else []
    for key in [*known, *(k for k in content if k not in known)]:
        if key not in content:
            continue
        value = content[key]
        text = "; ".join(value) if isinstance(value, list) else str(value)
        if text and not _is_iso_day(text):
            return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return ""


def _is_iso_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def item_row(item: FileItem, kind: Kind | None, today: date, in_confidence: bool = True) -> ItemRow:
    """What the file's list says about one item: its status, last review and next review, and
    the start of its first answer (not of a confidential item for a reader outside the
    confidence, whose reads are logged one item at a time)."""
    events = list(item.events.all())  # newest first (Meta.ordering)
    reviews = [e for e in events if e.kind == FileItemEvent.REVIEW]
    steps = [e for e in events if e.kind != FileItemEvent.REVIEW]
    last_review = reviews[0] if reviews else None
    due = None
    if kind is not None and kind.review_every is not None and item.closed_on is None:
        due = kind.review_every.add_to(last_review.on if last_review else item.on)
    step = kind.step(steps[0].kind) if kind is not None and steps else None
    if item.closed_on is not None:
        status, tag = (step.label if step else "Closed") + f" on {_long(item.closed_on)}", "govuk-tag--grey"
    elif step is not None:
        status, tag = f"{step.label} on {_long(steps[0].on)}", "govuk-tag--orange"
    elif due is not None and due < today:
        status, tag = f"Review overdue since {_long(due)}", "govuk-tag--red"
    elif due is not None:
        status, tag = f"Review due by {_long(due)}", "govuk-tag--blue"
    elif item.session is not None:
        held = item.session.status != Session.Status.PLANNED
        status = f"For the session on {_long(item.session.date)}" + (
            f" ({item.session.get_status_display().lower()})" if held else ""
        )
        tag = "" if held else "govuk-tag--blue"
    elif item.relationship is not None:
        status, tag = f"{item.relationship.supervisor.name} supervises from {_long(item.relationship.start)}", ""
    else:
        status, tag = ("Reviewed" if last_review else "Recorded"), ""
    return ItemRow(
        item=item,
        kind=kind,
        label=kind.label if kind is not None else item.kind.replace("_", " ").capitalize(),
        status=status,
        tag=tag,
        last_review=last_review,
        review_due=due,
        summary=""
        if item.relationship_id is not None or (item.confidential and not in_confidence)
        else _summary(item.content, kind),
    )


def file_by_part(viewer: Viewer, subject: Person, standing: str | None, today: date | None = None) -> list[PartRows]:
    """The items of the file the viewer reads, by part, newest first, with the kinds the
    viewer may add in each part."""
    today = today or viewer.on
    kinds: FileKinds = kinds_for(subject.organisation)
    items = list(
        readable_items(viewer, subject, standing)
        .select_related("session", "relationship__supervisor")
        .prefetch_related(Prefetch("events", queryset=FileItemEvent.objects.order_by("-on", "-pk")))
        .order_by("-on", "-pk")
    )
    parts = []
    for part, part_kinds in kinds.by_part():
        in_confidence = standing in IN_CONFIDENCE
        rows = [item_row(i, kinds.kind(i.kind), today, in_confidence) for i in items if i.part == part.id]
        addable = [k for k in part_kinds if may_write(k, standing, subject, today)]
        parts.append(PartRows(part=part, rows=rows, can_add=addable))
    return parts


def preparation_for(viewer: Viewer, subject: Person, standing: str | None, session: Session | None) -> FileItem | None:
    """The latest preparation form the viewer reads for ``session``; with no session, the
    latest not linked to any."""
    kinds = kinds_for(subject.organisation)
    preparing = [k.id for k in kinds.kinds if k.links_session]
    items = readable_items(viewer, subject, standing).filter(kind__in=preparing)
    items = items.filter(session=session) if session is not None else items.filter(session__isnull=True)
    return items.select_related("created_by", "updated_by").order_by("-updated_at", "-pk").first()


def file_events(organisation: Organisation, people: list[int] | None = None) -> list[dict[str, Any]]:
    """What the obligation engine needs from the files of ``organisation`` (of ``people`` only,
    if given): {"person", "kind", "date"} with kind "self_care_plan" (a self-care plan or
    Wellness Action Plan written), "self_care_review" (one reviewed) and "objectives_set"
    (objectives written, changed or reviewed). Sorted by person, date and kind."""
    kinds = kinds_for(organisation)
    plans = [k.id for k in kinds.kinds if k.event == "self_care_plan"]
    objectives = [k.id for k in kinds.kinds if k.event == "objectives_set"]
    items = FileItem.objects.filter(organisation=organisation, kind__in=[*plans, *objectives])
    if people is not None:
        items = items.filter(person_id__in=people)
    found: set[tuple[int, str, date]] = set()
    for person, kind, on in items.values_list("person_id", "kind", "on"):
        found.add((person, "self_care_plan" if kind in plans else "objectives_set", on))
    edits = FileItemVersion.objects.filter(item__in=items.filter(kind__in=objectives), version__gt=1)
    for person, on in edits.values_list("item__person_id", "edited_on"):
        found.add((person, "objectives_set", on))
    reviews = FileItemEvent.objects.filter(item__in=items, kind=FileItemEvent.REVIEW)
    for person, kind, on in reviews.values_list("item__person_id", "item__kind", "on"):
        found.add((person, "self_care_review" if kind in plans else "objectives_set", on))
    return [{"person": p, "kind": k, "date": d} for p, k, d in sorted(found, key=lambda e: (e[0], e[2], e[1]))]


@dataclass
class Preparation:
    """The supervisee's preparation form as the pack and the session show it."""

    item: FileItem
    label: str
    answers: list[Answer]


def preparation_summary(
    viewer: Viewer, subject: Person, standing: str | None, session: Session | None
) -> Preparation | None:
    """The latest preparation form for ``session`` (or, with none, the latest not linked to a
    session), with its answers, if the viewer reads it."""
    item = preparation_for(viewer, subject, standing, session)
    if item is None:
        return None
    kind = kinds_for(subject.organisation).kind(item.kind)
    label = kind.label if kind is not None else item.kind.replace("_", " ").capitalize()
    return Preparation(item=item, label=label, answers=answers(kind, item.content))
