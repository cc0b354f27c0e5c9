"""Who reads and writes the items of a supervision file: predicates over the viewer's standing
on the supervisee's file, as the one access policy (oversight.access.policy and
oversight.access.standings) gives it. Nothing here decides a standing.

Reading. Anyone with a standing on the file reads its items: the supervisee, their current
supervisors (of any kind), the line management above a current supervisor, and the read-only
standings from outside the relationship (quality assurance and HR with a stated purpose, an
inspector or an investigating officer with a live grant: Leeds 4.16). A previous supervisor
and everyone else has no standing and gets a 404.

Confidential items (self-care and wellbeing, referrals for support) are read by the supervisee
and their current supervisors only; anyone else with a standing reads them only while the
supervisee's consent to others reading the confidential content of their whole file is on
record (``oversight.access.standings.file_consent``, the consent that opens a record's
confidential sections). The line management above, quality assurance and HR included.

Writing. Each kind names who writes it (``writers``: the supervisee, a current supervisor, the
line management above) and who reviews it and takes each of its steps. Read-only standings
never write. A leaver's file is closed to writing. A closed item (an objective met, a plan
closed) is no longer edited, reviewed or stepped on.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from oversight.access import policy
from oversight.access.reach import LINE_MANAGEMENT, OVERSIGHT, SELF, SUPERVISOR, Viewer
from oversight.access.standings import file_consent, person_standing
from oversight.audit.services import audit_event
from oversight.people.models import Person

from .kinds import Kind, Step
from .models import FileItem

# The standings that write, as the kinds name them.
ROLE_OF_STANDING: dict[str, str] = {SELF: "supervisee", SUPERVISOR: "supervisor", LINE_MANAGEMENT: "line_manager"}
# The standings that read confidential items without the supervisee's consent.
IN_CONFIDENCE = frozenset({SELF, SUPERVISOR})


def role_of(standing: str | None) -> str | None:
    """'supervisee', 'supervisor', 'line_manager' or None (read only, or no standing)."""
    return ROLE_OF_STANDING.get(standing or "")


def standing_on_file(who: Viewer | Person, subject: Person, on: date | None = None) -> str | None:
    """The standing of ``who`` on ``subject``'s file, for any kind of supervision."""
    return person_standing(Viewer.of(who, on), subject)


def reads_confidential(viewer: Viewer, subject: Person, standing: str | None) -> bool:
    if standing is None:
        return False
    return standing in IN_CONFIDENCE or file_consent(subject.pk, viewer.now)


def readable_items(viewer: Viewer, subject: Person, standing: str | None) -> QuerySet[FileItem]:
    """The items of ``subject``'s file that the viewer reads (``may_read`` for each)."""
    if standing is None:
        return FileItem.objects.none()
    items = FileItem.objects.filter(person=subject, organisation_id=subject.organisation_id)
    return items if reads_confidential(viewer, subject, standing) else items.filter(confidential=False)


def may_read(viewer: Viewer, item: FileItem, standing: str | None) -> bool:
    """May the viewer, with ``standing`` on the file the item is in, read it?"""
    if standing is None:
        return False
    return not item.confidential or reads_confidential(viewer, item.person, standing)


def file_open(subject: Person, today: date) -> bool:
    """A leaver's file is kept, not added to."""
    return subject.left is None or subject.left >= today


def may_write(kind: Kind, standing: str | None, subject: Person, today: date) -> bool:
    return role_of(standing) in kind.writers and file_open(subject, today)


def may_edit(kind: Kind, item: FileItem, standing: str | None, today: date) -> bool:
    return item.closed_on is None and may_write(kind, standing, item.person, today)


def may_review(kind: Kind, item: FileItem, standing: str | None, today: date) -> bool:
    return (
        kind.reviewable
        and item.closed_on is None
        and role_of(standing) in kind.who_reviews
        and file_open(item.person, today)
    )


def may_take_step(step: Step, item: FileItem, standing: str | None, today: date) -> bool:
    taken = {event.kind for event in item.events.all()}
    return (
        item.closed_on is None
        and step.id not in taken
        and role_of(standing) in step.by
        and file_open(item.person, today)
    )


# --- fetch-and-check ---------------------------------------------------------------------------


def get_file_for(viewer: Viewer, pk: int) -> tuple[Person, str]:
    """The supervisee and the viewer's standing on their file, or 404. The read is logged by the
    policy, and quality assurance and HR are asked their purpose first."""
    return policy.get_person_for(viewer, pk, viewer.on)


def get_file_for_writing(viewer: Viewer, pk: int) -> tuple[Person, str]:
    """The supervisee and the viewer's standing on their file, if it is one that writes in
    files (the supervisee, a current supervisor, the line management above); else 404. The
    read-only standings are not asked their purpose here: they are refused either way."""
    subject = (
        Person.objects.filter(pk=pk, organisation_id__in=list(viewer.reach.organisation_ids))
        .select_related("organisation", "line_manager")
        .first()
    )
    standing = person_standing(viewer, subject) if subject is not None else None
    if subject is None or standing is None or role_of(standing) is None:
        raise Http404("No such person")
    return subject, standing


def get_item_for(
    viewer: Viewer, person_pk: int, item_pk: int, *, writing: bool = False
) -> tuple[Person, str, FileItem]:
    """The supervisee, the viewer's standing and the item, if the viewer reads it (and, with
    ``writing``, has a standing that writes); else 404, whether the item does not exist, is
    another file's, or is confidential to them."""
    subject, standing = get_file_for_writing(viewer, person_pk) if writing else get_file_for(viewer, person_pk)
    item = (
        readable_items(viewer, subject, standing)
        .filter(pk=item_pk)
        .select_related("session__supervisor", "relationship__supervisor", "previous_relationship__supervisor")
        .prefetch_related("events__by")
        .first()
    )
    if item is None:
        raise Http404("No such item")
    item.person = subject
    return subject, standing, item


def log_item_read(viewer: Viewer, subject: Person, standing: str, item: FileItem, **detail: Any) -> None:
    """Every read of an item (from a page or the API) is logged, with the purpose of a read from
    outside the relationship (asked once per file per session by the policy)."""
    if not viewer.first_time("file_item", item.pk, detail.get("version")):
        return
    audit_event(
        actor=viewer,
        action="file_item.view",
        obj=item,
        organisation_id=item.organisation_id,
        acting_as=standing,
        purpose=viewer.purpose_for(subject, standing) if standing in OVERSIGHT else "",
        detail={"person": subject.pk, "kind": item.kind, "confidential": item.confidential, **detail},
    )
