"""Imports, write side. Applying a file is all or nothing: it plans the file again inside one
transaction (the organisation locked), refuses while any error remains, and makes each change
through a named service function that writes its audit row (the people app's ``person_create``,
``person_update`` and ``person_record_leaving``; this module's ``person_details_update`` and
``team_create``; ``child_create`` and ``child_update``). Applying a file a second time finds
nothing to change and changes nothing.

This module applies HR exports and keeps the uploads between preview and apply (``upload_store``,
``upload_apply``). Caseloads are applied in ``oversight.imports.caseload_apply``, old uploads
deleted in ``oversight.imports.purge``, and what both kinds share is in
``oversight.imports.applying``; every name is importable from here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from oversight.audit.services import audit_event
from oversight.errors import ServiceError
from oversight.organisations.models import Organisation
from oversight.people.models import Person, Service, Team
from oversight.people.services import person_create, person_record_leaving, person_update

from .applying import (
    UNSET,
    CommandLine,
    ImportRefused,
    Unset,
    apply_plan,
    at_row,
    audit_value,
)
from .caseload import redact_names
from .caseload_apply import caseload_import_apply, child_create, child_update
from .hr import HrPlan, NewTeam, plan_hr
from .models import ImportUpload
from .plan import Plan, sha256_of
from .purge import KEEP_APPLIED, KEEP_UNAPPLIED, purged_message, uploads_purge
from .reading import MAX_BYTES, long_date

__all__ = [
    "APPLY",
    "KEEP_APPLIED",
    "KEEP_UNAPPLIED",
    "UNSET",
    "CommandLine",
    "ImportRefused",
    "Unset",
    "caseload_import_apply",
    "child_create",
    "child_update",
    "hr_import_apply",
    "person_details_update",
    "purged_message",
    "team_create",
    "upload_apply",
    "upload_store",
    "uploads_purge",
]


# --- staff --------------------------------------------------------------------------------------


def person_details_update(
    *,
    person: Person,
    by: Any,
    name: str | Unset = UNSET,
    started: date | Unset = UNSET,
    weekly_hours: Decimal | None | Unset = UNSET,
) -> Person:
    """Bring a person's name, start date and weekly hours to the HR record's; returns the
    person as saved. Nothing different: no change, no event."""
    asked: dict[str, Any] = {  # field name -> the value asked for
        key: value
        for key, value in (("name", name), ("started", started), ("weekly_hours", weekly_hours))
        if not isinstance(value, Unset)
    }
    if "name" in asked and not str(asked["name"]).strip():
        raise ServiceError("name", "Enter the name")
    hours = asked.get("weekly_hours")
    if hours is not None and not (0 <= hours <= 168):
        raise ServiceError("weekly_hours", "Weekly hours must be from 0 to 168")
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        changed = {
            key: {"from": audit_value(getattr(locked, key)), "to": audit_value(value)}
            for key, value in asked.items()
            if audit_value(getattr(locked, key)) != audit_value(value)
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
    return apply_plan(
        organisation=organisation,
        by=by,
        filename=filename,
        expected_fingerprint=expected_fingerprint,
        plan_file=lambda: plan_hr(organisation, data, today=today),
        apply_rows=lambda work: _apply_hr(organisation, work, by),
        action="import.hr.apply",
    )


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
        with at_row(plan, row, row.columns):
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
        with at_row(plan, row, row.columns):
            people[row.staff_id] = person_update(person=people[row.staff_id], by=by, **changes)
    for row in work.rows:
        left = row.values.get("left")
        if left is not None and (row.person is None or row.person.left is None):
            with at_row(plan, row, row.columns):
                person_record_leaving(person=Person.objects.get(pk=people[row.staff_id].pk), by=by, left=left)


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
