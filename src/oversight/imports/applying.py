"""What applying an HR export and applying a caseload share: the refusal that carries the plan's
errors, the command line as an actor, the "not asked" marker of the update functions, and the
steps around a plan (lock the organisation, refuse unless clean, name a refusal at its row).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Final

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


@contextmanager
def at_row(plan: Plan, row: Any, columns: dict[str, str]) -> Iterator[None]:
    """A service function's refusal, named at the row and column it came from."""
    try:
        yield
    except ServiceError as exc:
        field = {"line_manager": "manager"}.get(exc.field, exc.field)
        plan.errors.append(RowError(row.row, columns.get(field, field.replace("_", " ").capitalize()), exc.message))
        raise ImportRefused(plan) from None
