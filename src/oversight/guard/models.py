"""The child-data guard's tables: children's names as keyed hashes only, and the findings a
supervisor dismissed (with the reason). No name, and no text of a finding, is ever stored."""

from __future__ import annotations

from django.db import models

from oversight.cases.models import Child
from oversight.people.models import Person
from oversight.records.models import Record

from .scanner import KIND_LABELS


class ChildNameKey(models.Model):
    """One keyed hash (HMAC-SHA256 under a key derived from SECRET_KEY, oversight.guard.keys) of a
    normalised token of a child's name, or of two adjacent tokens, from the case-system import.
    The name itself is never kept: the guard hashes the words of a record and compares."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="name_keys")
    digest = models.CharField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["child", "digest"], name="guard_unique_child_name_key")]

    def __str__(self) -> str:
        return f"name key of {self.child}"


class DismissedFinding(models.Model):
    """A finding the supervisor said is not a child's information, and why. The finding is known
    by where it is (``section``: a template section's id, or ``action:<pk>``,
    ``action:<pk>:works_when``, ``addendum:<pk>``: oversight.guard.selectors), its kind and the
    keyed hash of the matched text (never the text)."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="dismissed_findings")
    section = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=list(KIND_LABELS.items()))
    match_digest = models.CharField(max_length=32)
    reason = models.TextField()
    by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "section", "kind", "match_digest"], name="guard_dismissed_once"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="guard_dismissed_has_reason"),
        ]

    def __str__(self) -> str:
        return f"dismissed {self.kind} in {self.section} of record {self.record_id}"
