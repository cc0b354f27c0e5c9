"""A file uploaded for import, kept server-side between its preview and its apply, so that
what is applied is exactly the file previewed (its SHA-256 is checked again on apply).

The file itself is personal data (staff, or the case system's IDs of children): the daily job
deletes it (``oversight.imports.services.uploads_purge``) once it is no longer needed, keeping
the row (name, hash, who, when, what applying it changed) as the record of the import."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from oversight.organisations.models import Organisation
from oversight.people.models import Person


class ImportUpload(models.Model):
    class Kind(models.TextChoices):
        HR = "hr", "Staff and line management (HR export)"
        CASELOAD = "caseload", "Caseload (case-system export)"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(max_length=200, blank=True, help_text="What applying it changed")
    purged_at = models.DateTimeField(null=True, blank=True, help_text="When the file's content was deleted")

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(applied_at__isnull=True) | Q(applied_at__gte=models.F("uploaded_at")),
                name="import_applied_after_upload",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.filename} (upload #{self.pk})"
