"""State changes of audits and their findings: each one named, keyword-only function that checks
the state it leaves (in the database, under a row lock), does the change and writes its audit
row in the same transaction. Observations and training are in oversight.quality.development.

draft -> completed -> moderated. Only the auditor changes a draft; completing needs every
question answered on every sampled file, an outcome and a summary; a quality-assurance lead who
is neither the auditor nor the supervisor moderates, keeping the auditor's outcome beside theirs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from django.db import transaction

from oversight.access.reach import LINE_MANAGEMENT, QA, Viewer, active_on
from oversight.audit.services import audit_event
from oversight.compliance import hooks as compliance_hooks
from oversight.errors import ServiceError
from oversight.people.models import Person
from oversight.supervision.models import Relationship

from .access import is_qa_lead_for, may_audit_supervisor, standings_on_supervisor
from .models import Audit, AuditAnswer, AuditFile, Finding
from .tools import AuditTool, tool_for

TEXT_MAX = 20_000


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(field, message)
    if len(value) > TEXT_MAX:
        raise ServiceError(field, f"Keep it under {TEXT_MAX:,} characters")
    return value


def current_supervisees(supervisor: Person, on: date) -> list[Person]:
    """The people ``supervisor`` supervises on ``on``, by name."""
    ids = Relationship.objects.filter(active_on(on), supervisor=supervisor).values("supervisee_id")
    return list(Person.objects.filter(pk__in=ids).order_by("name"))


def _check_supervisees(supervisor: Person, supervisees: Iterable[Person], on: date) -> list[Person]:
    chosen = list(dict.fromkeys(supervisees))
    if not chosen:
        raise ServiceError("supervisees", "Choose at least one supervisee whose file to sample")
    current = {p.pk for p in current_supervisees(supervisor, on)}
    for person in chosen:
        if person.pk not in current:
            raise ServiceError("supervisees", f"{person.name} is not supervised by {supervisor.name} now")
    return chosen


def _locked(audit: Audit, *states: str) -> Audit:
    locked = Audit.objects.select_for_update().filter(pk=audit.pk, state__in=states).first()
    if locked is None:
        raise ServiceError("__all__", f"This audit is {audit.get_state_display().lower()} now; the change was not made")
    return locked


def _require_auditor(audit: Audit, by: Person) -> None:
    if by.pk != audit.auditor_id:
        raise ServiceError("__all__", "Only the auditor changes this audit")


def audit_tool(audit: Audit) -> AuditTool:
    return tool_for(audit.tool)


def touch_supervisors(*person_ids: int) -> None:
    """Tell the obligation store that these supervisors' quality events (``selectors.file_events``)
    changed, in the same transaction (oversight.compliance.hooks.touch_people, where installed)."""
    touch = getattr(compliance_hooks, "touch_people", None)
    if touch is not None:
        touch(person_ids)


def audit_start(*, supervisor: Person, auditor: Person, supervisees: Iterable[Person], on: date) -> Audit:
    """Start an audit of ``supervisor``'s supervision files, sampling ``supervisees``' files."""
    viewer = Viewer.for_person(auditor, on)
    if not may_audit_supervisor(viewer, supervisor):
        raise ServiceError(
            "supervisor",
            "You can audit only a current supervisor below you in line management or in your quality-assurance service",
        )
    chosen = _check_supervisees(supervisor, supervisees, on)
    tool = tool_for(supervisor.organisation.policy_pack)
    held = standings_on_supervisor(viewer, supervisor.pk, supervisor.organisation_id)
    with transaction.atomic():
        if Audit.objects.filter(auditor=auditor, supervisor=supervisor, state=Audit.State.DRAFT).exists():
            raise ServiceError("supervisor", f"You already have a draft audit of {supervisor.name}: carry on with it")
        audit = Audit.objects.create(
            organisation_id=supervisor.organisation_id,
            supervisor=supervisor,
            auditor=auditor,
            auditor_standing=LINE_MANAGEMENT if LINE_MANAGEMENT in held else QA,
            tool=tool.pack,
            started_on=on,
        )
        files = [
            AuditFile.objects.create(audit=audit, supervisee=p, supervisee_name=p.name, added_on=on) for p in chosen
        ]
        audit_event(
            actor=auditor,
            action="quality_audit.start",
            obj=audit,
            organisation_id=audit.organisation_id,
            acting_as=audit.auditor_standing,
            detail={"supervisor": supervisor.pk, "files": [f.supervisee_id for f in files], "tool": tool.pack},
        )
    return audit


def audit_file_add(*, audit: Audit, by: Person, supervisee: Person, on: date) -> AuditFile:
    """Add another current supervisee's file to a draft audit's sample."""
    _require_auditor(audit, by)
    (person,) = _check_supervisees(audit.supervisor, [supervisee], on)
    with transaction.atomic():
        locked = _locked(audit, Audit.State.DRAFT)
        if locked.files.filter(supervisee=person).exists():
            raise ServiceError("supervisee", f"{person.name}'s file is already in the sample")
        file = AuditFile.objects.create(audit=locked, supervisee=person, supervisee_name=person.name, added_on=on)
        audit_event(
            actor=by,
            action="quality_audit.file_add",
            obj=locked,
            organisation_id=locked.organisation_id,
            acting_as="auditor",
            detail={"supervisee": person.pk},
        )
    return file


def audit_file_remove(*, audit: Audit, by: Person, file: AuditFile) -> None:
    """Take a file out of a draft audit's sample, with any answers given on it."""
    _require_auditor(audit, by)
    if file.audit_id != audit.pk:
        raise ServiceError("file", "This file is not in the audit")
    with transaction.atomic():
        locked = _locked(audit, Audit.State.DRAFT)
        if locked.files.count() <= 1:
            raise ServiceError("file", "An audit samples at least one file: add another before removing this one")
        answered = AuditAnswer.objects.filter(file=file).count()
        AuditAnswer.objects.filter(file=file).delete()
        supervisee_id = file.supervisee_id
        file.delete()
        audit_event(
            actor=by,
            action="quality_audit.file_remove",
            obj=locked,
            organisation_id=locked.organisation_id,
            acting_as="auditor",
            detail={"supervisee": supervisee_id, "answers_removed": answered},
        )


