from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from oversight.organisations.models import Organisation
from oversight.people.models import Person


class Child(models.Model):
    """A child known by case-system ID only (LCS, EHM or Mosaic); no name is held."""

    class Status(models.TextChoices):
        CIN = "cin", "Child in need"
        CP = "cp", "Child protection"
        CLA = "cla", "Looked after"
        CLA_MATCHED = "cla_matched", "Looked after, matched and stable"
        SIXTEEN_PLUS = "sixteen_plus", "16+"
        CARE_LEAVER = "care_leaver", "Care leaver"
        EARLY_HELP = "early_help", "Early help"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="children")
    case_id = models.CharField(max_length=64, help_text="ID on the case system (LCS, EHM or Mosaic)")
    status = models.CharField(max_length=16, choices=Status.choices)
    worker = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="caseload")
    allocated = models.DateField()
    review_every_weeks = models.PositiveIntegerField(null=True, blank=True)
    rationale = models.TextField(blank=True)
    # Dates from the case system's export (oversight.imports): when the worker last saw the
    # child, the next review of the child's plan, and any other key dates by their export name.
    last_seen = models.DateField(null=True, blank=True)
    plan_review = models.DateField(null=True, blank=True, help_text="The next review of the child's plan")
    key_dates = models.JSONField(
        default=dict, blank=True, help_text="Other key dates from the case system: {name: 'YYYY-MM-DD'}"
    )

    class Meta:
        ordering = ["case_id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "case_id"], name="unique_case_id")]

    def __str__(self) -> str:
        return self.case_id


class CaseReview(models.Model):
    """A child's case discussed in supervision; the decision is a case direction,
    held here and never in the personal record."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="reviews")
    session = models.ForeignKey(
        "supervision_sessions.Session", null=True, blank=True, on_delete=models.SET_NULL, related_name="case_reviews"
    )
    date = models.DateField()
    by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    direction = models.TextField(blank=True)
    direction_recorded = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction_recorded__isnull=True) | Q(direction_recorded__gte=F("date")),
                name="direction_recorded_after_review",
            ),
        ]
