"""The workforce development view: each supervisor's last supervision training and when the
refresher falls due, from the council's own period (the pack's ``other_rules`` entry with topic
``training``, Leeds 4.18: at least every 5 years). A council whose policy sets no period gets
no due date: the page says so rather than invent one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet

from oversight.people.models import Person
from oversight.policy.pack import Period, PolicyPack

from .models import TrainingRecord
from .selectors import supervisee_counts

SOON = timedelta(days=90)  # "due soon": a quarter ahead, so a course can be booked


@dataclass(frozen=True)
class TrainingRule:
    """How often the council wants supervision training refreshed, with its citation."""

    id: str
    source: str
    value: str
    period: Period


def training_rule(pack: PolicyPack) -> TrainingRule | None:
    """The pack's rule on refreshing supervision training, where it sets a period: a file clock
    of kind ``training`` (the engine's, where the pack has one), else the ``other_rules`` entry
    with topic ``training``. The pack is read, never edited."""
    for clock in getattr(pack, "file_clocks", None) or ():
        if getattr(clock, "kind", None) == "training" and getattr(clock, "every", None) is not None:
            text = f"supervision training refreshed at least every {clock.every.describe()}"
            return TrainingRule(id=clock.id, source=clock.source, value=text, period=clock.every)
    for rule in pack.other_rules:
        if rule.topic == "training" and rule.period is not None:
            return TrainingRule(id=rule.id, source=rule.source, value=rule.value, period=rule.period)
    return None


@dataclass
class TrainingRow:
    person: Person
    supervisees: int
    last: TrainingRecord | None
    due: date | None
    status: str  # "overdue", "due soon", "in date", "not recorded", "no period in the policy"

    @property
    def tag(self) -> str:
        return {
            "overdue": "govuk-tag--red",
            "not recorded": "govuk-tag--orange",
            "due soon": "govuk-tag--yellow",
            "in date": "govuk-tag--green",
        }.get(self.status, "govuk-tag--grey")


def workforce_rows(people: QuerySet[Person], pack: PolicyPack, today: date) -> list[TrainingRow]:
    """One row per supervisor in ``people``: overdue first, then by due date and name."""
    supervisors = list(people.select_related("team").order_by("name"))
    ids = [p.pk for p in supervisors]
    latest: dict[int, TrainingRecord] = {}
    for record in TrainingRecord.objects.filter(person_id__in=ids).order_by("completed_on", "pk"):
        latest[record.person_id] = record
    counts = supervisee_counts(ids, today)
    rule = training_rule(pack)
    rows = []
    for person in supervisors:
        last = latest.get(person.pk)
        due = rule.period.add_to(last.completed_on) if rule is not None and last is not None else None
        if rule is None:
            status = "no period in the policy"
        elif last is None:
            status = "not recorded"
        elif due is not None and due < today:
            status = "overdue"
        elif due is not None and due <= today + SOON:
            status = "due soon"
        else:
            status = "in date"
        rows.append(TrainingRow(person, counts.get(person.pk, 0), last, due, status))
    order = {"overdue": 0, "not recorded": 1, "due soon": 2, "in date": 3}
    rows.sort(key=lambda r: (order.get(r.status, 4), r.due or date.max, r.person.name))
    return rows


CSV_HEADER = [
    "Name",
    "Staff ID",
    "Role",
    "Team",
    "Supervisees now",
    "Last supervision training",
    "Kind",
    "Course",
    "Provider",
    "Refresher due",
    "Status",
    "Rule",
]


def _safe(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def rows_as_csv(rows: Iterable[TrainingRow], rule: TrainingRule | None, council: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    cite = f"{council} {rule.source}: {rule.value}" if rule is not None else f"{council}: no period set"
    for row in rows:
        last = row.last
        writer.writerow(
            [
                _safe(row.person.name),
                _safe(row.person.staff_id),
                _safe(row.person.role_label),
                _safe(row.person.team or ""),
                row.supervisees,
                last.completed_on.isoformat() if last else "",
                last.get_kind_display() if last else "",
                _safe(last.course) if last else "",
                _safe(last.provider) if last else "",
                row.due.isoformat() if row.due else "",
                row.status,
                _safe(cite),
            ]
        )
    return out.getvalue()