def audit_answers_save(*, audit: Audit, file: AuditFile, by: Person, answers: Mapping[str, tuple[str, str]]) -> int:
    """Save the auditor's answers on one sampled file: question id -> (answer, comment). An
    empty answer leaves the question unanswered (and clears an earlier answer). Returns how
    many questions are answered on the file now."""
    _require_auditor(audit, by)
    if file.audit_id != audit.pk:
        raise ServiceError("file", "This file is not in the audit")
    tool = audit_tool(audit)
    cleaned: dict[str, tuple[str, str]] = {}
    for question_id, (answer, comment) in answers.items():
        question = tool.question(question_id)
        if question is None:
            raise ServiceError(question_id, "There is no such question in this audit")
        answer = (answer or "").strip()
        comment = (comment or "").strip()
        if len(comment) > TEXT_MAX:
            raise ServiceError(f"{question_id}-comment", f"Keep the comment under {TEXT_MAX:,} characters")
        if answer and tool.scale(question.scale).option(answer) is None:
            raise ServiceError(question_id, f"Choose one of the answers for: {question.text}")
        if comment and not answer:
            raise ServiceError(question_id, f"Choose an answer for the question you commented on: {question.text}")
        cleaned[question_id] = (answer, comment)
    with transaction.atomic():
        locked = _locked(audit, Audit.State.DRAFT)
        for question_id, (answer, comment) in cleaned.items():
            if answer:
                AuditAnswer.objects.update_or_create(
                    file=file, question=question_id, defaults={"answer": answer, "comment": comment}
                )
            else:
                AuditAnswer.objects.filter(file=file, question=question_id).delete()
        answered = AuditAnswer.objects.filter(file=file).count()
        audit_event(
            actor=by,
            action="quality_audit.answer",
            obj=locked,
            organisation_id=locked.organisation_id,
            acting_as="auditor",
            detail={"supervisee": file.supervisee_id, "answered": answered, "of": len(tool.questions)},
        )
    return answered


def unanswered(audit: Audit) -> list[tuple[AuditFile, list[str]]]:
    """The sampled files with questions still unanswered, and those questions' ids."""
    tool = audit_tool(audit)
    missing = []
    for file in audit.files.select_related("supervisee").prefetch_related("answers"):
        given = {a.question for a in file.answers.all()}
        gaps = [q.id for q in tool.questions if q.id not in given]
        if gaps:
            missing.append((file, gaps))
    return missing


def audit_complete(*, audit: Audit, by: Person, outcome: str, summary: str, on: date) -> Audit:
    """The auditor completes the audit with an outcome and their analysis."""
    _require_auditor(audit, by)
    tool = audit_tool(audit)
    if tool.outcome(outcome or "") is None:
        raise ServiceError("outcome", "Choose the outcome of the audit")
    summary = _text(summary, "summary", "Write the summary: the good practice found and what requires development")
    if on < audit.started_on:
        raise ServiceError("__all__", "An audit cannot be completed before it was started")
    with transaction.atomic():
        locked = _locked(audit, Audit.State.DRAFT)
        if not locked.files.exists():
            raise ServiceError("__all__", "Sample at least one supervisee's file before completing the audit")
        gaps = unanswered(locked)
        if gaps:
            file, missing = gaps[0]
            first = tool.question(missing[0])
            raise ServiceError(
                "answers",
                f"Answer every question on every file first: {file.name}'s file has "
                f"{len(missing)} unanswered, starting with '{first.text if first else missing[0]}'",
            )
        locked.state = Audit.State.COMPLETED
        locked.outcome = outcome
        locked.summary = summary
        locked.completed_on = on
        locked.save(update_fields=["state", "outcome", "summary", "completed_on"])
        audit_event(
            actor=by,
            action="quality_audit.complete",
            obj=locked,
            organisation_id=locked.organisation_id,
            acting_as="auditor",
            detail={"outcome": outcome, "files": locked.files.count()},
        )
        touch_supervisors(locked.supervisor_id)  # a file audit done: the engine's clock moves
    return locked


