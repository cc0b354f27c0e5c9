"""Chain the audit trail: seq, prev_hash and hash on every event.

Events already in the table are chained in the order they were written (by id).
The hash function is copied here, not imported, so this migration keeps meaning
what it meant when it was written.
"""

import hashlib
import json
from datetime import UTC

from django.db import migrations, models

GENESIS_HASH = "0" * 64
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


def _hash(event, seq, prev_hash):
    content = {name: getattr(event, name) for name in CHAINED_FIELDS}
    at = event.at if event.at.tzinfo is not None else event.at.replace(tzinfo=UTC)
    content["at"] = at.astimezone(UTC).isoformat(timespec="microseconds")
    payload = {**content, "seq": seq, "prev_hash": prev_hash}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chain_existing_events(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    db = schema_editor.connection.alias
    prev_hash, batch = GENESIS_HASH, []
    for seq, event in enumerate(AuditEvent.objects.using(db).order_by("pk").iterator(chunk_size=2000), start=1):
        event.seq, event.prev_hash = seq, prev_hash
        event.hash = prev_hash = _hash(event, seq, event.prev_hash)
        batch.append(event)
        if len(batch) >= 2000:
            AuditEvent.objects.using(db).bulk_update(batch, ["seq", "prev_hash", "hash"])
            batch = []
    AuditEvent.objects.using(db).bulk_update(batch, ["seq", "prev_hash", "hash"])


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditevent", name="seq", field=models.PositiveBigIntegerField(null=True)
        ),
        migrations.AddField(
            model_name="auditevent", name="prev_hash", field=models.CharField(default="", max_length=64), preserve_default=False
        ),
        migrations.AddField(
            model_name="auditevent", name="hash", field=models.CharField(default="", max_length=64), preserve_default=False
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent", name="seq", field=models.PositiveBigIntegerField(unique=True)
        ),
        migrations.AlterModelOptions(name="auditevent", options={"ordering": ["seq"]}),
    ]
