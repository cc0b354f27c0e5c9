"""Writing the audit trail. Called inside the transaction of the change it records."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from .models import AuditEvent


def audit_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    organisation_id: int | None,
    acting_as: str = "",
    outcome: str = "ok",
    purpose: str = "",
    source_ip: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        organisation_id=organisation_id,
        at=timezone.now(),
        actor_id=getattr(actor, "pk", None),
        actor_label=str(actor) if actor is not None else "system",
        acting_as=acting_as,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=str(obj)[:300],
        outcome=outcome,
        purpose=purpose,
        source_ip=source_ip,
        detail=detail or {},
    )
