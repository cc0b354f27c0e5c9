"""Keeping uploaded files no longer than needed: ``uploads_purge`` deletes the content of every
upload past its keeping time (``KEEP_APPLIED``, ``KEEP_UNAPPLIED``), and ``purged_message`` says
on the page why a file is no longer there. The upload's row stays (name, hash, who, when, summary).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from oversight.audit.services import audit_event
from oversight.organisations.models import Organisation

from .models import ImportUpload
from .reading import long_date

#: An applied file is kept this long: time to check what it changed against the file itself.
KEEP_APPLIED: Final = timedelta(days=30)
#: A file uploaded and never applied is kept this long: time to correct the data and confirm.
KEEP_UNAPPLIED: Final = timedelta(days=7)


def purged_message(upload: ImportUpload) -> str:
    """Why an upload's file is no longer there, in the page's words."""
    assert upload.purged_at is not None
    when = long_date(timezone.localdate(upload.purged_at))
    if upload.applied_at is not None:
        return f"The file was deleted on {when}, {KEEP_APPLIED.days} days after it was applied"
    return f"The file was deleted on {when}, {KEEP_UNAPPLIED.days} days after it was uploaded without being applied: upload it again"


def uploads_purge(*, now: datetime | None = None, organisation: Organisation | None = None) -> int:
    """Delete the content of every upload past its keeping time (``KEEP_APPLIED`` after it was
    applied, ``KEEP_UNAPPLIED`` after it was uploaded if never applied), one transaction and one
    audit event each; the row stays (name, hash, who, when, summary). Returns how many."""
    now = now or timezone.now()
    due = ImportUpload.objects.filter(purged_at__isnull=True).filter(
        Q(applied_at__lt=now - KEEP_APPLIED) | Q(applied_at__isnull=True, uploaded_at__lt=now - KEEP_UNAPPLIED)
    )
    if organisation is not None:
        due = due.filter(organisation=organisation)
    purged = 0
    for pk in due.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            # Locked and checked again: an apply may have taken it since the list was read.
            upload = ImportUpload.objects.select_for_update().filter(pk=pk, purged_at__isnull=True).first()
            if upload is None:
                continue
            applied = upload.applied_at is not None
            if (upload.applied_at or upload.uploaded_at) >= now - (KEEP_APPLIED if applied else KEEP_UNAPPLIED):
                continue
            size = len(bytes(upload.content))
            upload.content = b""
            upload.purged_at = now
            upload.save(update_fields=["content", "purged_at"])
            audit_event(
                actor=None,
                acting_as="system",
                action="import.upload.purge",
                obj=upload,
                organisation_id=upload.organisation_id,
                detail={
                    "sha256": upload.sha256,
                    "bytes": size,
                    "after": "applied" if applied else "uploaded, never applied",
                    "kept_days": (KEEP_APPLIED if applied else KEEP_UNAPPLIED).days,
                },
            )
            purged += 1
    return purged
