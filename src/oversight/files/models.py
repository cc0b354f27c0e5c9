"""Items of a supervisee's electronic supervision file (Leeds 4.12: the file follows the
supervisee when their supervisor changes).

- ``FileItem``: one dated item of a kind the council's file defines (oversight.files.kinds),
  its answers in ``content`` (field id -> text, ISO date, choice value or list of lines).
  ``confidential`` is copied from the kind when the item is written, so a later change to the
  council's data cannot open an item that was written in confidence.
- ``FileItemVersion``: every version of the content, the first included, with who and when:
  an edit adds a version and never overwrites one (the item's history).
- ``FileItemEvent``: a dated event on an item: a review (with its note) or a named step of the
  kind (an improvement plan escalated to HR, an objective met).

Written only through oversight.files.services, each change with its audit row. The items go
with the supervisee's staff record (CASCADE) when the retention schedule deletes it; links to
sessions and relationships are emptied (SET_NULL) if those go first, the item keeping its date.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from oversight.organisations.models import Organisation
from oversight.people.models import Person
from oversight.sessions.models import Session
from oversight.supervision.models import Relationship


class FileItem(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="file_items")
    kind = models.CharField(max_length=64)
    part = models.CharField(max_length=32)
    on = models.DateField(help_text="The date the item is about: written, referred, held.")
    content = models.JSONField(default=dict)
    confidential = models.BooleanField(default=False)
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="file_items", help_text="Preparation."
    )
    relationship = models.ForeignKey(
        Relationship,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A change of supervisor: the relationship it started.",
    )
    previous_relationship = models.ForeignKey(
        Relationship,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A change of supervisor: the relationship it ended.",
    )
    version = models.PositiveIntegerField(default=1)
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["person", "part", "kind"])]
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="file_item_version_from_one"),
            models.CheckConstraint(condition=~Q(kind=""), name="file_item_has_a_kind"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("on")), name="file_item_closed_after_it_starts"
            ),
        ]

    def __str__(self) -> str:
        return f"Supervision file item #{self.pk} ({self.kind.replace('_', ' ')})"


class FileItemVersion(models.Model):
    item = models.ForeignKey(FileItem, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    on = models.DateField(help_text="The item's date in this version.")
    content = models.JSONField(default=dict)
    by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    edited_on = models.DateField(help_text="The working day the version was written.")

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="one_row_per_file_item_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="file_item_versions_from_one"),
        ]

    def __str__(self) -> str:
        return f"Version {self.version} of file item #{self.item_id}"


class FileItemEvent(models.Model):
    REVIEW = "review"

    item = models.ForeignKey(FileItem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=64, help_text="'review', or the id of one of the kind's steps.")
    on = models.DateField()
    note = models.TextField(blank=True)
    by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="review") | ~Q(note=""), name="file_item_review_has_a_note"),
        ]

    def __str__(self) -> str:
        return f"{self.kind.replace('_', ' ').capitalize()} of file item #{self.item_id} on {self.on:%d %b %Y}"
