"""Reads: when a leaver's supervision file falls due for deletion, what deleting it would
take (the same plan for ``--dry-run`` and ``--apply``), and the subject access deadline.

``retention_basis``, ``retention_due`` and ``sar_deadline`` are pure functions of dates and
the pack: no database, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from oversight.files.models import FileItem, FileItemEvent, FileItemVersion
from oversight.organisations.models import Organisation
from oversight.people.models import Absence, AsyeReview, HoursWorked, Person
from oversight.policy.clocks import add_months, is_working_day
from oversight.policy.pack import PolicyPack
from oversight.records.models import Action, Addendum, Record
from oversight.sessions.models import Session
from oversight.supervision.models import Agreement, AgreementReview, AgreementSignature, Relationship

from .models import LegalHold, SubjectAccessRequest

RECORD_CLASS = "supervision_file"
HOLDERS = {"hr": "HR"}
OVERRIDE_RULE_ID = "organisation.retention_years_override"
OVERRIDE_SOURCE = "the organisation's own setting (retention_years_override)"
NO_RULE = (
    "no retention rule in the pack: supervision files are kept until the organisation sets retention_years_override"
)


# --- the rule ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionBasis:
    """Which rule makes a leaver's supervision file due, and how long it keeps it."""

    rule_id: str
    source: str
    years: int | None = None  # an override: whole years
    pack_period: Any = None  # a pack rule: its Period
    held_by: str | None = None

    def due(self, left: date) -> date:
        if self.years is not None:
            return add_months(left, 12 * self.years)
        return self.pack_period.add_to(left)

    def describe(self) -> str:
        keep = f"{self.years} years" if self.years is not None else self.pack_period.describe()
        held = f", held by {HOLDERS.get(self.held_by, self.held_by)}" if self.held_by else ""
        return f"{RECORD_CLASS} kept {keep} after leaving{held} ({self.rule_id}, {self.source})"


def pack_retention_rule(pack: PolicyPack) -> Any:
    """The pack's rule for supervision files counted from leaving, or None."""
    return next((r for r in pack.retention if r.record_class == RECORD_CLASS and r.after == "left"), None)


def retention_basis(pack: PolicyPack, override_years: int | None) -> RetentionBasis | None:
    """The organisation's override if set, else the pack's supervision_file rule, else None
    (a pack without one keeps files until an override is set)."""
    if override_years is not None:
        return RetentionBasis(rule_id=OVERRIDE_RULE_ID, source=OVERRIDE_SOURCE, years=override_years)
    rule = pack_retention_rule(pack)
    if rule is None:
        return None
    return RetentionBasis(rule_id=rule.id, source=pack.cite(rule), pack_period=rule.keep, held_by=rule.held_by)


def retention_due(left: date, pack: PolicyPack, override_years: int | None) -> date | None:
    """The day a leaver's supervision file may be deleted (on or after it), or None if kept."""
    basis = retention_basis(pack, override_years)
    return basis.due(left) if basis is not None else None


def override_shorter_than_pack(pack: PolicyPack, override_years: int | None) -> str | None:
    """A warning when the override keeps files for less time than the pack's own rule."""
    rule = pack_retention_rule(pack)
    if override_years is None or rule is None:
        return None
    probe = date(2001, 1, 1)  # not a leap day: add_months clamps nothing here
    if add_months(probe, 12 * override_years) < rule.keep.add_to(probe):
        return (
            f"the override of {override_years} years is shorter than the pack's "
            f"{rule.keep.describe()} ({rule.id}, {pack.cite(rule)})"
        )
    return None


def sar_deadline(received: date) -> date:
    """One calendar month from receipt (the month's last day where the same day does not
    exist), moved to the next working day where it falls on a weekend or a bank holiday
    of England and Wales (ICO: "calculate the time limit from the day you receive it")."""
    due = add_months(received, 1)
    while not is_working_day(due):
        due += timedelta(days=1)
    return due


# --- what deleting a leaver's file takes --------------------------------------------------

