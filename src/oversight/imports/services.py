"""Imports, write side. Applying a file is all or nothing: it plans the file again inside one
transaction (the organisation locked), refuses while any error remains, and makes each change
through a named service function that writes its audit row (the people app's ``person_create``,
``person_update`` and ``person_record_leaving``; this module's ``person_details_update``,
``team_create``, ``child_create`` and ``child_update``). Applying a file a second time finds
nothing to change and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any, Final

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from oversight.audit.services import audit_event
from oversight.cases.models import Child
from oversight.errors import ServiceError
from oversight.organisations.models import Organisation
from oversight.people.models import Person, Service, Team
from oversight.people.services import person_create, person_record_leaving, person_update

from .caseload import plan_caseload, redact_names
from .hr import HrPlan, HrRow, NewTeam, plan_hr
from .models import ImportUpload
from .plan import Plan, sha256_of
from .reading import MAX_BYTES, RowError, long_date


class _Unset(Enum):
    UNSET = "unset"


UNSET: Final = _Unset.UNSET


class ImportRefused(Exception):
    """Applying was refused: ``plan`` holds the errors (each at a row and a column)."""

    def __init__(self, plan: Plan):
        self.plan = plan
        super().__init__("; ".join(str(e) for e in plan.errors[:5]))


class CommandLine:
    """The actor of an import run from the command line (no member of staff signed in)."""

    pk = None

    def __init__(self, command: str):
        self.command = command

    def __str__(self) -> str:
        return f"oversight {self.command} (command line)"


def _lock_organisation(organisation: Organisation) -> None:
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()


def _audit_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Person | Team):
        return value.pk
    return value


def _refuse_unless_clean(plan: Plan, expected_fingerprint: str | None) -> None:
    if plan.errors:
        raise ImportRefused(plan)
    if expected_fingerprint is not None and expected_fingerprint != plan.fingerprint():
        plan.errors.append(
            RowError(
                None,
                "",
                "Oversight's records have changed since this file was previewed: look at the preview again "
                "and confirm what it now shows",
            )
        )
        raise ImportRefused(plan)


# --- staff --------------------------------------------------------------------------------------


def person_details_update(
    *,
    person: Person,
    by: Any,
    name: str | _Unset = UNSET,
    started: date | _Unset = UNSET,
    weekly_hours: Decimal | None | _Unset = UNSET,
) -> Person:
    """Bring a person's name, start date and weekly hours to the HR record's; returns the
    person as saved. Nothing different: no change, no event."""
    asked: dict[str, Any] = {  # field name -> the value asked for
        key: value
        for key, value in (("name", name), ("started", started), ("weekly_hours", weekly_hours))
        if not isinstance(value, _Unset)
    }
    if "name" in asked and not str(asked["name"]).strip():
        raise ServiceError("name", "Enter the name")
    hours = asked.get("weekly_hours")
    if hours is not None and not (0 <= hours <= 168):
        raise ServiceError("weekly_hours", "Weekly hours must be from 0 to 168")
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        changed = {
            key: {"from": _audit_value(getattr(locked, key)), "to": _audit_value(value)}
            for key, value in asked.items()
            if _audit_value(getattr(locked, key)) != _audit_value(value)
        }
        if not changed:
            return locked
        if "started" in changed and locked.left is not None and asked["started"] > locked.left:
            raise ServiceError(
                "started", f"The start date cannot be after {locked.name} left on {long_date(locked.left)}"
            )
        for key in changed:
            setattr(locked, key, asked[key])
        locked.save(update_fields=list(changed))
        audit_event(
            actor=by, action="person.update", obj=locked, organisation_id=locked.organisation_id, detail=changed
        )
    return locked


def team_create(*, organisation: Organisation, by: Any, name: str, service_name: str) -> Team:
    """Add a team (and its service, where the organisation has none of that name); returns it."""
    name, service_name = " ".join(name.split()), " ".join(service_name.split())
    if not name:
        raise ServiceError("team", "Enter the team's name")
    if not service_name:
        raise ServiceError("service", "Enter the service's name")
    with transaction.atomic():
        if Team.objects.filter(organisation=organisation, name__iexact=name).exists():
            raise ServiceError("team", f"There is already a team called {name}")
        service = Service.objects.filter(organisation=organisation, name__iexact=service_name).first()
        if service is None:
            service = Service.objects.create(organisation=organisation, name=service_name)
            audit_event(actor=by, action="service.create", obj=service, organisation_id=organisation.pk)
        team = Team.objects.create(organisation=organisation, service=service, name=name)
        audit_event(
            actor=by, action="team.create", obj=team, organisation_id=organisation.pk, detail={"service": service.pk}
        )
    return team


@contextmanager
def _at_row(plan: Plan, row: HrRow | Any, columns: dict[str, str]) -> Iterator[None]:
    """A service function's refusal, named at the row and column it came from."""
    try:
        yield
    except ServiceError as exc:
        field = {"line_manager": "manager"}.get(exc.field, exc.field)
        plan.errors.append(RowError(row.row, columns.get(field, field.replace("_", " ").capitalize()), exc.message))
        raise ImportRefused(plan) from None


