"""The child-data guard in the demo: names for a few children on a team manager's supervisees'
caseloads, brought in through the case-system import (kept as keyed hashes only), and a draft
record of that team manager's that names one of them with the child's case ID in a section, and
another by name in an action, so the guard fires in both: sign in as <council>.tm1, open the draft
record and "Check for children's information"."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from oversight.cases.models import Child
from oversight.organisations.models import Organisation
from oversight.people.models import Person
from oversight.records.models import Record
from oversight.records.services import action_add, record_save_draft

# Made-up names for demo children (none is a demo member of staff's).
DEMO_CHILD_NAMES = [("Jayden", "Clarke"), ("Poppy", "Hargreaves"), ("Tyler", "Okonkwo"), ("Maisie", "Whitfield")]


def seed_demo(org: Organisation, today: date) -> Record | None:
    """Import names for four children of tm1's supervisees and plant one, with its case ID, in
    tm1's latest draft record, and another's name in an action of it. Returns the record (None
    where tm1 has no draft with a caseload)."""
    from oversight.imports.services import caseload_import_apply

    tm1 = Person.objects.filter(organisation=org, user__username=f"{org.slug}.tm1").first()
    if tm1 is None:
        return None
    record = (
        Record.objects.filter(
            session__supervisor=tm1, status=Record.Status.DRAFT, session__supervisee__caseload__isnull=False
        )
        .select_related("session__supervisee")
        .order_by("-session__date", "pk")
        .first()
    )
    supervisee = record.session.supervisee if record is not None else None
    workers = [supervisee] if supervisee is not None else list(Person.objects.filter(line_manager=tm1))
    children = list(Child.objects.filter(worker__in=workers).select_related("worker").order_by("case_id")[:4])
    if not children:
        return None
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Child ID", "Allocated worker ID", "Status", "Allocated date", "First name", "Last name"])
    for child, (first, last) in zip(children, DEMO_CHILD_NAMES, strict=False):
        writer.writerow([child.case_id, child.worker.staff_id, child.status, child.allocated.isoformat(), first, last])
    manager = tm1.line_manager or tm1
    caseload_import_apply(organisation=org, data=out.getvalue().encode(), by=manager, today=today)
    if record is None or supervisee is None:
        return None
    template = org.pack.template(record.template_id)
    section = next((s.id for s in template.sections if not s.signature and not s.per_child), None) if template else None
    if section is None:
        return None
    child = children[0]
    first, last = DEMO_CHILD_NAMES[0]
    content = dict(record.content)
    content[section] = (
        f"{content.get(section, '')} Talked about {first} {last} ({child.case_id}): {first} was upset after "
        "contact and the worker wants to increase visits. Agreed to reflect on the worker's own feelings "
        "about the contact arrangements."
    ).strip()
    record = record_save_draft(record=record, by=tm1, content=content, expected_version=record.version)
    named = DEMO_CHILD_NAMES[1][0] if len(children) > 1 else first
    action_add(
        record=record,
        by=tm1,
        text=f"Reflect on the team's duty rota. Ask {named}'s school for the attendance report before the review.",
        owner=supervisee,
        due=record.session.date + timedelta(days=14),
    )
    return record
