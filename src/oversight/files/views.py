"""The supervision file's items: the file by part, an item with its history, and the forms that
write, edit, review and step them. Who may do what is oversight.files.access (on the standing
the one access policy gives); the changes are oversight.files.services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from oversight.access import policy
from oversight.access.reach import Viewer
from oversight.errors import ServiceError
from oversight.forms import posted
from oversight.people.models import Person
from oversight.sessions.models import Session

from . import services
from .access import (
    get_file_for,
    get_file_for_writing,
    get_item_for,
    log_item_read,
    may_edit,
    may_review,
    may_take_step,
    may_write,
    readable_items,
    reads_confidential,
)
from .forms import ChangeSupervisorItemForm, EventForm, ItemForm
from .kinds import Kind, kinds_for
from .models import FileItem
from .selectors import answers, file_by_part, item_row

CHANGE_FIELDS = {"supervisor": "new_supervisor", "on": "starts", "start": "starts", "end": "starts"}


def _kind(subject: Person, kind_id: str) -> Kind:
    kind = kinds_for(subject.organisation).kind(kind_id)
    if kind is None:
        raise Http404("No such kind of item")
    return kind


def _council(subject: Person) -> str:
    return kinds_for(subject.organisation).council


def _writer(request: HttpRequest) -> tuple[Viewer, Person]:
    viewer = policy.current_viewer(request)
    if viewer.person is None:
        raise Http404("Only members of staff write in a supervision file")
    return viewer, viewer.person


@login_required
@policy.asks_purpose
@require_GET
def file_index(request: HttpRequest, pk: int) -> HttpResponse:
    """The supervision file's items by part, each with its status and last review."""
    viewer = policy.current_viewer(request)
    subject, standing = get_file_for(viewer, pk)
    return render(
        request,
        "files/index.html",
        {
            "subject": subject,
            "standing": standing,
            "parts": file_by_part(viewer, subject, standing),
            "confidential_hidden": not reads_confidential(viewer, subject, standing),
            "council": _council(subject),
        },
    )


