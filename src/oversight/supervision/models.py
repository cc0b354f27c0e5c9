from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import F, Q

from oversight.organisations.models import Organisation
from oversight.people.models import Person

ALL_KINDS = ["personal", "case", "group", "observation"]


class Relationship(models.Model):
    """Who supervises whom, for which kinds of supervision, from when to when.

    A change of supervisor ends one relationship and starts another; the
    supervision file follows the supervisee (Leeds 4.12).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="relationships")
    supervisor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="supervising")
    supervisee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="supervised_by")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    kinds = models.JSONField(default=list, help_text="Session kinds this relationship covers; empty means all.")
    delegated = models.BooleanField(
        default=False, help_text="Delegated supervision: the supervisee's line manager signs the agreement off."
    )

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="relationship_ends_after_start"
            ),
            models.CheckConstraint(condition=~Q(supervisor=F("supervisee")), name="no_self_supervision"),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} supervises {self.supervisee}"

    def is_active(self, on: date) -> bool:
        return self.start <= on and (self.end is None or self.end >= on)

    def covers(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


class Agreement(models.Model):
    """A supervision agreement on the council's template, signed by both."""

    relationship = models.ForeignKey(Relationship, on_delete=models.PROTECT, related_name="agreements")
    template_id = models.CharField(max_length=100)
    content = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]

    def signature_by(self, party: str) -> AgreementSignature | None:
        return next((s for s in self.signatures.all() if s.party == party), None)

    @property
    def signed_on(self) -> date | None:
        """The date both parties had signed (the contract's `signed`), else None."""
        dates = {s.party: s.signed_at.date() for s in self.signatures.all() if s.party in ("supervisor", "supervisee")}
        if len(dates) < 2:
            return None
        return max(dates.values())


class AgreementSignature(models.Model):
    """Each signature is a recorded act with its time."""

    class Party(models.TextChoices):
        SUPERVISOR = "supervisor"
        SUPERVISEE = "supervisee"
        LINE_MANAGER = "line_manager"

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signatures")
    party = models.CharField(max_length=16, choices=Party.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agreement", "party"], name="one_signature_per_party")]


class AgreementReview(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="reviews")
    date = models.DateField()
    by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["date"]