def _depth(staff_id: str, managers: dict[str, str | None]) -> int:
    depth, current, seen = 0, managers.get(staff_id), {staff_id}
    while current is not None and current not in seen:
        seen.add(current)
        depth += 1
        current = managers.get(current)
    return depth


def hr_import_apply(
    *,
    organisation: Organisation,
    data: bytes,
    by: Any,
    filename: str = "",
    expected_fingerprint: str | None = None,
    today: date | None = None,
) -> Plan:
    """Apply an HR export: all of it or, while any row has an error, none of it (raises
    ImportRefused with the errors). Returns the plan that was applied."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _lock_organisation(organisation)
        work = plan_hr(organisation, data, today=today)
        plan = work.plan
        _refuse_unless_clean(plan, expected_fingerprint)
        if not plan.changes:
            return plan
        _apply_hr(organisation, work, by)
        audit_event(
            actor=by,
            action="import.hr.apply",
            obj=organisation,
            organisation_id=organisation.pk,
            detail={"sha256": plan.sha256, "file": filename[:200], **plan.counts()},
        )
    return plan


def _apply_hr(organisation: Organisation, work: HrPlan, by: Any) -> None:
    plan = work.plan
    teams: dict[str, Team] = {}
    for new in work.new_teams:
        teams[new.name.lower()] = team_create(organisation=organisation, by=by, name=new.name, service_name=new.service)

    def team_of(value: Any) -> Team | None:
        return teams[value.name.lower()] if isinstance(value, NewTeam) else value

    people = {p.staff_id: p for p in Person.objects.filter(organisation=organisation)}
    for row in work.rows:
        values = row.values
        with _at_row(plan, row, row.columns):
            if row.person is None:
                person = person_create(
                    organisation=organisation,
                    by=by,
                    staff_id=row.staff_id,
                    name=values["name"],
                    role=values["role"],
                    employment=values.get("employment", Person.Employment.PERMANENT),
                    team=team_of(values.get("team")),
                    line_manager=None,  # set below, managers first, once everyone exists
                    started=values["started"],
                )
                people[row.staff_id] = person
                if values.get("weekly_hours") is not None:
                    person_details_update(person=person, by=by, weekly_hours=values["weekly_hours"])
            else:
                details = {key: values[key] for key in ("name", "started", "weekly_hours") if key in values}
                person_details_update(person=people[row.staff_id], by=by, **details)
    # Managers before the people they manage: each change then meets the final tree above it,
    # so person_update's cycle check never sees a half-made circle.
    for row in sorted(work.rows, key=lambda r: _depth(r.staff_id, work.final_managers)):
        values = row.values
        changes: dict[str, Any] = {key: values[key] for key in ("role", "employment") if key in values}
        if "team" in values:
            changes["team"] = team_of(values["team"])
        if "manager" in values:
            changes["line_manager"] = people[values["manager"]] if values["manager"] else None
        with _at_row(plan, row, row.columns):
            people[row.staff_id] = person_update(person=people[row.staff_id], by=by, **changes)
    for row in work.rows:
        left = row.values.get("left")
        if left is not None and (row.person is None or row.person.left is None):
            with _at_row(plan, row, row.columns):
                person_record_leaving(person=Person.objects.get(pk=people[row.staff_id].pk), by=by, left=left)


# --- children -----------------------------------------------------------------------------------


def _check_worker(organisation: Organisation, worker: Person) -> None:
    if worker.organisation_id != organisation.pk:
        raise ServiceError("worker", "Choose a worker in your organisation")


def child_create(
    *,
    organisation: Organisation,
    by: Any,
    case_id: str,
    worker: Person,
    status: str,
    allocated: date,
    last_seen: date | None = None,
    plan_review: date | None = None,
    key_dates: dict[str, str] | None = None,
) -> Child:
    """Add a child, known by case-system ID only, to ``worker``'s caseload; returns it."""
    case_id = case_id.strip()
    if not case_id:
        raise ServiceError("case_id", "Enter the child's ID")
    if status not in Child.Status.values:
        raise ServiceError("status", "Choose a child status")
    _check_worker(organisation, worker)
    duplicate = ServiceError("case_id", f"Child ID {case_id} is already in Oversight")
    try:
        with transaction.atomic():
            if Child.objects.filter(organisation=organisation, case_id=case_id).exists():
                raise duplicate
            child = Child.objects.create(
                organisation=organisation,
                case_id=case_id,
                worker=worker,
                status=status,
                allocated=allocated,
                last_seen=last_seen,
                plan_review=plan_review,
                key_dates=key_dates or {},
            )
            audit_event(
                actor=by,
                action="child.create",
                obj=child,
                organisation_id=organisation.pk,
                detail={"worker": worker.pk, "status": status, "allocated": allocated.isoformat()},
            )
    except IntegrityError:
        raise duplicate from None
    return child