@login_required
@policy.asks_purpose
@require_GET
def item_detail(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """One item: its answers, reviews and steps, and its history (every version)."""
    viewer = policy.current_viewer(request)
    subject, standing, item = get_item_for(viewer, pk, item_pk)
    log_item_read(viewer, subject, standing, item)
    kind = kinds_for(subject.organisation).kind(item.kind)
    today = viewer.on
    steps = [s for s in kind.steps if may_take_step(s, item, standing, today)] if kind is not None else []
    event_labels = {s.id: s.label for s in kind.steps} if kind is not None else {}
    return render(
        request,
        "files/item.html",
        {
            "subject": subject,
            "item": item,
            "kind": kind,
            "row": item_row(item, kind, today),
            "answers": answers(kind, item.content),
            "events": [
                (event, event_labels.get(event.kind, kind.review_label if kind else "Reviewed"))
                for event in item.events.all()
            ],
            "versions": item.versions.select_related("by"),
            "can_edit": kind is not None and kind.action is None and may_edit(kind, item, standing, today),
            "can_review": kind is not None and may_review(kind, item, standing, today),
            "steps": steps,
            "cite": subject.organisation.pack.council_cite(kind.source) if kind is not None else "",
        },
    )


@login_required
@policy.asks_purpose
@require_GET
def item_version(request: HttpRequest, pk: int, item_pk: int, version: int) -> HttpResponse:
    """One earlier (or the current) version of an item, as it was written."""
    viewer = policy.current_viewer(request)
    subject, standing, item = get_item_for(viewer, pk, item_pk)
    written = item.versions.select_related("by").filter(version=version).first()
    if written is None:
        raise Http404("No such version")
    log_item_read(viewer, subject, standing, item, version=version)
    kind = kinds_for(subject.organisation).kind(item.kind)
    return render(
        request,
        "files/version.html",
        {"subject": subject, "item": item, "kind": kind, "written": written, "answers": answers(kind, written.content)},
    )


def _planned_sessions(viewer: Viewer, subject: Person, today: date, keep: int | None = None) -> QuerySet[Session]:
    """The subject's planned one-to-one sessions the viewer sees (and the one already linked)."""
    planned = policy.visible(viewer, "session").filter(
        supervisee=subject, status=Session.Status.PLANNED, date__gte=today
    )
    return (
        Session.objects.filter(Q(pk__in=planned.values("pk")) | Q(pk=keep))
        .select_related("supervisor")
        .order_by("date", "start_time", "pk")
    )


def _form_page(request: HttpRequest, subject: Person, kind: Kind, form: Any, item: FileItem | None) -> HttpResponse:
    return render(
        request,
        "files/item_form.html",
        {
            "subject": subject,
            "kind": kind,
            "form": form,
            "item": item,
            "council": _council(subject),
            "cite": subject.organisation.pack.council_cite(kind.source),
        },
    )


def _with_upload_error(request: HttpRequest, form: Any, kind: Kind) -> bool:
    """Refuse anything attached, saying why (the kind's own reason where it has one)."""
    if not request.FILES:
        return False
    form.is_valid()
    form.name_error("attachment", kind.no_upload or services.NO_UPLOAD)
    return True


@login_required
def item_new(request: HttpRequest, pk: int, kind_id: str) -> HttpResponse:
    """Write a new item of ``kind_id`` in the file (a change of supervisor makes the change too)."""
    viewer, me = _writer(request)
    today = viewer.on
    subject, standing = get_file_for_writing(viewer, pk)
    kind = _kind(subject, kind_id)
    if not may_write(kind, standing, subject, today):
        raise Http404("No such form")
    if kind.action == "change_supervisor":
        return _change_supervisor(request, viewer, subject, standing, kind)
    sessions = _planned_sessions(viewer, subject, today) if kind.links_session else None
    asked = request.GET.get("session", "")
    chosen = sessions.filter(pk=int(asked)).first() if sessions is not None and asked.isdigit() else None
    if sessions is not None and chosen is None and not asked:
        chosen = sessions.first()
    form = ItemForm(
        posted(request), kind=kind, today=today, sessions=sessions, initial={"on": today, "session": chosen}
    )
    if request.method == "POST" and not _with_upload_error(request, form, kind) and form.is_valid():
        try:
            item = services.item_create(
                subject=subject,
                kind_id=kind.id,
                by=me,
                on=form.cleaned_data["on"],
                content=form.content(),
                session=form.cleaned_data.get("session"),
                today=today,
            )
        except ServiceError as exc:
            form.name_error(exc.field, exc.message)
        else:
            messages.success(request, f"{kind.label} saved in {subject.name}'s supervision file.")
            return redirect("files:item", pk=subject.pk, item_pk=item.pk)
    return _form_page(request, subject, kind, form, None)


def _steps_tried(viewer: Viewer, subject: Person, standing: str) -> str:
    """The restorative steps on the file, as the first draft of 'what was tried'."""
    kinds = kinds_for(subject.organisation)
    lines = []
    for item in readable_items(viewer, subject, standing).filter(part="restorative").order_by("on", "pk"):
        kind = kinds.kind(item.kind)
        if kind is None or kind.action is not None:
            continue
        first = answers(kind, item.content)[:1]
        what = first[0].text or "; ".join(first[0].lines) if first else kind.label
        lines.append(f"{item.on.day} {item.on:%B %Y} - {kind.label}: {what}")
    return "\n".join(lines)


def _change_supervisor(
    request: HttpRequest, viewer: Viewer, subject: Person, standing: str, kind: Kind
) -> HttpResponse:
    today = viewer.on
    current = (
        policy.visible(viewer, "relationship")
        .filter(supervisee=subject, end__isnull=True, start__lte=today)
        .select_related("supervisor", "supervisee__organisation")
    )
    relationships = [r for r in current if policy.may(viewer, "change", r)]
    if not relationships:
        raise Http404("No supervision you may change")
    form = ChangeSupervisorItemForm(
        posted(request),
        kind=kind,
        today=today,
        relationships=current.filter(pk__in=[r.pk for r in relationships]),
        colleagues=Person.objects.filter(organisation_id=subject.organisation_id, left__isnull=True).exclude(
            pk=subject.pk
        ),
        initial={"what_was_tried": _steps_tried(viewer, subject, standing), "starts": today},
    )
    if request.method == "POST" and not _with_upload_error(request, form, kind) and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.change_of_supervisor_record(
                relationship=data["relationship"],
                by=viewer.person,  # type: ignore[arg-type]
                new_supervisor=data["new_supervisor"],
                on=data["starts"],
                content=form.content(),
                kind_id=kind.id,
                today=today,
            )
        except ServiceError as exc:
            form.name_error(CHANGE_FIELDS.get(exc.field, exc.field), exc.message)
        else:
            new = item.relationship
            messages.success(
                request,
                f"{data['new_supervisor'].name} supervises {subject.name} from {new.start.day} {new.start:%B %Y}; "  # type: ignore[union-attr]
                f"{data['relationship'].supervisor.name}'s supervision ends the day before. A new agreement is owed.",
            )
            return redirect("files:item", pk=subject.pk, item_pk=item.pk)
    return _form_page(request, subject, kind, form, None)


def _answers_as_initial(kind: Kind, item: FileItem) -> dict[str, Any]:
    initial: dict[str, Any] = {"on": item.on, "session": item.session_id}
    for question in kind.fields:
        value = item.content.get(question.id)
        if value is None:
            continue
        if question.type == "list":
            initial[question.id] = "\n".join(value)
        elif question.type == "date":
            initial[question.id] = date.fromisoformat(value)
        else:
            initial[question.id] = value
    return initial


@login_required
def item_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Save a new version of an item; the one it replaces stays in its history."""
    viewer, me = _writer(request)
    today = viewer.on
    subject, standing, item = get_item_for(viewer, pk, item_pk, writing=True)
    kind = _kind(subject, item.kind)
    if kind.action is not None or not may_edit(kind, item, standing, today):
        raise Http404("No such form")
    log_item_read(viewer, subject, standing, item)
    sessions = _planned_sessions(viewer, subject, today, keep=item.session_id) if kind.links_session else None
    form = ItemForm(posted(request), kind=kind, today=today, sessions=sessions, initial=_answers_as_initial(kind, item))
    version = request.POST.get("version", "") if request.method == "POST" else str(item.version)
    if request.method == "POST" and not _with_upload_error(request, form, kind) and form.is_valid():
        try:
            services.item_edit(
                item=item,
                by=me,
                on=form.cleaned_data["on"],
                content=form.content(),
                session=form.cleaned_data.get("session"),
                expected_version=int(version) if version.isdigit() else -1,
                today=today,
            )
        except ServiceError as exc:
            form.name_error(exc.field, exc.message)
        else:
            messages.success(request, f"{kind.label} saved. The earlier version is kept in its history.")
            return redirect("files:item", pk=subject.pk, item_pk=item.pk)
    response = _form_page(request, subject, kind, form, item)
    return response


def _event_page(request: HttpRequest, pk: int, item_pk: int, step_id: str | None) -> HttpResponse:
    viewer, me = _writer(request)
    today = viewer.on
    subject, standing, item = get_item_for(viewer, pk, item_pk, writing=True)
    kind = _kind(subject, item.kind)
    step = kind.step(step_id) if step_id is not None else None
    if step_id is None and not may_review(kind, item, standing, today):
        raise Http404("No such form")
    if step_id is not None and (step is None or not may_take_step(step, item, standing, today)):
        raise Http404("No such step")
    note_label = "Note (optional)" if step is not None else "What the review found"
    form = EventForm(
        posted(request), today=today, note_label=note_label, note_required=step is None, initial={"on": today}
    )
    if request.method == "POST" and form.is_valid():
        try:
            if step is None:
                services.item_review(
                    item=item, by=me, on=form.cleaned_data["on"], note=form.cleaned_data["note"], today=today
                )
            else:
                services.item_step(
                    item=item,
                    by=me,
                    step_id=step.id,
                    on=form.cleaned_data["on"],
                    note=form.cleaned_data["note"],
                    today=today,
                )
        except ServiceError as exc:
            form.name_error(exc.field, exc.message)
        else:
            messages.success(request, f"{step.label if step else kind.review_label}: recorded.")
            return redirect("files:item", pk=subject.pk, item_pk=item.pk)
    return render(
        request,
        "files/event_form.html",
        {
            "subject": subject,
            "item": item,
            "kind": kind,
            "step": step,
            "form": form,
            "row": item_row(item, kind, today),
        },
    )


@login_required
def item_review(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Record a review of an item: a dated event with a note."""
    return _event_page(request, pk, item_pk, None)


@login_required
def item_step(request: HttpRequest, pk: int, item_pk: int, step_id: str) -> HttpResponse:
    """Record one of the item's steps (an improvement plan escalated to HR, an objective met)."""
    return _event_page(request, pk, item_pk, step_id)
