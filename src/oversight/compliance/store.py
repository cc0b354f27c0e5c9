"""Writing the obligation store (``oversight.compliance.models``).

``refresh_organisation`` recomputes every obligation of one organisation and
replaces its rows in one transaction. (Incremental refresh of the people an event
touches is built on the same row-building below.)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction

from oversight.organisations.models import Organisation

from .models import Obligation
from .selectors import obligations_for

# Engine fields that become columns; the rest stays in ``detail``.
_COLUMNS = {"id", "kind", "rule", "source", "due", "done", "status", "session_kind", "child_status"}


def _key_to_pk(value: Any, prefix: str) -> int | None:
    if isinstance(value, str) and value.startswith(prefix) and value[len(prefix) :].isdigit():
        return int(value[len(prefix) :])
    return None


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def obligation_row(organisation: Organisation, ob: dict[str, Any], as_of: date) -> Obligation:
    """One engine obligation as an unsaved ``Obligation`` row."""
    concerns = ob.get("person") or ob.get("supervisee") or ob.get("worker")
    if concerns is None and ob["kind"] == "ratio":
        concerns = ob.get("supervisor")
    return Obligation(
        organisation=organisation,
        key=ob["id"],
        kind=ob["kind"],
        rule=ob.get("rule") or "",
        source=ob.get("source") or "",
        person_id=_key_to_pk(concerns, "p"),
        supervisor_id=_key_to_pk(ob.get("supervisor"), "p"),
        session_id=_key_to_pk(ob.get("session"), "s"),
        child_id=_key_to_pk(ob.get("child"), "c"),
        case_review_id=_key_to_pk(ob["id"].split(":", 1)[1], "r") if ob["kind"] == "case_direction" else None,
        session_kind=ob.get("session_kind") or "",
        child_status=ob.get("child_status") or "",
        due=_day(ob.get("due")),
        done=_day(ob.get("done")),
        status=ob["status"],
        detail={k: v for k, v in ob.items() if k not in _COLUMNS},
        computed_on=as_of,
    )


def _rows(organisation: Organisation, obligations: Iterable[dict[str, Any]], as_of: date) -> list[Obligation]:
    return [obligation_row(organisation, ob, as_of) for ob in obligations]


@transaction.atomic
def refresh_organisation(organisation: Organisation, as_of: date) -> int:
    """Recompute every obligation of ``organisation`` as of ``as_of``; return how many rows."""
    report = obligations_for(organisation, as_of)
    rows = _rows(organisation, report.items, as_of)
    Obligation.objects.filter(organisation=organisation).delete()
    Obligation.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
