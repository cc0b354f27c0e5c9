"""The quality-assurance pages for audits: my audits to do and done and the moderation queue
(/quality/), starting an audit of a supervisor's files, the audit itself (sample, findings,
complete, moderate) and each sampled file beside the council's questions. Who may read and do
what is in oversight.quality.access; outsiders get a 404."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from oversight.access import policy
from oversight.access.reach import Viewer
from oversight.errors import ServiceError
from oversight.forms import apply_service_error, posted
from oversight.people.models import Person

from .access import auditable_supervisors, get_audit_for, get_supervisor_for, may, visible_audits
from .forms import AddFileForm, AnswersForm, AuditNewForm, CompleteForm, FindingForm, ModerateForm
from .models import Audit, AuditFile, Finding
from .selectors import audits_for_home, file_facts, latest_by_supervisor, open_findings_for, supervisee_counts
from .services import (
    audit_answers_save,
    audit_complete,
    audit_file_add,
    audit_file_remove,
    audit_moderate,
    audit_start,
    audit_tool,
    current_supervisees,
    finding_add,
    finding_done,
    finding_owners,
)
from .tools import AuditTool, tool_for


def staff_viewer(request: HttpRequest) -> Viewer:
    """The signed-in member of staff; anyone else (no staff record) gets a 404."""
    viewer = policy.current_viewer(request)
    if viewer.person is None:
        raise Http404("Quality assurance is for members of staff")
    return viewer


def _me(viewer: Viewer) -> Person:
    assert viewer.person is not None
    return viewer.person


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """My audits to do and done, the moderation queue, and the supervisors I may audit."""
    viewer = staff_viewer(request)
    me = _me(viewer)
    lists = audits_for_home(visible_audits(viewer), me)
    moderation = [a for a in lists["others"] if a.state == Audit.State.COMPLETED and may(viewer, "moderate", a)]
    supervisors = list(auditable_supervisors(viewer).select_related("team").order_by("name"))
    ids = [p.pk for p in supervisors]
    latest = latest_by_supervisor(ids)
    counts = supervisee_counts(ids, viewer.on)
    rows = [{"person": p, "supervisees": counts.get(p.pk, 0), **latest[p.pk]} for p in supervisors]
    return render(
        request,
        "quality/home.html",
        {
            "me": me,
            "tool": tool_for(me.organisation.policy_pack),
            "council": me.organisation.pack.council,
            "to_do": lists["to_do"],
            "done": lists["done"],
            "of_me": lists["of_me"],
            "others": [a for a in lists["others"] if a not in moderation],
            "moderation": moderation,
            "rows": rows,
            "my_findings": open_findings_for(me),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_new(request: HttpRequest) -> HttpResponse:
    """Start an audit of one supervisor's files: choose whose files to sample."""
    viewer = staff_viewer(request)
    me = _me(viewer)
    asked = request.POST.get("supervisor") or request.GET.get("supervisor")
    if not asked:
        supervisors = auditable_supervisors(viewer).order_by("name")
        return render(request, "quality/audit_choose.html", {"supervisors": supervisors})
    supervisor = get_supervisor_for(viewer, asked, "audit")
    sample_from = Person.objects.filter(pk__in=[p.pk for p in current_supervisees(supervisor, viewer.on)])
    form = AuditNewForm(posted(request), supervisees=sample_from.order_by("name"))
    if request.method == "POST" and form.is_valid():
        try:
            audit = audit_start(
                supervisor=supervisor, auditor=me, supervisees=list(form.cleaned_data["supervisees"]), on=viewer.on
            )
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            messages.success(request, f"Audit of {supervisor.name}'s supervision files started.")
            return redirect("quality:audit", pk=audit.pk)
    draft = Audit.objects.filter(auditor=me, supervisor=supervisor, state=Audit.State.DRAFT).first()
    return render(
        request,
        "quality/audit_new.html",
        {"supervisor": supervisor, "form": form, "tool": tool_for(supervisor.organisation.policy_pack), "draft": draft},
    )


def _tally(tool: AuditTool, files: list[AuditFile]) -> dict[int, dict[str, Any]]:
    """Per file: how many questions are answered, and the answers by what they count as."""
    out = {}
    for file in files:
        counts: Counter[str] = Counter()
        for answer in file.answers.all():
            question = tool.question(answer.question)
            option = tool.scale(question.scale).option(answer.answer) if question is not None else None
            counts[option.counts_as if option is not None and option.counts_as else "not_applicable"] += 1
        out[file.pk] = {"answered": sum(counts.values()), "counts": counts}
    return out


