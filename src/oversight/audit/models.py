from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from django.db import models

# The prev_hash of the first event: there is nothing before it.
GENESIS_HASH = "0" * 64

# What each event's hash covers besides seq and prev_hash: every field but the id
# (the database assigns it after the hash is made) and the hash itself.
CHAINED_FIELDS = (
    "organisation_id",
    "at",
    "actor_id",
    "actor_label",
    "acting_as",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "outcome",
    "purpose",
    "source_ip",
    "detail",
)


def canonical_json(value: Any) -> str:
    """One spelling for one value: sorted keys, no spaces, UTF-8 as is, no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_time(at: datetime) -> str:
    """UTC, ISO 8601, always with microseconds: what the database gives back, whatever the time zone."""
    if at.tzinfo is None:  # a naive time from the database is UTC (USE_TZ)
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def chain_hash(*, seq: int, prev_hash: str, content: dict[str, Any]) -> str:
    """sha256 (hex) of the canonical JSON of an event's content with its seq and prev_hash."""
    payload = {**content, "seq": seq, "prev_hash": prev_hash}
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


class AuditEvent(models.Model):
    """One read or change of a record. Outlives what it describes: labels are
    snapshots and no foreign key cascades.

    Append-only (database triggers refuse UPDATE and DELETE: migration 0003) and
    hash-chained: ``seq`` counts 1, 2, 3 ... without gaps, ``prev_hash`` is the hash
    of the event before, and ``hash`` covers this event's content, seq and prev_hash.
    Written only by ``oversight.audit.services.audit_event``.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
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
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"

    def chained_content(self) -> dict[str, Any]:
        """The fields the hash covers, as plain JSON values (the time in canonical form)."""
        content = {name: getattr(self, name) for name in CHAINED_FIELDS}
        content["at"] = canonical_time(self.at)
        return content

    def computed_hash(self) -> str:
        """What ``hash`` should be, recomputed from the row as it is now."""
        return chain_hash(seq=self.seq, prev_hash=self.prev_hash, content=self.chained_content())
