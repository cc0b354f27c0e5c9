"""Writing the audit trail, and checking it has not been tampered with.

``audit_event`` is called inside the transaction of the change it records, so the
event and the change commit or roll back together. Every event joins one global
hash chain; ``verify_chain`` recomputes it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, models, router, transaction
from django.utils import timezone

from .context import current_source_ip
from .models import GENESIS_HASH, AuditEvent

logger = logging.getLogger("oversight.audit")

# pg_advisory_xact_lock key that serialises appends to the chain on PostgreSQL
# (any fixed bigint; this one spells "AUDITCHN" in ASCII).
CHAIN_LOCK_KEY = 0x4155444954434853


def _lock_chain(using: str) -> None:
    """Make this transaction the only one appending to the chain until it ends.

    PostgreSQL: a transaction-scoped advisory lock. ``SELECT ... ORDER BY seq DESC
    LIMIT 1 FOR UPDATE`` is not enough there: a waiter wakes up holding the row that
    *was* last and would reuse its seq. After the lock, the READ COMMITTED read of the
    last event sees everything committed before. SQLite has one writer at a time; the
    unique ``seq`` is the backstop everywhere (a clash fails, it never forks the chain).
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def _fit(value: str, field_name: str) -> str:
    max_length = getattr(AuditEvent._meta.get_field(field_name), "max_length", None)
    return value[:max_length] if max_length else value


def _refuse_float(text: str) -> Any:
    raise TypeError(
        f"audit detail cannot hold the number {text}: give it as a string "
        "(PostgreSQL may spell a float differently when it gives it back, which would break the hash)"
    )


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
    """Append one event to the chain and return it (with its seq and hash)."""
    using = router.db_for_write(AuditEvent)
    # Stored exactly as hashed: labels cut to their column, detail through JSON and back
    # (keys become strings, as the database would make them; floats are refused).
    event = AuditEvent(
        organisation_id=organisation_id,
        actor_id=getattr(actor, "pk", None),
        actor_label=_fit(str(actor) if actor is not None else "system", "actor_label"),
        acting_as=_fit(acting_as, "acting_as"),
        action=_fit(action, "action"),
        object_type=_fit(obj._meta.label_lower, "object_type"),
        object_id=_fit(str(obj.pk), "object_id"),
        object_label=_fit(str(obj), "object_label"),
        outcome=_fit(outcome, "outcome"),
        purpose=_fit(purpose, "purpose"),
        source_ip=_fit(source_ip or current_source_ip.get(), "source_ip"),
        detail=json.loads(json.dumps(detail or {}), parse_float=_refuse_float),
    )
    with transaction.atomic(using=using):
        _lock_chain(using)
        last = AuditEvent.objects.using(using).order_by("-seq").values_list("seq", "hash").first()
        event.seq, event.prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        event.at = timezone.now()  # after the lock, so times rise with seq
        event.hash = event.computed_hash()
        event.save(using=using, force_insert=True)
    return event


@dataclass(frozen=True)
class BrokenLink:
    """The first event where the chain does not hold, and what is wrong with it."""

    seq: int
    id: int
    problems: list[str]

    def __str__(self) -> str:
        return f"seq {self.seq} (id {self.id}): " + "; ".join(self.problems)


@dataclass(frozen=True)
class ChainReport:
    count: int
    head_seq: int
    head_hash: str
    broken: BrokenLink | None = field(default=None)

    @property
    def intact(self) -> bool:
        return self.broken is None


def _events_in_order(using: str) -> Iterator[AuditEvent]:
    return AuditEvent.objects.using(using).order_by("seq", "pk").iterator(chunk_size=2000)


def verify_chain(using: str | None = None) -> ChainReport:
    """Recompute the whole chain in seq order; report the first broken link, if any.

    Caught: an edited row (its hash no longer matches), an edited row whose hash was
    recomputed (the next row's prev_hash no longer matches), a deleted row (a gap in
    seq), a forged row (its hash or prev_hash), rows reordered (seq and id disagree,
    and the hashes cover seq). Not caught by the chain alone: the newest events
    deleted from the end, or a forger who rewrites every hash after their change;
    keep the head hash this reports somewhere else to catch those.
    """
    using = using or router.db_for_read(AuditEvent)
    expected_seq, prev_hash, prev_id, count = 1, GENESIS_HASH, 0, 0
    with transaction.atomic(using=using):  # one snapshot of the table
        for event in _events_in_order(using):
            problems = []
            if event.seq > expected_seq:
                missing = (
                    f"seq {expected_seq}" if event.seq == expected_seq + 1 else f"seq {expected_seq}-{event.seq - 1}"
                )
                problems.append(f"gap in seq: {missing} missing")
            elif event.seq < expected_seq:  # a repeated seq, or one below 1
                problems.append(f"out of order: seq {event.seq} where seq {expected_seq} was expected")
            if event.pk < prev_id:
                problems.append(f"out of order: id {event.pk} comes after id {prev_id}")
            if event.prev_hash != prev_hash:
                problems.append("prev_hash mismatch: it is not the hash of the event before")
            computed = event.computed_hash()
            if event.hash != computed:
                problems.append(f"hash mismatch: stored {event.hash[:12]}..., contents hash to {computed[:12]}...")
            if problems:
                return ChainReport(
                    count=count,
                    head_seq=expected_seq - 1,
                    head_hash=prev_hash,
                    broken=BrokenLink(event.seq, event.pk, problems),
                )
            expected_seq, prev_hash, prev_id, count = event.seq + 1, event.hash, event.pk, count + 1
    return ChainReport(count=count, head_seq=expected_seq - 1, head_hash=prev_hash)


