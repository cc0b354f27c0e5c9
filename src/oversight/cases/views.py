"""Case supervision: a worker's caseload by case-system ID, case reviews, and the case
direction that goes on the child's own record (LCS, EHM or Mosaic), never on the personal
supervision record (Bristol 5.2, Leeds 4.13).

Who may see a child's case reviews: the child's worker, the worker's current supervisors and
the line-management chain above them (the worker's file standing); everyone else gets a 404.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone

from oversight.access import policy, standings
from oversight.access.reach import CASE, SUPERVISOR, Viewer
from oversight.audit.services import audit_event
from oversight.compliance.selectors import stored_obligations
from oversight.errors import ServiceError
from oversight.forms import GovukDateField, apply_service_error, govukify, posted
from oversight.people.models import Person
from oversight.people.views import current_person, explain
from oversight.sessions.models import Session

from .models import CaseReview, Child
from .services import case_direction_mark_entered, case_review_record

DIRECTION_MAX_CHARS = 20_000

# The case note as a printed page; kept here rather than in a <style> element so that no
# template carries inline style (tests/test_static.py).
CASE_NOTE_CSS = """
@page { size: A4; margin: 20mm; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 11pt; line-height: 1.4; }
h1 { font-size: 16pt; margin: 0 0 8pt; }
dl { margin: 0 0 12pt; }
dt { font-weight: bold; margin-top: 6pt; }
dd { margin: 0; }
.direction { white-space: pre-wrap; border-left: 3pt solid #b1b4b6; padding-left: 8pt; }
.footer { margin-top: 16pt; font-size: 9pt; color: #505a5f; }
"""


def supervises_cases(viewer: Person, worker: Person, on: date) -> bool:
    """Whether ``viewer`` is a current supervisor of ``worker`` for case supervision
    (a split arrangement may give case management to one supervisor only, Lambeth 3.6)."""
    return standings.person_standing(Viewer.of(viewer, on), worker, CASE) == SUPERVISOR


def get_child_for(viewer: Person | Viewer, pk: int, on: date) -> tuple[Child, str]:
    """Fetch-and-check in one call: the child and the viewer's standing on the worker's file
    for case supervision, or 404 (oversight.access.policy)."""
    return policy.get_child_for(viewer, pk, on)


def get_case_review_for(viewer: Person | Viewer, pk: int, on: date, action: str = "view") -> tuple[CaseReview, str]:
    """Fetch-and-check in one call: the case review and the viewer's standing, or 404."""
    return policy.get_case_review_for(viewer, pk, on, action)


def direction_due(review: CaseReview) -> date | None:
    """When the direction must be on the child's record under the pack's case_direction rule, or None."""
    rule = review.child.organisation.pack.case_direction
    return rule.within.add_to(review.date) if rule is not None else None


@login_required
@policy.asks_purpose
def caseload(request: HttpRequest, pk: int) -> HttpResponse:
    """A worker's children by case-system ID and status, with what each child's case review owes."""
    viewer = policy.current_viewer(request)
    me = viewer.person
    today = viewer.on
    worker, standing = policy.get_person_for(viewer, pk, today, kind=CASE)
    obligations = stored_obligations(
        worker.organisation, today, kinds=("case_review", "case_direction"), children_of=worker.pk
    )
    by_id = {
        ob["id"]: {**explain(obligations, ob), "due_date": date.fromisoformat(ob["due"]) if ob.get("due") else None}
        for ob in obligations.items
        if ob["kind"] in ("case_review", "case_direction")
    }
    children = worker.caseload.order_by("case_id").prefetch_related(
        Prefetch("reviews", queryset=CaseReview.objects.select_related("by", "recorded_by").order_by("-date", "-pk"))
    )
    rows = [
        {
            "child": child,
            "review_due": by_id.get(f"case_review:c{child.pk}"),
            "reviews": [
                {"review": review, "direction": by_id.get(f"case_direction:r{review.pk}")}
                for review in child.reviews.all()
            ],
        }
        for child in children
    ]
    return render(
        request,
        "cases/caseload.html",
        {
            "worker": worker,
            "standing": standing,
            "rows": rows,
            "pack": worker.organisation.pack,
            "can_record": me is not None and standing == "supervisor" and supervises_cases(me, worker, today),
        },
    )


class CaseReviewForm(forms.Form):
    on = GovukDateField(
        label="Date of the case review",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the case review"},
    )
    session = forms.ModelChoiceField(
        label="Discussed in the session (optional)",
        queryset=Session.objects.none(),
        required=False,
        empty_label="Not in a booked session (ad hoc case discussion)",
    )
    direction = forms.CharField(
        label="Case direction: what was decided for the child",
        help_text="This goes on the child's own record, not on the personal supervision record. "
        "Refer to people by role, and to the child by case-system ID only.",
        max_length=DIRECTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "aria-describedby": "id_direction-hint"}),
        error_messages={"required": "Record what was decided for the child"},
    )

    def __init__(self, *args: Any, today: date, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]
        govukify(self)

    def clean_on(self) -> date:
        on: date = self.cleaned_data["on"]
        if on > self.today:
            raise forms.ValidationError("The date of the case review must be today or in the past")
        return on