# A leaver's supervision file, leaf first: each part is deleted before what it points at.
# (label, model, lookup from the model to the person whose file it is)
FILE_PARTS: tuple[tuple[str, type[models.Model], str], ...] = (
    ("file_item_events", FileItemEvent, "item__person"),  # supervision file items (oversight.files)
    ("file_item_versions", FileItemVersion, "item__person"),
    ("file_items", FileItem, "person"),
    ("addenda", Addendum, "record__session__supervisee"),
    ("actions", Action, "record__session__supervisee"),
    ("records", Record, "session__supervisee"),
    ("group_attendance", Session.attendees.through, "person"),
    ("sessions", Session, "supervisee"),
    ("agreement_signatures", AgreementSignature, "agreement__relationship__supervisee"),
    ("agreement_reviews", AgreementReview, "agreement__relationship__supervisee"),
    ("agreements", Agreement, "relationship__supervisee"),
    ("relationships", Relationship, "supervisee"),
    ("absences", Absence, "person"),
    ("hours_worked", HoursWorked, "person"),
    ("asye_reviews", AsyeReview, "person"),
    ("legal_holds", LegalHold, "person"),  # lifted ones: an active hold keeps the person out of the plan
    ("subject_access_requests", SubjectAccessRequest, "person"),
)
_OWNER = {model: lookup for _, model, lookup in FILE_PARTS}
STOPPERS = (models.PROTECT, models.RESTRICT)


def file_part(model: type[models.Model], lookup: str, owners: Iterable[int]) -> QuerySet[Any]:
    queryset = model._default_manager.filter(**{f"{lookup}__in": list(owners)})
    if model is LegalHold:
        queryset = queryset.filter(lifted_at__isnull=False)
    return queryset


def _in_files(model: type[models.Model], queryset: QuerySet[Any], owners: set[int]) -> QuerySet[Any]:
    """``queryset`` less the rows that belong to the files of ``owners`` (deleted with them)."""
    lookup = _OWNER.get(model)
    if lookup is None or not owners:
        return queryset
    if model is LegalHold:
        return queryset.exclude(**{f"{lookup}__in": owners}, lifted_at__isnull=False)
    return queryset.exclude(**{f"{lookup}__in": owners})


def _label(relation: Any) -> str:
    return f"{relation.related_model._meta.label_lower}.{relation.field.name}"


def _reverse_relations(model: type[models.Model]) -> list[Any]:
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]


@dataclass
class LeaverPlan:
    """One leaver past their period: what their file holds and whether the staff record can go."""

    person_id: int
    staff_id: str
    left: date
    due: date
    basis: RetentionBasis
    counts: dict[str, int] = field(default_factory=dict)  # what would be deleted, by class
    kept_references: dict[str, int] = field(default_factory=dict)  # rows that stay and name the person
    blocked: dict[str, int] = field(default_factory=dict)  # rows that stay and stop the file going
    unlinked: dict[str, int] = field(default_factory=dict)  # rows that stay, their link to what goes emptied
    after: set[int] = field(default_factory=set)  # due leavers whose files name this one: they go first
    hold_since: date | None = None
    has_user: bool = False

    @property
    def person_deletable(self) -> bool:
        return not self.kept_references

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class OrganisationPlan:
    organisation: Organisation
    today: date
    basis: RetentionBasis | None
    warning: str | None = None
    leavers_kept_without_rule: int = 0  # when there is no rule: every leaver is kept
    due: list[LeaverPlan] = field(default_factory=list)  # to be deleted
    held: list[LeaverPlan] = field(default_factory=list)  # past their period, under legal hold
    kept: list[LeaverPlan] = field(default_factory=list)  # past their period, nothing more can go yet
    blocked: list[LeaverPlan] = field(default_factory=list)  # past their period, rows elsewhere stop the file

    def deletion_order(self) -> list[list[LeaverPlan]]:
        """The due leavers in the order --apply deletes them, each group in one transaction:
        a leaver named in another due leaver's file (their supervisor, say) comes after that
        leaver, so that their own staff record can go too. A cycle goes as one group."""
        remaining = {plan.person_id: plan for plan in self.due}
        groups: list[list[LeaverPlan]] = []
        while remaining:
            ready = sorted(
                (p for p in remaining.values() if not (p.after & remaining.keys())),
                key=lambda p: (p.due, p.staff_id),
            )
            if not ready:
                groups.append(sorted(remaining.values(), key=lambda p: (p.due, p.staff_id)))
                break
            for plan in ready:
                groups.append([plan])
                del remaining[plan.person_id]
        return groups


def _count_into(target: dict[str, int], label: str, queryset: QuerySet[Any]) -> None:
    count = queryset.count()
    if count:
        target[label] = target.get(label, 0) + count


def _also(model: type[models.Model]) -> str:
    """The label of rows that go by CASCADE with what is deleted (as Django's delete() counts them)."""
    return f"also {model._meta.label_lower}"


SIGN_IN_ACCOUNT = "sign-in account"