def _detail_context(viewer: Viewer, audit: Audit, standing: str, **forms_given: Any) -> dict[str, Any]:
    tool = audit_tool(audit)
    me = _me(viewer)
    files = list(audit.files.select_related("supervisee").prefetch_related("answers"))
    tally = _tally(tool, files)
    total: Counter[str] = Counter()
    for item in tally.values():
        total.update(item["counts"])
    can_edit = may(viewer, "edit", audit)
    can_moderate = may(viewer, "moderate", audit)
    can_find = may(viewer, "add_finding", audit)
    sampled = {f.supervisee_id for f in files}
    addable = [p for p in current_supervisees(audit.supervisor, viewer.on) if p.pk not in sampled] if can_edit else []
    findings = list(audit.findings.select_related("owner", "done_by"))
    forms = {
        "complete_form": CompleteForm(tool=tool, initial={"outcome": audit.outcome, "summary": audit.summary}),
        "moderate_form": ModerateForm(tool=tool),  # no outcome chosen for the moderator: they choose
        "finding_form": FindingForm(owners=finding_owners(audit), today=viewer.on),
        "add_file_form": AddFileForm(supervisees=Person.objects.filter(pk__in=[p.pk for p in addable])),
    }
    forms.update(forms_given)
    return {
        "audit": audit,
        "standing": standing,
        "tool": tool,
        "council": audit.organisation.pack.council,
        "files": [{"file": f, **tally[f.pk]} for f in files],
        "questions": len(tool.questions),
        "total": total,
        "findings": [{"finding": f, "can_done": may(viewer, "done", f)} for f in findings],
        "can_edit": can_edit,
        "can_moderate": can_moderate,
        "can_find": can_find,
        "addable": addable,
        "outcome_label": tool.outcome_label(audit.outcome) if audit.outcome else "",
        "moderated_label": tool.outcome_label(audit.moderated_outcome) if audit.moderated_outcome else "",
        "me": me,
        **forms,
    }


