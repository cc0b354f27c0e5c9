"""A record on the council's own template: write, share, agree or dispute, finalise, add to."""

from __future__ import annotations

import hashlib
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from oversight.access import policy
from oversight.access.reach import Viewer
from oversight.errors import ServiceError
from oversight.forms import GovukDateField, govukify
from oversight.people.models import Person

from .models import Action, Record
from .reflective import coverage_for, prompts_for
from .services import (
    action_add,
    action_complete,
    apply_deemed_agreements,
    open_actions_for,
    record_add_addendum,
    record_agree,
    record_dispute,
    record_escalate,
    record_finalise,
    record_resolve_escalation,
    record_save_draft,
    record_share,
    record_tag_coverage,
)


class ActionForm(forms.Form):
    text = forms.CharField(label="Action", widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(label="Who", queryset=Person.objects.none())
    due = GovukDateField(label="By when")
    works_when = forms.CharField(label="I will know this works when (optional)", required=False)

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]  # a ModelChoiceField
        govukify(self)


def _record_for(viewer: Person | Viewer, pk: int) -> tuple[Record, str]:
    """The record and the viewer's standing on its session, or 404 (oversight.access.policy)."""
    return policy.get_record_for(viewer, pk)


def _checked(text: str) -> str:
    """What the addendum form carries of the text whose findings it showed: a tick to add it as
    it is counts for that text only; a text changed since is checked again."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:16]


def _guard_installed() -> bool:
    from django.apps import apps

    return apps.is_installed("oversight.guard")


def _addendum_findings(record: Record, text: str) -> list[Any]:
    """The findings that held an addendum's text back, each in its sentence
    (oversight.guard.selectors.check_new_addendum), to show beside the form."""
    if not _guard_installed():
        return []
    from oversight.guard.selectors import check_new_addendum

    return [f for f in check_new_addendum(record, text.strip()) if f.unresolved]


def _addenda_to_check(viewer: Viewer, record: Record) -> int:
    """How many findings in the record's addenda wait on the check for children's information,
    for a viewer who may open that check (the supervisor who led the session: record.share, as
    the check page asks); 0 for anyone else, who is not pointed to a page they would get a 404 on."""
    if viewer.person is None or not _guard_installed() or not policy.may(viewer, "share", record):
        return 0
    from oversight.guard.selectors import unresolved_in_addenda

    return len(unresolved_in_addenda(record))


@login_required
@policy.asks_purpose
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = policy.current_viewer(request)
    me = viewer.person  # None for an inspector, who only reads
    record, standing = _record_for(viewer, pk)
    apply_deemed_agreements(
        organisation_id=record.session.organisation_id, today=timezone.localdate(), record_ids=[record.pk]
    )
    record.refresh_from_db()
    session = record.session
    pack = session.organisation.pack
    template = pack.template(record.template_id)
    today = timezone.localdate()
    participants = [p for p in [session.supervisor, session.supervisee, *session.attendees.all()] if p is not None]
    action_form = ActionForm(people=Person.objects.filter(pk__in=[p.pk for p in participants]))
    errors: list[tuple[str, str]] = []  # (the id of the field in error, the message)
    content = dict(record.content)
    addendum: dict[str, Any] = {}  # what was typed into the addendum form, kept when it is refused
    posted_tags: dict[str, list[str]] | None = None

    if request.method == "POST":
        step = request.POST.get("step", "")
        # Each step below is taken only with a standing that a member of staff holds (supervisor,
        # supervisee, the escalation's manager), never by an inspector, who has no person.
        me = cast(Person, me)
        try:
            if step == "save" and standing == "supervisor":
                content = {s.id: request.POST.get(f"section-{s.id}", "") for s in template.sections}  # type: ignore[union-attr]
                version = int(request.POST.get("version", "0") or 0)
                record_save_draft(record=record, by=me, content=content, expected_version=version)
                if request.POST.get("coverage"):  # the draft's form carries the coverage ticks too
                    posted_tags = {name: request.POST.getlist(name) for name in ("functions", "stages", "areas")}
                    record_tag_coverage(record=record, by=me, **posted_tags)
                messages.success(request, "Draft saved.")
                return redirect("records:detail", pk=pk)
            if step == "share" and standing == "supervisor":
                record_share(record=record, by=me, on=today)
                messages.success(request, "Record shared with the supervisee.")
                return redirect("records:detail", pk=pk)
            if step == "agree" and standing == "supervisee":
                record_agree(record=record, by=me, on=today)
                messages.success(request, "You have agreed the record.")
                return redirect("records:detail", pk=pk)
            if step == "dispute" and standing == "supervisee":
                record_dispute(record=record, by=me, view=request.POST.get("view", ""), on=today)
                messages.success(request, "Your view is recorded beside the supervisor's.")
                return redirect("records:detail", pk=pk)
            if step == "finalise" and standing == "supervisor":
                record_finalise(record=record, by=me)
                messages.success(request, "Record finalised. It can now only be added to.")
                return redirect("records:detail", pk=pk)
            if step == "escalate" and standing in ("supervisor", "supervisee"):
                record = record_escalate(record=record, by=me)
                messages.success(request, f"The disagreement has gone to {record.escalated_to.name}.")  # type: ignore[union-attr]
                return redirect("records:detail", pk=pk)
            if step == "resolve" and me is not None and record.escalated_to_id == me.pk:
                record_resolve_escalation(record=record, by=me, outcome=request.POST.get("outcome", ""))
                messages.success(request, "The outcome is recorded on the record.")
                return redirect("records:detail", pk=pk)
            if step == "addendum" and standing in ("supervisor", "supervisee"):
                addendum = {"reason": request.POST.get("reason", ""), "text": request.POST.get("text", "")}
                acknowledged = request.POST.get("acknowledge") == "yes" and request.POST.get("checked") == _checked(
                    addendum["text"]
                )
                record_add_addendum(
                    record=record,
                    by=me,
                    reason=addendum["reason"],
                    text=addendum["text"],
                    acknowledge_findings=acknowledged,
                )
                messages.success(
                    request,
                    "Addendum added as it is; that you read its findings is recorded."
                    if acknowledged
                    else "Addendum added.",
                )
                return redirect("records:detail", pk=pk)
            if step == "coverage" and standing == "supervisor":
                posted_tags = {name: request.POST.getlist(name) for name in ("functions", "stages", "areas")}
                record_tag_coverage(record=record, by=me, **posted_tags)
                messages.success(request, "Coverage saved.")
                return redirect("records:detail", pk=pk)
            if step == "action" and standing == "supervisor":
                action_form = ActionForm(
                    request.POST, people=Person.objects.filter(pk__in=[p.pk for p in participants])
                )
                if action_form.is_valid():
                    data = action_form.cleaned_data
                    action_add(
                        record=record,
                        by=me,
                        text=data["text"],
                        owner=data["owner"],
                        due=data["due"],
                        works_when=data["works_when"],
                    )
                    messages.success(request, "Action added.")
                    return redirect("records:detail", pk=pk)
            if step == "done":
                action = Action.objects.filter(pk=request.POST.get("action_id", "0") or 0, record=record).first()
                if action is not None and standing in ("supervisor", "supervisee"):
                    action_complete(action=action, by=me, on=today)
                    messages.success(request, "Action marked done.")
                    return redirect("records:detail", pk=pk)
            if step not in ("action",):
                errors.append(("record", "That cannot be done to this record by you."))
        except ServiceError as exc:
            target = "record"
            if step == "addendum" and exc.field in ("reason", "text", "child_data"):
                # the guard's refusal is about the addendum's text: it is named, shown again, kept
                addendum["error_on"] = "reason" if exc.field == "reason" else "text"
                addendum["message"] = exc.message
                target = f"addendum-{addendum['error_on']}"
                if exc.field == "child_data":
                    addendum["findings"] = _addendum_findings(record, addendum["text"])
                    if addendum["findings"]:
                        addendum["checked"] = _checked(addendum["text"])
            errors.append((target, exc.message))

    confidential_ok = policy.may(viewer, "view_confidential", record)
    editable = standing == "supervisor" and record.status == Record.Status.DRAFT
    prompts = prompts_for(record, template) if editable else None
    sections = [
        {
            "id": s.id,
            "title": s.title,
            "prompts": s.prompts,
            "confidential": s.confidential,
            "per_child": s.per_child,
            "signature": s.signature,
            "text": content.get(s.id, ""),
            "hidden": s.confidential and not confidential_ok,
            "banks": prompts.by_section.get(s.id, []) if prompts else [],
        }
        for s in (template.sections if template else [])
    ]
    readable = set(
        policy.visible(viewer, "record").filter(session__supervisee=session.supervisee_id).values_list("pk", flat=True)
    )
    agenda = (
        [a for a in open_actions_for(session.supervisee) if a.record_id != record.pk and a.record_id in readable]
        if session.supervisee
        else []
    )
    next_booking = None
    if standing == "supervisor" and session.supervisee and record.status != Record.Status.DRAFT:
        from oversight.compliance.selectors import stored_obligations

        already = (
            session.supervisee.sessions_received.filter(kind=session.kind, status="planned", date__gt=session.date)
            .order_by("date")
            .first()
        )
        if already is None:
            key = f"supervision:{session.kind}:p{session.supervisee_id}"
            owed = {ob["id"]: ob for ob in stored_obligations(session.organisation, today, keys=[key]).items}
            due = owed.get(key, {}).get("due")
            next_booking = {"due": due, "kind": session.kind, "supervisee": session.supervisee_id}
        else:
            next_booking = {"booked": already}
    return render(
        request,
        "records/detail.html",
        {
            "record": record,
            "session": session,
            "standing": standing,
            "template": template,
            "sections": sections,
            "errors": errors,
            "action_form": action_form,
            "actions": record.actions.select_related("owner"),
            "addenda": record.addenda.select_related("author"),
            "addendum": addendum,
            "addenda_to_check": _addenda_to_check(viewer, record),
            "agenda": agenda,
            "editable": editable,
            "general_banks": prompts.general if prompts else [],
            "coverage": coverage_for(
                record,
                editable=standing == "supervisor" and record.status != Record.Status.FINAL,
                posted=posted_tags if errors else None,
            ),
            "pack": pack,
            "supervisee_name": session.supervisee.name if session.supervisee else "the group",
            "next_booking": next_booking,
            "me": me,
            "can_add": policy.may(viewer, "add", record),
            "has_confidential": any(s["confidential"] for s in sections),
            "can_consent": policy.may(viewer, "consent", record) and any(s["confidential"] for s in sections),
            "can_override": any(s["hidden"] for s in sections) and policy.may(viewer, "override", record),
        },
    )
