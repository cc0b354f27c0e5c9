"""The check of a record for children's information (/records/<pk>/check/): each finding in place,
in its section, action or addendum, with a one-click move to a case direction (not for an
addendum: what was agreed is never changed) and a dismissal with a reason; then share or finalise. Only the supervisor who led the session (who shares and finalises) may open it;
everyone else gets a 404 (oversight.access.policy: record.share)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from oversight.access import policy
from oversight.cases.models import Child
from oversight.errors import ServiceError
from oversight.records.models import Record
from oversight.records.services import record_finalise, record_share

from .selectors import ADDENDUM, check_record
from .services import OPEN, finding_dismiss, finding_move


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


@login_required
def check(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = policy.current_viewer(request)
    record, _standing = policy.get_record_for(viewer, pk)  # the read is audited (record.view)
    me = viewer.person
    if me is None or not policy.may(viewer, "share", record):
        raise Http404("Not found")
    errors: list[tuple[str, str]] = []  # (the id of the field in error, the message)
    failed: dict[str, str] = {}
    if request.method == "POST":
        step = request.POST.get("step", "")
        finding = request.POST.get("finding", "")
        version = _int(request.POST.get("version"))
        index = request.POST.get("index", "")
        acknowledged = request.POST.get("acknowledge") == "yes"
        try:
            if step == "move":
                child_pk = _int(request.POST.get("child"))
                child = Child.objects.filter(pk=child_pk, organisation_id=record.session.organisation_id).first()
                if request.POST.get("child") and child is None:
                    raise ServiceError("child", "Choose a child on the supervisee's caseload")
                review = finding_move(record=record, by=me, finding_id=finding, expected_version=version, child=child)
                messages.success(
                    request,
                    f"Moved to a case direction for {review.child.case_id} and taken out of the record.",
                )
                return redirect("guard:check", pk=pk)
            if step == "dismiss":
                finding_dismiss(
                    record=record,
                    by=me,
                    finding_id=finding,
                    expected_version=version,
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, "Finding dismissed; your reason is kept with the record.")
                return redirect("guard:check", pk=pk)
            if step == "share":
                record_share(record=record, by=me, on=timezone.localdate(), acknowledge_findings=acknowledged)
                messages.success(request, "Record shared with the supervisee.")
                return redirect("records:detail", pk=pk)
            if step == "finalise":
                record_finalise(record=record, by=me, acknowledge_findings=acknowledged)
                messages.success(request, "Record finalised. It can now only be added to.")
                return redirect("records:detail", pk=pk)
            errors.append(("findings", "Choose what to do: move, dismiss, share or finalise"))
        except ServiceError as exc:
            if exc.field in ("reason", "child") and index:
                target = f"{exc.field}-{index}"
            elif exc.field == "child_data":
                target = "acknowledge"
            else:
                target = "findings"
            errors.append((target, exc.message))
            failed = {"finding": finding, "field": exc.field, "reason": request.POST.get("reason", "")}
        record = Record.objects.select_related("session__organisation", "session__supervisee").get(pk=record.pk)

    result = check_record(record)
    is_open = record.status in OPEN
    sections: list[dict[str, Any]] = []
    for n, found in enumerate(result.findings, start=1):
        if not sections or sections[-1]["id"] != found.section:
            first_of_place = all(s["place"] != found.place for s in sections)  # its note is said once
            sections.append(
                {
                    "id": found.section,
                    "title": found.section_title,
                    "place": found.place,
                    "first_of_place": first_of_place,
                    "findings": [],
                }
            )
        sections[-1]["findings"].append(
            {
                "n": n,
                "f": found,
                "failed": failed if failed.get("finding") == found.id else {},
                # an addendum's finding can be dismissed on a final record too (finding_dismiss)
                "can_act": is_open or (record.status == Record.Status.FINAL and found.place == ADDENDUM),
            }
        )
    session = record.session
    return render(
        request,
        "guard/check.html",
        {
            "record": record,
            "session": session,
            "check": result,
            "sections": sections,
            "errors": errors,
            "open": is_open,
            "addendum_findings": sum(1 for f in result.unresolved if f.place == ADDENDUM),
            "supervisee_name": session.supervisee.name if session.supervisee else "the group",
            "pack": session.organisation.pack,
        },
    )