def child_update(
    *,
    child: Child,
    by: Any,
    worker: Person | _Unset = UNSET,
    status: str | _Unset = UNSET,
    allocated: date | _Unset = UNSET,
    last_seen: date | None | _Unset = UNSET,
    plan_review: date | None | _Unset = UNSET,
    key_dates: dict[str, str] | _Unset = UNSET,
) -> Child:
    """Bring a child's worker, status and dates to the case system's; returns the child as
    saved. Nothing different: no change, no event."""
    asked: dict[str, Any] = {  # field name -> the value asked for
        key: value
        for key, value in (
            ("worker", worker),
            ("status", status),
            ("allocated", allocated),
            ("last_seen", last_seen),
            ("plan_review", plan_review),
            ("key_dates", key_dates),
        )
        if not isinstance(value, _Unset)
    }
    if "status" in asked and asked["status"] not in Child.Status.values:
        raise ServiceError("status", "Choose a child status")
    with transaction.atomic():
        locked = Child.objects.select_for_update().select_related("organisation").get(pk=child.pk)
        if "worker" in asked:
            _check_worker(locked.organisation, asked["worker"])
        changed = {
            key: {"from": _audit_value(getattr(locked, key)), "to": _audit_value(value)}
            for key, value in asked.items()
            if _audit_value(getattr(locked, key)) != _audit_value(value)
        }
        if not changed:
            return locked
        for key in changed:
            setattr(locked, key, asked[key])
        locked.save(update_fields=list(changed))
        audit_event(actor=by, action="child.update", obj=locked, organisation_id=locked.organisation_id, detail=changed)
    return locked


