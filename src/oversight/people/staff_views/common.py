"""What every staff-record page shares: the roles a pack knows, who may manage whose record,
where 'Back' goes, and a date field whose errors name the date it asks for."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse

from oversight.forms import GovukDateField

from ..access import _reports_below, acting_as
from ..models import Person

# Readable names for the roles every pack knows; a pack's extra roles carry their own label.
COMMON_ROLE_LABELS = {
    "student_social_worker": "Student social worker",
    "nqsw_asye": "Newly qualified social worker (ASYE)",
    "social_worker": "Social worker",
    "senior_social_worker": "Senior social worker",
    "advanced_practitioner": "Advanced practitioner",
    "family_support_worker": "Family support worker",
    "team_manager": "Team manager",
    "service_manager": "Service manager",
    "head_of_service": "Head of service",
    "business_support": "Business support",
}


def role_choices(pack: Any) -> list[tuple[str, str]]:
    """(role id, readable label) for every role the pack accepts, in the pack's order."""
    extra = {role.id: role.label for role in pack.extra_roles}
    return [
        (role, extra.get(role) or COMMON_ROLE_LABELS.get(role) or role.replace("_", " ").capitalize())
        for role in pack.roles
    ]


# --- who may ---------------------------------------------------------------------------------


def staff_standing(viewer: Person, subject: Person, on: date) -> str | None:
    """Why ``viewer`` may manage ``subject``'s staff record on ``on``: 'line management' (above
    them in line management, or above their current supervisor), 'supervisor' (their current
    supervisor: absences, hours and ASYE reviews only), or None (themselves and everyone else)."""
    if viewer.organisation_id != subject.organisation_id or viewer.pk == subject.pk:
        return None
    if any(manager.pk == viewer.pk for manager in subject.managers_above()):
        return "line management"
    standing = acting_as(viewer, subject, on)
    return standing if standing in ("line management", "supervisor") else None


def get_staff_for(viewer: Person, pk: int, on: date, *, supervisor_may: bool) -> Person:
    """Fetch-and-check in one call: the member of staff ``viewer`` may manage, or 404."""
    subject = (
        Person.objects.filter(pk=pk, organisation_id=viewer.organisation_id)
        .select_related("organisation", "team", "line_manager")
        .first()
    )
    standing = staff_standing(viewer, subject, on) if subject is not None else None
    if subject is None or standing is None or (standing == "supervisor" and not supervisor_may):
        raise Http404("No such person")
    return subject


def assignable_managers(viewer: Person) -> QuerySet[Person]:
    """Who ``viewer`` may make a new starter's line manager: themselves and anyone below them."""
    return Person.objects.filter(
        Q(pk=viewer.pk) | Q(pk__in=_reports_below(viewer)), organisation_id=viewer.organisation_id, left__isnull=True
    )


def back_link(viewer: Person, subject: Person, on: date) -> tuple[str, str]:
    """Where 'Back' goes: the supervision file where the viewer may open it, else their home page."""
    if acting_as(viewer, subject, on) is not None:
        return reverse("people:file", args=[subject.pk]), f"Back to {subject.name}'s supervision file"
    return reverse("home"), "Back to my supervision"


def page_context(viewer: Person, subject: Person, today: date, **extra: Any) -> dict[str, Any]:
    """What every staff-record page's template reads: the viewer, the subject and the way back."""
    back_url, back_text = back_link(viewer, subject, today)
    return {"me": viewer, "subject": subject, "back_url": back_url, "back_text": back_text, **extra}


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# --- dates on the forms ------------------------------------------------------------------------


class NamedDateField(GovukDateField):
    """A GOV.UK date input whose every error names the date it asks for."""

    def __init__(self, *, noun: str, **kwargs: Any) -> None:
        self.noun = noun  # "the date they started"
        named = noun[0].upper() + noun[1:]
        kwargs["error_messages"] = {
            "required": f"Enter {noun}",
            "incomplete": f"{named} must include a day, month and year",
            **kwargs.get("error_messages", {}),
        }
        super().__init__(**kwargs)

    def compress(self, data_list: list[Any]) -> date | None:
        try:
            return super().compress(data_list)
        except forms.ValidationError as exc:
            named = self.noun[0].upper() + self.noun[1:]
            raise forms.ValidationError([m.replace("The date", named, 1) for m in exc.messages]) from None


def not_in_future(value: date | None, today: date, noun: str) -> None:
    if value is not None and value > today:
        raise forms.ValidationError(f"{noun[0].upper() + noun[1:]} must be today or in the past")
