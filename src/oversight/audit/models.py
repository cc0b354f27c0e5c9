from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    """One read or change of a record. Outlives what it describes: labels are
    snapshots and no foreign key cascades."""

    organisation_id = models.BigIntegerField(null=True, db_index=True)
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True)
    actor_label = models.CharField(max_length=200)
    acting_as = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    object_label = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=32, default="ok")
    purpose = models.CharField(max_length=300, blank=True)
    source_ip = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
