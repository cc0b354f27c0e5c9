"""What applying an HR export and applying a caseload share: the refusal that carries the plan's
errors, the command line as an actor, the "not asked" marker of the update functions, and the
steps around a plan (lock the organisation, refuse unless clean, name a refusal at its row).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Final

from django.db import transaction

from oversight.audit.services import audit_event
from oversight.errors import ServiceError
from oversight.organisations.models import Organisation
from oversight.people.models import Person, Team

from .plan import Plan
from .reading import RowError


class Unset(Enum):
    UNSET = "unset"


#: A keyword argument not given to an update function: that field is left as it is.
UNSET: Final = Unset.UNSET


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


def lock_organisation(organisation: Organisation) -> None:
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()


def audit_value(value: Any) -> Any:
    """``value`` as an audit row's detail holds it (a date as ISO text, a person or team by key)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Person | Team):
        return value.pk
    return value


def refuse_unless_clean(plan: Plan, expected_fingerprint: str | None) -> None:
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


def apply_plan(
    *,
    organisation: Organisation,
    by: Any,
    filename: str,
    expected_fingerprint: str | None,
    plan_file: Callable[[], Any],
    apply_rows: Callable[[Any], None],
    action: str,
) -> Plan:
    """The frame both imports apply in, one transaction: lock the organisation, plan the file
    again (``plan_file`` returns the planner's work, with its ``plan``), refuse unless it is clean
    and still what was previewed, make the changes (``apply_rows(work)``), then one audit row for
    the file (``action``). A file with nothing to change changes nothing and writes no row."""
    with transaction.atomic():
        lock_organisation(organisation)
        work = plan_file()
        plan: Plan = work.plan
        refuse_unless_clean(plan, expected_fingerprint)
        if not plan.changes:
            return plan
        apply_rows(work)
        audit_event(
            actor=by,
            action=action,
            obj=organisation,
            organisation_id=organisation.pk,
            detail={"sha256": plan.sha256, "file": filename[:200], **plan.counts()},
        )
    return plan


@contextmanager
def at_row(plan: Plan, row: Any, columns: dict[str, str]) -> Iterator[None]:
    """A service function's refusal, named at the row and column it came from."""
    try:
        yield
    except ServiceError as exc:
        field = {"line_manager": "manager"}.get(exc.field, exc.field)
        plan.errors.append(RowError(row.row, columns.get(field, field.replace("_", " ").capitalize()), exc.message))
        raise ImportRefused(plan) from None