@login_required
@require_http_methods(["GET", "POST"])
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The audit: its sample with progress, findings with actions, completion and moderation."""
    viewer = staff_viewer(request)
    me = _me(viewer)
    audit, standing = get_audit_for(viewer, pk)
    if request.method == "GET":
        return render(request, "quality/audit_detail.html", _detail_context(viewer, audit, standing))
    tool = audit_tool(audit)
    step = request.POST.get("step", "")
    today = viewer.on
    if step == "complete" and may(viewer, "edit", audit):
        form: Any = CompleteForm(request.POST, tool=tool)
        if form.is_valid():
            try:
                audit_complete(audit=audit, by=me, on=today, **form.cleaned_data)
            except ServiceError as exc:
                apply_service_error(form, exc.field, exc.message)
            else:
                messages.success(request, "Audit completed. It goes to quality assurance for moderation.")
                return redirect("quality:audit", pk=audit.pk)
        return render(
            request, "quality/audit_detail.html", _detail_context(viewer, audit, standing, complete_form=form)
        )
    if step == "moderate" and may(viewer, "moderate", audit):
        form = ModerateForm(request.POST, tool=tool)
        if form.is_valid():
            try:
                audit_moderate(audit=audit, by=me, on=today, **form.cleaned_data)
            except ServiceError as exc:
                apply_service_error(form, exc.field, exc.message)
            else:
                messages.success(request, "Moderation recorded beside the auditor's outcome.")
                return redirect("quality:audit", pk=audit.pk)
        return render(
            request, "quality/audit_detail.html", _detail_context(viewer, audit, standing, moderate_form=form)
        )
    if step == "finding" and may(viewer, "add_finding", audit):
        form = FindingForm(request.POST, owners=finding_owners(audit), today=today)
        if form.is_valid():
            try:
                finding_add(audit=audit, by=me, on=today, **form.cleaned_data)
            except ServiceError as exc:
                apply_service_error(form, exc.field, exc.message)
            else:
                messages.success(request, "Finding and action added.")
                return redirect("quality:audit", pk=audit.pk)
        return render(request, "quality/audit_detail.html", _detail_context(viewer, audit, standing, finding_form=form))
    if step == "finding_done":
        finding = (
            Finding.objects.filter(pk=_int(request.POST.get("finding")) or 0, audit=audit)
            .select_related("audit")
            .first()
        )
        if finding is None or not may(viewer, "done", finding):
            raise Http404("No such action")
        try:
            finding_done(finding=finding, by=me, on=today, note=request.POST.get("note", ""))
        except ServiceError as exc:
            messages.error(request, exc.message + ".")
        else:
            messages.success(request, "Action marked as done.")
        return redirect("quality:audit", pk=audit.pk)
    if step in ("add_file", "remove_file") and may(viewer, "edit", audit):
        return _change_sample(request, viewer, audit, standing, step)
    if step in ("complete", "moderate", "finding", "add_file", "remove_file"):
        raise Http404("Not something you can do to this audit")
    messages.error(request, "Nothing was changed: choose one of the buttons on the page.")
    return redirect("quality:audit", pk=audit.pk)


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _change_sample(request: HttpRequest, viewer: Viewer, audit: Audit, standing: str, step: str) -> HttpResponse:
    me = _me(viewer)
    if step == "remove_file":
        file = get_object_or_404(AuditFile, pk=_int(request.POST.get("file")) or 0, audit=audit)
        try:
            audit_file_remove(audit=audit, by=me, file=file)
        except ServiceError as exc:
            messages.error(request, exc.message + ".")
        else:
            messages.success(request, f"{file.name}'s file taken out of the sample.")
        return redirect("quality:audit", pk=audit.pk)
    addable = Person.objects.filter(pk__in=[p.pk for p in current_supervisees(audit.supervisor, viewer.on)])
    form = AddFileForm(request.POST, supervisees=addable)
    if form.is_valid():
        try:
            audit_file_add(audit=audit, by=me, supervisee=form.cleaned_data["supervisee"], on=viewer.on)
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            messages.success(request, f"{form.cleaned_data['supervisee'].name}'s file added to the sample.")
            return redirect("quality:audit", pk=audit.pk)
    return render(request, "quality/audit_detail.html", _detail_context(viewer, audit, standing, add_file_form=form))


@login_required
@require_http_methods(["GET", "POST"])
def audit_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    """One sampled file: its facts beside the council's questions, answered by the auditor."""
    viewer = staff_viewer(request)
    me = _me(viewer)
    audit, standing = get_audit_for(viewer, pk)
    file = get_object_or_404(AuditFile.objects.select_related("supervisee__team"), pk=file_pk, audit=audit)
    tool = audit_tool(audit)
    can_edit = may(viewer, "edit", audit)
    given = {a.question: a for a in file.answers.all()}
    initial = {}
    for question_id, answer in given.items():
        initial[f"q-{question_id}"] = answer.answer
        initial[f"c-{question_id}"] = answer.comment
    form = AnswersForm(posted(request), tool=tool, initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise Http404("This audit is not yours to fill in")
        if form.is_valid():
            try:
                answered = audit_answers_save(audit=audit, file=file, by=me, answers=form.answers())
            except ServiceError as exc:
                target = f"q-{exc.field}" if f"q-{exc.field}" in form.fields else exc.field
                if exc.field.endswith("-comment"):
                    target = "c-" + exc.field.removesuffix("-comment")
                apply_service_error(form, target, exc.message)
            else:
                messages.success(request, f"Answers saved for {file.name}'s file: {answered} of {len(tool.questions)}.")
                return redirect("quality:audit_file", pk=audit.pk, file_pk=file.pk)
    files = list(audit.files.select_related("supervisee"))
    position = next(i for i, f in enumerate(files) if f.pk == file.pk)
    facts = file_facts(viewer, audit, [file], viewer.on).get(file.pk)
    rows = []
    for question in tool.questions:
        given_answer = given.get(question.id)
        option = tool.scale(question.scale).option(given_answer.answer) if given_answer is not None else None
        rows.append({"question": question, "answer": given_answer, "label": option.label if option else ""})
    return render(
        request,
        "quality/audit_file.html",
        {
            "audit": audit,
            "file": file,
            "tool": tool,
            "council": audit.organisation.pack.council,
            "facts": facts,
            "form": form,
            "can_edit": can_edit,
            "rows": rows,
            "previous": files[position - 1] if position > 0 else None,
            "next": files[position + 1] if position + 1 < len(files) else None,
            "today": viewer.on,
        },
    )
