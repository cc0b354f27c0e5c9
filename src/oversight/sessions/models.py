from __future__ import annotations

from django.db import models
from django.db.models import Q

from oversight.organisations.models import Organisation
from oversight.people.models import Person


class Session(models.Model):
    """A supervision session: planned, then held or cancelled."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", "Personal / professional (1:1)"
        CASE = "case", "Case supervision"
        GROUP = "group", "Group or reflective case discussion"
        OBSERVATION = "observation", "Observation of practice"

    class Status(models.TextChoices):
        PLANNED = "planned"
        HELD = "held"
        CANCELLED = "cancelled"

    class Reason(models.TextChoices):
        SICKNESS = "sickness"
        LEAVE = "leave"
        OTHER = "other"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sessions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    supervisor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sessions_led")
    supervisee = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions_received"
    )
    attendees = models.ManyToManyField(Person, blank=True, related_name="group_sessions")
    observer = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(default=90)
    place = models.CharField(max_length=200, blank=True)
    video = models.BooleanField(default=False)
    group_model = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    cancelled_on = models.DateField(null=True, blank=True)
    cancelled_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cancel_reason = models.CharField(max_length=16, choices=Reason.choices, blank=True)
    cancel_detail = models.TextField(blank=True)
    return_to_work = models.DateField(null=True, blank=True)
    late_reason = models.TextField(
        blank=True, help_text="Why this session came later than the interval (Bristol App. 3)."
    )
    rearranged_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="cancelled") | (Q(cancelled_on__isnull=True) & Q(cancel_reason="")),
                name="only_cancelled_sessions_have_cancellation",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "date"]), models.Index(fields=["supervisee", "kind", "date"])]

    def __str__(self) -> str:
        who = self.supervisee.name if self.supervisee is not None else "group"
        return f"{self.get_kind_display()} – {who} – {self.date}"