def _plan_one(person: Person, leaver: LeaverPlan, going: set[int]) -> None:
    """Fill in what deleting ``person``'s file takes, given that the files of ``going`` (every
    leaver of the organisation being deleted, this one included) are deleted in the same run."""
    own = {person.pk}
    for label, model, lookup in FILE_PARTS:
        _count_into(leaver.counts, label, file_part(model, lookup, own))
    # Rows outside every file being deleted that point at this file's rows.
    for _, model, lookup in FILE_PARTS:
        rows = file_part(model, lookup, own)
        for relation in _reverse_relations(model):
            related = relation.related_model
            pointing = _in_files(
                related, related._default_manager.filter(**{f"{relation.field.name}__in": rows}), going
            )
            if relation.on_delete in STOPPERS:
                _count_into(leaver.blocked, _label(relation), pointing)
            elif relation.on_delete is models.CASCADE:
                _count_into(leaver.counts, _also(related), pointing)
            else:
                _count_into(leaver.unlinked, _label(relation), pointing)
    # Rows that name the person. Those in other files being deleted only order the deletions;
    # the rest keep the staff record (PROTECT), go with it (CASCADE) or lose the link (SET_NULL).
    cascades: dict[str, int] = {}
    links: dict[str, int] = {}
    for relation in _reverse_relations(Person):
        related = relation.related_model
        naming = related._default_manager.filter(**{relation.field.name: person})
        if related is Person:
            naming = naming.exclude(pk__in=going)
        outside = _in_files(related, naming, own)
        elsewhere = _in_files(related, outside, going)
        if relation.on_delete in STOPPERS:
            _count_into(leaver.kept_references, _label(relation), elsewhere)
            owner = _OWNER.get(related)
            if owner is not None:
                leaver.after |= set(outside.filter(**{f"{owner}__in": going}).values_list(owner, flat=True))
        elif relation.on_delete is models.CASCADE:
            _count_into(cascades, _also(related), elsewhere)
        else:
            _count_into(links, _label(relation), elsewhere)
    leaver.after.discard(person.pk)
    if leaver.person_deletable:  # else the staff record stays, and nothing that points at it changes
        leaver.counts["person"] = 1
        if person.user_id is not None:  # closed with it: retention_apply's close_account
            leaver.counts[SIGN_IN_ACCOUNT] = 1
        for label, count in cascades.items():
            leaver.counts[label] = leaver.counts.get(label, 0) + count
        leaver.unlinked.update(links)


def retention_plan(organisation: Organisation, today: date) -> OrganisationPlan:
    """Every leaver of ``organisation`` past their period on ``today``: to delete, under legal
    hold, or with nothing more that can go. ``--dry-run`` prints this; ``--apply`` deletes it."""
    pack = organisation.pack
    basis = retention_basis(pack, organisation.retention_years_override)
    plan = OrganisationPlan(
        organisation=organisation,
        today=today,
        basis=basis,
        warning=override_shorter_than_pack(pack, organisation.retention_years_override),
    )
    if basis is None:
        plan.leavers_kept_without_rule = Person.objects.filter(organisation=organisation, left__lte=today).count()
        return plan
    people = {
        person.pk: person
        for person in Person.objects.filter(organisation=organisation, left__isnull=False, left__lte=today).order_by(
            "left", "staff_id"
        )
        if basis.due(person.left) <= today  # type: ignore[arg-type]
    }
    holds: dict[int, date] = {}
    for person_id, placed_at in (
        LegalHold.objects.filter(person_id__in=list(people), lifted_at__isnull=True)
        .order_by("placed_at")
        .values_list("person_id", "placed_at")
    ):
        holds.setdefault(person_id, timezone.localtime(placed_at).date())

    def leaver(person: Person) -> LeaverPlan:
        return LeaverPlan(
            person_id=person.pk,
            staff_id=person.staff_id,
            left=person.left,  # type: ignore[arg-type]
            due=basis.due(person.left),  # type: ignore[arg-type]
            basis=basis,
            has_user=person.user_id is not None,
        )

    for person in people.values():
        if person.pk in holds:
            held = leaver(person)
            held.hold_since = holds[person.pk]
            plan.held.append(held)
    # A file that cannot go keeps whatever it names: plan again without it until none is left.
    going = set(people) - set(holds)
    while True:
        plan.due, plan.kept, blocked = [], [], []
        for person in people.values():
            if person.pk not in going:
                continue
            one = leaver(person)
            _plan_one(person, one, going)
            if one.blocked:
                blocked.append(one)
            elif one.total:
                plan.due.append(one)
            else:
                plan.kept.append(one)
        plan.blocked += blocked
        if not blocked:
            return plan
        going -= {one.person_id for one in blocked}


def counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{label} {count}" for label, count in counts.items()) or "nothing"