# --- anchors: the head of the chain kept somewhere else ------------------------------------------
#
# The chain alone cannot show the newest events deleted from the end, or a forger with database
# access who rewrites every hash after their change. An anchor is the head (seq and hash) written
# down outside the database on a date: a log line, a file on other storage, a printed copy.
# ``check_anchors`` then proves the trail still holds, at each anchored seq, the hash written.


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: str  # when it was written, as written
    line: int  # its line in the anchors file, for the messages


def _anchor_text(seq: int, digest: str, at: Any) -> str:
    return f"{seq} {digest} {at.isoformat(timespec='seconds')}"


def anchor_line(report: ChainReport, at: Any) -> str:
    """The line ``oversight audit anchor`` writes: ``<seq> <hash> <ISO time>``."""
    return _anchor_text(report.head_seq, report.head_hash, at)


def head_line(at: Any, using: str | None = None) -> str | None:
    """The anchor line of the newest event as stored (no recomputation: the daily job's cheap
    copy; ``oversight audit anchor`` verifies first); None while the trail is empty."""
    using = using or router.db_for_read(AuditEvent)
    last = AuditEvent.objects.using(using).order_by("-seq").values_list("seq", "hash").first()
    if last is None:
        return None
    return _anchor_text(last[0], last[1], at)


def parse_anchors(text: str) -> list[Anchor]:
    """Anchors from a file's text, one ``<seq> <hash> [time]`` per line (blank lines and lines
    starting with # are skipped). Raises ValueError naming the first bad line."""
    anchors = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) < 2 or not parts[0].isdigit() or int(parts[0]) < 1:
            raise ValueError(f"line {number}: expected '<seq> <hash> <time>', got {line[:80]!r}")
        if len(parts[1]) != 64 or any(c not in "0123456789abcdef" for c in parts[1]):
            raise ValueError(f"line {number}: the hash must be 64 lowercase hex characters, got {parts[1][:80]!r}")
        anchors.append(Anchor(seq=int(parts[0]), hash=parts[1], at=" ".join(parts[2:]) or "(no time)", line=number))
    return anchors


def check_anchors(anchors: list[Anchor], using: str | None = None) -> list[str]:
    """What no longer matches, one sentence per anchor: an event gone, or a different hash."""
    using = using or router.db_for_read(AuditEvent)
    stored = dict(AuditEvent.objects.using(using).filter(seq__in={a.seq for a in anchors}).values_list("seq", "hash"))
    last = AuditEvent.objects.using(using).order_by("-seq").values_list("seq", flat=True).first() or 0
    problems = []
    for anchor in anchors:
        found = stored.get(anchor.seq)
        where = f"anchor on line {anchor.line} (seq {anchor.seq}, written {anchor.at})"
        if found is None:
            gone = "the trail ends before it: events deleted from the end" if anchor.seq > last else "no such event"
            problems.append(f"{where}: {gone} (the trail's last seq is {last})")
        elif found != anchor.hash:
            problems.append(
                f"{where}: the trail's hash there is {found[:12]}..., the anchor says {anchor.hash[:12]}...: "
                "the trail was rewritten"
            )
    return problems


def anchor_daily(now: Any) -> str | None:
    """The daily run's anchor: the head as stored, logged (logger ``oversight.audit``, which a
    deployment ships off the machine) and appended to ``OVERSIGHT_AUDIT_ANCHOR_FILE`` if set.
    Returns the line (None while the trail is empty). A file that cannot be written is logged
    as an error and does not stop the run."""
    from django.conf import settings

    line = head_line(now)
    if line is None:
        return None
    logger.info("audit head: %s", line)
    path = getattr(settings, "OVERSIGHT_AUDIT_ANCHOR_FILE", "")
    if path:
        try:
            with open(path, "a", encoding="utf-8") as out:
                out.write(line + "\n")
        except OSError as exc:
            logger.error("audit head not written to %s: %s", path, exc)
    return line