def caseload_import_apply(
    *,
    organisation: Organisation,
    data: bytes,
    by: Any,
    filename: str = "",
    expected_fingerprint: str | None = None,
    today: date | None = None,
) -> Plan:
    """Apply a case-system export: all of it or, while any row has an error, none of it
    (raises ImportRefused with the errors). Returns the plan that was applied."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _lock_organisation(organisation)
        work = plan_caseload(organisation, data, today=today)
        plan = work.plan
        _refuse_unless_clean(plan, expected_fingerprint)
        if not plan.changes:
            return plan
        columns = {"case_id": "Child ID", "worker": "Allocated worker ID", "status": "Status"}
        for row in work.rows:
            with _at_row(plan, row, columns):
                values = {k: v for k, v in row.values.items() if k != "name_keys"}
                if row.child is None:
                    child = child_create(organisation=organisation, by=by, case_id=row.case_id, **values)
                else:
                    child = child_update(child=row.child, by=by, **values)
                if "name_keys" in row.values:
                    # The child-data guard's keyed hashes of the name (oversight.guard), never the name.
                    from oversight.guard.services import child_name_keys_set

                    child_name_keys_set(child=child, digests=set(row.values["name_keys"]), by=by)
        audit_event(
            actor=by,
            action="import.caseload.apply",
            obj=organisation,
            organisation_id=organisation.pk,
            detail={"sha256": plan.sha256, "file": filename[:200], **plan.counts()},
        )
    return plan


# --- uploads (the pages) ------------------------------------------------------------------------

APPLY = {ImportUpload.Kind.HR: hr_import_apply, ImportUpload.Kind.CASELOAD: caseload_import_apply}


def upload_store(*, organisation: Organisation, by: Person, kind: str, filename: str, data: bytes) -> ImportUpload:
    """Keep an uploaded file until it is applied; returns the upload."""
    if kind not in ImportUpload.Kind.values:
        raise ServiceError("kind", "Choose what the file is: an HR export or a caseload")
    if len(data) > MAX_BYTES:
        raise ServiceError("file", f"The file must be smaller than {MAX_BYTES // 1024 // 1024} MB")
    if not data:
        raise ServiceError("file", "The selected file is empty")
    if kind == ImportUpload.Kind.CASELOAD:
        data = redact_names(data)  # a child's name is never kept: its columns become keyed hashes
    with transaction.atomic():
        upload = ImportUpload.objects.create(
            organisation=organisation,
            kind=kind,
            filename=filename[:200],
            content=data,
            sha256=sha256_of(data),
            uploaded_by=by,
            uploaded_at=timezone.now(),
        )
        audit_event(
            actor=by,
            action="import.upload",
            obj=upload,
            organisation_id=organisation.pk,
            detail={"kind": kind, "sha256": upload.sha256, "bytes": len(data)},
        )
    return upload


def upload_apply(*, upload: ImportUpload, by: Person, sha256: str, fingerprint: str) -> Plan:
    """Apply the file kept in ``upload``, exactly as previewed: its hash and the preview's
    fingerprint must still match. Raises ImportRefused (errors) or ServiceError."""
    with transaction.atomic():
        locked = (
            ImportUpload.objects.select_for_update()
            .select_related("organisation")
            .filter(pk=upload.pk, applied_at__isnull=True)
            .first()
        )
        if locked is None:
            raise ServiceError("__all__", "This file has already been applied")
        if locked.purged_at is not None:
            raise ServiceError("__all__", purged_message(locked))
        data = bytes(locked.content)
        if sha256 != locked.sha256 or sha256_of(data) != locked.sha256:
            raise ServiceError("__all__", "This is not the file that was previewed: upload it again")
        plan = APPLY[ImportUpload.Kind(locked.kind)](
            organisation=locked.organisation,
            data=data,
            by=by,
            filename=locked.filename,
            expected_fingerprint=fingerprint,
        )
        locked.applied_at = timezone.now()
        locked.applied_by = by
        locked.summary = plan.summary()
        locked.save(update_fields=["applied_at", "applied_by", "summary"])
        audit_event(
            actor=by,
            action="import.upload.apply",
            obj=locked,
            organisation_id=locked.organisation_id,
            detail={"sha256": locked.sha256, **plan.counts()},
        )
    return plan


# --- keeping the files no longer than needed ----------------------------------------------------

#: An applied file is kept this long: time to check what it changed against the file itself.
KEEP_APPLIED: Final = timedelta(days=30)
#: A file uploaded and never applied is kept this long: time to correct the data and confirm.
KEEP_UNAPPLIED: Final = timedelta(days=7)


def purged_message(upload: ImportUpload) -> str:
    """Why an upload's file is no longer there, in the page's words."""
    assert upload.purged_at is not None
    when = long_date(timezone.localdate(upload.purged_at))
    if upload.applied_at is not None:
        return f"The file was deleted on {when}, {KEEP_APPLIED.days} days after it was applied"
    return f"The file was deleted on {when}, {KEEP_UNAPPLIED.days} days after it was uploaded without being applied: upload it again"


def uploads_purge(*, now: datetime | None = None, organisation: Organisation | None = None) -> int:
    """Delete the content of every upload past its keeping time (``KEEP_APPLIED`` after it was
    applied, ``KEEP_UNAPPLIED`` after it was uploaded if never applied), one transaction and one
    audit event each; the row stays (name, hash, who, when, summary). Returns how many."""
    now = now or timezone.now()
    due = ImportUpload.objects.filter(purged_at__isnull=True).filter(
        Q(applied_at__lt=now - KEEP_APPLIED) | Q(applied_at__isnull=True, uploaded_at__lt=now - KEEP_UNAPPLIED)
    )
    if organisation is not None:
        due = due.filter(organisation=organisation)
    purged = 0
    for pk in due.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            # Locked and checked again: an apply may have taken it since the list was read.
            upload = ImportUpload.objects.select_for_update().filter(pk=pk, purged_at__isnull=True).first()
            if upload is None:
                continue
            applied = upload.applied_at is not None
            if (upload.applied_at or upload.uploaded_at) >= now - (KEEP_APPLIED if applied else KEEP_UNAPPLIED):
                continue
            size = len(bytes(upload.content))
            upload.content = b""
            upload.purged_at = now
            upload.save(update_fields=["content", "purged_at"])
            audit_event(
                actor=None,
                acting_as="system",
                action="import.upload.purge",
                obj=upload,
                organisation_id=upload.organisation_id,
                detail={
                    "sha256": upload.sha256,
                    "bytes": size,
                    "after": "applied" if applied else "uploaded, never applied",
                    "kept_days": (KEEP_APPLIED if applied else KEEP_UNAPPLIED).days,
                },
            )
            purged += 1
    return purged