def audit_moderate(*, audit: Audit, by: Person, outcome: str, note: str, on: date) -> Audit:
    """A quality-assurance lead agrees or changes the outcome; the auditor's stays beside it."""
    tool = audit_tool(audit)
    if not is_qa_lead_for(Viewer.for_person(by, on), audit):
        raise ServiceError(
            "__all__",
            "Moderation is by quality assurance over the supervisor's service, not the auditor or the supervisor",
        )
    if tool.outcome(outcome or "") is None:
        raise ServiceError("outcome", "Choose the moderated outcome")
    note = (note or "").strip()
    if len(note) > TEXT_MAX:
        raise ServiceError("note", f"Keep it under {TEXT_MAX:,} characters")
    with transaction.atomic():
        locked = _locked(audit, Audit.State.COMPLETED)
        if outcome != locked.outcome and not note:
            raise ServiceError("note", "Say why you changed the outcome")
        if locked.completed_on is not None and on < locked.completed_on:
            raise ServiceError("__all__", "An audit cannot be moderated before it was completed")
        locked.state = Audit.State.MODERATED
        locked.moderated_by = by
        locked.moderated_on = on
        locked.moderated_outcome = outcome
        locked.moderation_note = note
        locked.save(update_fields=["state", "moderated_by", "moderated_on", "moderated_outcome", "moderation_note"])
        audit_event(
            actor=by,
            action="quality_audit.moderate",
            obj=locked,
            organisation_id=locked.organisation_id,
            acting_as="qa",
            detail={
                "auditor_outcome": locked.outcome,
                "moderated_outcome": outcome,
                "agreed": outcome == locked.outcome,
            },
        )
    return locked


def finding_owners(audit: Audit) -> list[Person]:
    """Who may own a finding's action: the supervisor audited, the auditor, and the supervisor's
    line manager."""
    owners = [audit.supervisor, audit.auditor]
    if audit.supervisor.line_manager is not None:
        owners.append(audit.supervisor.line_manager)
    return list({p.pk: p for p in owners}.values())


def finding_add(*, audit: Audit, by: Person, text: str, action: str, owner: Person, due: date, on: date) -> Finding:
    """The auditor records a finding and the action it asks for (who, by when)."""
    _require_auditor(audit, by)
    text = _text(text, "text", "Say what the audit found")
    action = _text(action, "action", "Say what action is to be taken")
    if owner.pk not in {p.pk for p in finding_owners(audit)}:
        raise ServiceError("owner", "The action is for the supervisor, the auditor or the supervisor's line manager")
    if due < on:
        raise ServiceError("due", "The action cannot be due before today")
    with transaction.atomic():
        locked = _locked(audit, Audit.State.DRAFT, Audit.State.COMPLETED)
        finding = Finding.objects.create(
            audit=locked, text=text, action=action, owner=owner, due=due, added_by=by, added_on=on
        )
        audit_event(
            actor=by,
            action="quality_finding.add",
            obj=finding,
            organisation_id=locked.organisation_id,
            acting_as="auditor",
            detail={"audit": locked.pk, "owner": owner.pk, "due": due.isoformat()},
        )
    return finding


def finding_done(*, finding: Finding, by: Person, on: date, note: str = "") -> Finding:
    """The action's owner, or the auditor, marks it done once the audit is completed."""
    if on < finding.added_on:
        raise ServiceError("on", "It cannot be done before the finding was made")
    note = (note or "").strip()[:TEXT_MAX]
    with transaction.atomic():
        locked = Finding.objects.select_for_update().select_related("audit").filter(pk=finding.pk).first()
        if locked is None or locked.done_on is not None:
            raise ServiceError("__all__", "This action is already marked as done")
        audit = locked.audit  # as it is now, not as the caller last read it
        if by.pk not in (locked.owner_id, audit.auditor_id):
            raise ServiceError("__all__", "Only the action's owner or the auditor marks it done")
        if audit.state == Audit.State.DRAFT:
            raise ServiceError("__all__", "Actions are tracked once the audit is completed")
        locked.done_on = on
        locked.done_by = by
        locked.done_note = note
        locked.save(update_fields=["done_on", "done_by", "done_note"])
        audit_event(
            actor=by,
            action="quality_finding.done",
            obj=locked,
            organisation_id=audit.organisation_id,
            acting_as="owner" if by.pk == locked.owner_id else "auditor",
            detail={"audit": audit.pk},
        )
    return locked