@login_required
def review_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The worker's case supervisor records a case review and its direction."""
    me = current_person(request)
    today = timezone.localdate()
    child, standing = get_child_for(me, pk, today)
    if standing != "supervisor" or not supervises_cases(me, child.worker, today):
        raise Http404("No such child")
    sessions = Session.objects.filter(
        organisation_id=child.organisation_id,
        supervisor=me,
        supervisee=child.worker,
        status=Session.Status.HELD,
        date__gte=today - timedelta(days=366),
    ).order_by("-date")
    form = CaseReviewForm(posted(request), initial={"on": today}, today=today, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = case_review_record(
                child=child, by=me, on=data["on"], direction=data["direction"], session=data["session"]
            )
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            due = direction_due(review)
            when = f" by {due.day} {due:%B %Y}" if due else ""
            messages.success(request, f"Case review recorded. Enter the direction on the child's record{when}.")
            return redirect("cases:review", pk=review.pk)
    return render(
        request,
        "cases/review_new.html",
        {"child": child, "form": form, "pack": child.organisation.pack},
    )


class MarkEnteredForm(forms.Form):
    on = GovukDateField(
        label="Date it was entered on the child's record",
        help_text="For example, 27 3 2026",
        error_messages={
            "required": "Enter the date it was entered on the child's record",
        },
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        govukify(self)

    def clean_on(self) -> date:
        on: date = self.cleaned_data["on"]
        if on > self.today:
            raise forms.ValidationError("The date it was entered must be today or in the past")
        return on


@login_required
@policy.asks_purpose
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The case direction, its deadline from the pack, and whoever entered it on the child's record."""
    viewer = policy.current_viewer(request)
    me = viewer.person
    today = viewer.on
    review, standing = get_case_review_for(viewer, pk, today)
    form = MarkEnteredForm(posted(request), initial={"on": today}, today=today)
    if request.method == "POST":
        if me is None or not policy.may(viewer, "edit", review):
            raise Http404("No such case review")
        if review.direction_recorded is not None:
            messages.error(
                request,
                f"This direction was already marked as entered on {review.direction_recorded.day} "
                f"{review.direction_recorded:%B %Y} by {review.recorded_by.name if review.recorded_by else 'someone else'}.",
            )
            return redirect("cases:review", pk=pk)
        if form.is_valid():
            try:
                case_direction_mark_entered(review=review, by=me, on=form.cleaned_data["on"])
            except ServiceError as exc:
                if exc.field == "__all__":
                    messages.error(request, exc.message + ".")
                    return redirect("cases:review", pk=pk)
                apply_service_error(form, exc.field, exc.message)
            else:
                messages.success(request, "Marked as entered on the child's record.")
                return redirect("cases:review", pk=pk)
    pack = review.child.organisation.pack
    due = direction_due(review)
    return render(
        request,
        "cases/review_detail.html",
        {
            "review": review,
            "child": review.child,
            "standing": standing,
            "pack": pack,
            "rule": pack.case_direction,
            "due": due,
            "late": due is not None and (review.direction_recorded or today) > due,
            "form": form,
            "can_mark": policy.may(viewer, "edit", review),
            "can_export": policy.may(viewer, "export", review),
        },
    )


def _case_note_context(review: CaseReview) -> dict[str, Any]:
    child = review.child
    pack = child.organisation.pack
    return {
        "review": review,
        "child": child,
        "pack": pack,
        "rule": pack.case_direction,
        "due": direction_due(review),
        "by_role": review.by.role_label,
    }


def _filename(review: CaseReview, extension: str) -> str:
    case_id = re.sub(r"[^A-Za-z0-9_-]+", "-", review.child.case_id).strip("-") or "child"
    return f"case-note-{case_id}-{review.date:%Y-%m-%d}.{extension}"


def _export(request: HttpRequest, pk: int, extension: str) -> tuple[CaseReview, dict[str, Any]]:
    viewer = policy.current_viewer(request)
    me = viewer.person
    review, standing = get_case_review_for(viewer, pk, viewer.on, "export")
    audit_event(
        actor=me,
        action="case_note.export",
        obj=review,
        organisation_id=review.child.organisation_id,
        acting_as=standing,
        detail={"format": extension},
    )
    return review, _case_note_context(review)


@login_required
def case_note_txt(request: HttpRequest, pk: int) -> HttpResponse:
    """The case direction as a plain-text case note, ready to paste into the child's record."""
    review, context = _export(request, pk, "txt")
    response = HttpResponse(render_to_string("cases/case_note.txt", context), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(review, "txt")}"'
    return response


@login_required
def case_note_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The same case note as a PDF, rendered from HTML by WeasyPrint."""
    review, context = _export(request, pk, "pdf")
    html = render_to_string("cases/case_note.html", context)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(review, "pdf")}"'
    return response


def html_to_pdf(html: str) -> bytes:
    """Render a self-contained HTML document to PDF; nothing is fetched from anywhere."""
    # Imported here: WeasyPrint loads Pango through cffi, which only this download needs.
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    no_fetching = URLFetcher(allowed_protocols=())
    stylesheet = CSS(string=CASE_NOTE_CSS, url_fetcher=no_fetching)
    pdf: bytes = HTML(string=html, url_fetcher=no_fetching).write_pdf(stylesheets=[stylesheet])
    return pdf
