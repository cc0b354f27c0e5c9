"""Imports, write side for the case system's export: a child's worker, status and dates, through
``child_create`` and ``child_update``, each writing its audit row; ``caseload_import_apply``
applies a whole file, all or nothing (see ``oversight.imports.services``). A child is known by
case-system ID only: a name in the file reaches Oversight as the child-data guard's keyed hashes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from oversight.audit.services import audit_event
from oversight.cases.models import Child
from oversight.errors import ServiceError
from oversight.organisations.models import Organisation
from oversight.people.models import Person

from .applying import UNSET, Unset, apply_plan, at_row, audit_value
from .caseload import plan_caseload
from .plan import Plan


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
    worker: Person | Unset = UNSET,
    status: str | Unset = UNSET,
    allocated: date | Unset = UNSET,
    last_seen: date | None | Unset = UNSET,
    plan_review: date | None | Unset = UNSET,
    key_dates: dict[str, str] | Unset = UNSET,
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
        if not isinstance(value, Unset)
    }
    if "status" in asked and asked["status"] not in Child.Status.values:
        raise ServiceError("status", "Choose a child status")
    with transaction.atomic():
        locked = Child.objects.select_for_update().select_related("organisation").get(pk=child.pk)
        if "worker" in asked:
            _check_worker(locked.organisation, asked["worker"])
        changed = {
            key: {"from": audit_value(getattr(locked, key)), "to": audit_value(value)}
            for key, value in asked.items()
            if audit_value(getattr(locked, key)) != audit_value(value)
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

    def apply_rows(work: Any) -> None:
        plan = work.plan
        columns = {"case_id": "Child ID", "worker": "Allocated worker ID", "status": "Status"}
        for row in work.rows:
            with at_row(plan, row, columns):
                values = {k: v for k, v in row.values.items() if k != "name_keys"}
                if row.child is None:
                    child = child_create(organisation=organisation, by=by, case_id=row.case_id, **values)
                else:
                    child = child_update(child=row.child, by=by, **values)
                if "name_keys" in row.values:
                    # The child-data guard's keyed hashes of the name (oversight.guard), never the name.
                    from oversight.guard.services import child_name_keys_set

                    child_name_keys_set(child=child, digests=set(row.values["name_keys"]), by=by)

    return apply_plan(
        organisation=organisation,
        by=by,
        filename=filename,
        expected_fingerprint=expected_fingerprint,
        plan_file=lambda: plan_caseload(organisation, data, today=today),
        apply_rows=apply_rows,
        action="import.caseload.apply",
    )
