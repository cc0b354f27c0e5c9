"""Anchors: the audit trail's head kept outside the database catches what the chain alone
cannot (tests/test_audit.py shows the chain's own checks): the newest events deleted from the
end, and a chain rewritten from a change onwards with every hash recomputed."""

from __future__ import annotations

import logging
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from oversight.audit.models import AuditEvent
from oversight.audit.services import anchor_daily, parse_anchors
from oversight.reminders.services import daily_job

from . import test_audit as audit
from .personas import Cast
from .test_audit import lift_triggers, raw, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast() -> Cast:
    return audit.cast.__wrapped__()


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def anchored(cast: Cast, tmp_path: Path) -> Path:
    """Six events more, anchored after the fourth and after the last."""
    anchors = tmp_path / "anchors.txt"
    for day in (2, 3, 4, 5):
        schedule(cast, day=day)
    assert run("anchor", "--append", str(anchors))[0] == 0
    for day in (6, 9):
        schedule(cast, day=day)
    code, out, _ = run("anchor", "--append", str(anchors))
    assert code == 0 and out.startswith("anchored seq 8 in ")
    return anchors


def test_anchor_prints_the_verified_head(cast: Cast) -> None:
    schedule(cast)
    code, out, _ = run("anchor")
    head = AuditEvent.objects.order_by("-seq").first()
    assert head is not None
    seq, digest, at = out.split()
    assert code == 0 and (int(seq), digest) == (head.seq, head.hash) and at.startswith("20")


def test_intact_trail_matches_its_anchors(cast: Cast, tmp_path: Path) -> None:
    anchors = anchored(cast, tmp_path)
    code, out, err = run("verify", "--anchors", str(anchors))
    assert code == 0, err
    assert "OK: 8 events, chain intact" in out and "2 anchor(s) match" in out


def test_events_deleted_from_the_end_are_caught_only_by_the_anchor(cast: Cast, tmp_path: Path) -> None:
    anchors = anchored(cast, tmp_path)
    lift_triggers()
    raw("DELETE FROM audit_auditevent WHERE seq IN (7, 8)")
    assert run("verify")[0] == 0  # the chain alone: what is left is intact
    code, out, err = run("verify", "--anchors", str(anchors))
    assert code == 1 and out == ""
    assert "BROKEN: anchor on line 2 (seq 8, written " in err
    assert "the trail ends before it: events deleted from the end (the trail's last seq is 6)" in err
    assert "it was cut or rewritten" in err


def test_a_rewritten_chain_is_caught_by_the_anchor(cast: Cast, tmp_path: Path) -> None:
    anchors = anchored(cast, tmp_path)
    lift_triggers()
    raw("UPDATE audit_auditevent SET actor_label = 'Omar Other' WHERE seq = 3")
    previous = AuditEvent.objects.get(seq=2).hash
    for event in AuditEvent.objects.filter(seq__gte=3).order_by("seq"):  # the forger recomputes every hash
        event.prev_hash = previous
        digest = event.computed_hash()
        raw("UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s", [previous, digest, event.pk])
        previous = digest
    assert run("verify")[0] == 0  # the chain alone recomputes
    code, _, err = run("verify", "--anchors", str(anchors))
    assert code == 1
    assert "anchor on line 1 (seq 6, written " in err and "the trail was rewritten" in err
    assert "anchor on line 2 (seq 8, written " in err


def test_a_bad_anchors_file_is_named(cast: Cast, tmp_path: Path) -> None:
    schedule(cast)
    bad = tmp_path / "anchors.txt"
    bad.write_text("# heads\n\n3 abc 2026-01-01\n")
    with pytest.raises(CommandError, match=r"--anchors: .*anchors.txt: line 3: the hash must be 64 lowercase hex"):
        run("verify", "--anchors", str(bad))
    with pytest.raises(CommandError, match="--anchors: cannot read"):
        run("verify", "--anchors", str(tmp_path / "missing.txt"))
    with pytest.raises(ValueError, match=r"line 1: expected '<seq> <hash> <time>'"):
        parse_anchors("seq hash\n")


def test_the_daily_run_logs_and_keeps_the_head(
    cast: Cast,
    tmp_path: Path,
    settings,
    caplog: pytest.LogCaptureFixture,  # type: ignore[no-untyped-def]
) -> None:
    schedule(cast)
    settings.OVERSIGHT_AUDIT_ANCHOR_FILE = str(tmp_path / "heads.txt")
    with caplog.at_level(logging.INFO, logger="oversight.audit"):
        summary = daily_job(today=cast.org.people.first().started)  # type: ignore[union-attr]
    line = summary["audit_head"]
    assert isinstance(line, str) and (tmp_path / "heads.txt").read_text() == line + "\n"
    assert f"audit head: {line}" in caplog.text
    assert run("verify", "--anchors", str(tmp_path / "heads.txt"))[0] == 0
    settings.OVERSIGHT_AUDIT_ANCHOR_FILE = str(tmp_path / "no-such-dir" / "heads.txt")
    with caplog.at_level(logging.ERROR, logger="oversight.audit"):
        assert anchor_daily(AuditEvent.objects.first().at) is not None  # type: ignore[union-attr]
    assert "audit head not written to" in caplog.text
