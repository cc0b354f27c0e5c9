"""Legal holds, the markers deletions leave, and subject access requests."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from oversight.organisations.models import Organisation
from oversight.people.models import Person


class LegalHold(models.Model):
    """While a hold is in place (not lifted) nothing of the person is deleted, however
    long ago they left: a claim, an investigation or an inquiry needs the file."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.TextField()
    placed_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    placed_at = models.DateTimeField()
    lifted_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | Q(lifted_at__gte=F("placed_at")),
                name="legal_hold_lifted_after_placed",
            ),
        ]

    def __str__(self) -> str:  # no name: the label is copied into audit rows, which outlive the person
        return f"Legal hold #{self.pk}"

    @property
    def active(self) -> bool:
        return self.lifted_at is None


class DeletionMarker(models.Model):
    """What is left when a leaver's supervision file is deleted: no name, no staff ID, no
    dates about the person; enough to show that a deletion happened, when, under which
    rule, and how much went.

    ``staff_id_sha256`` is sha256("<organisation pk>:<staff id>"): it answers "was staff ID
    X deleted?" for someone who already knows X. It is a pseudonym, not anonymous: staff
    IDs are short, so it can be found again by trying them all.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="deletion_markers")
    former_person_id = models.BigIntegerField(db_index=True)
    staff_id_sha256 = models.CharField(max_length=64)
    counts = models.JSONField(default=dict, help_text="Rows deleted, by record class.")
    person_deleted = models.BooleanField(help_text="False when the staff record itself had to stay.")
    kept_references = models.JSONField(
        default=dict, help_text="Why the staff record stayed: rows kept elsewhere that name the person, by class."
    )
    rule_id = models.CharField(max_length=100)
    rule_source = models.CharField(max_length=200)
    deleted_at = models.DateTimeField()

    class Meta:
        ordering = ["-deleted_at", "-pk"]

    def __str__(self) -> str:
        return f"Deletion marker #{self.pk}"


class SubjectAccessRequest(models.Model):
    """A member of staff's request for everything held about them (UK GDPR Art. 15)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="subject_access_requests")
    received_on = models.DateField()
    requested_by = models.CharField(
        max_length=200, help_text="Who made the request: the member of staff, or who acts for them."
    )
    deadline = models.DateField(help_text="One calendar month from receipt, moved to the next working day.")
    started_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True, help_text="When the response was sent.")

    class Meta:
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gt=F("received_on")), name="sar_deadline_after_receipt"),
        ]

    def __str__(self) -> str:
        return f"Subject access request #{self.pk}"
