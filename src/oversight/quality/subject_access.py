"""Quality assurance's part of a subject access bundle (oversight.retention.subject_access):
the audits of the person's supervision files and the findings given to them, audits that
sampled their own supervision file, observations of their supervision, and their supervision
training. Audits and observations they carried out of other supervisors are about those
supervisors (third-party information) and are counted, not shown."""

from __future__ import annotations

from django.db.models import Q

from oversight.people.models import Person
from oversight.retention.subject_access import Entry, Part, Redactor

from .models import Audit, AuditAnswer, AuditFile, Finding, Observation, TrainingRecord
from .tools import AuditTool, ToolError, tool_for


def _tool(pack_id: str) -> AuditTool | None:
    try:
        return tool_for(pack_id)
    except ToolError:
        return None


def _answers(tool: AuditTool | None, answers: list[AuditAnswer], redactor: Redactor, path: str) -> str:
    lines = []
    for j, a in enumerate(answers):
        question = tool.question(a.question) if tool is not None else None
        label = a.answer
        if question is not None and tool is not None:
            option = tool.scale(question.scale).option(a.answer)
            label = option.label if option is not None else a.answer
        comment = redactor.text(a.comment, f"{path}.answers[{j}].comment")
        text = question.text if question is not None else a.question
        lines.append(f"{text}\n  Answer: {label}" + (f" ({comment})" if comment else ""))
    return "\n".join(lines)


def part(person: Person, redactor: Redactor) -> Part:
    entries: list[Entry] = []
    ids: dict[str, list[int]] = {
        Audit._meta.label_lower: [],
        Observation._meta.label_lower: [],
        TrainingRecord._meta.label_lower: [],
    }
    audits = (
        Audit.objects.filter(Q(supervisor=person) | Q(files__supervisee=person))
        .distinct()
        .select_related("supervisor", "auditor", "moderated_by")
        .order_by("started_on", "pk")
    )
    for i, audit in enumerate(audits):
        ids[Audit._meta.label_lower].append(audit.pk)
        path = f"quality_audits[{i}]"
        tool = _tool(audit.tool)
        about_you = audit.supervisor_id == person.pk
        facts = [
            ("Your part", "your supervision files were audited" if about_you else "your supervision file was sampled"),
            ("Supervisor", redactor.who(audit.supervisor, f"{path}.supervisor")),
            ("Auditor", redactor.who(audit.auditor, f"{path}.auditor")),
            ("Started", audit.started_on.isoformat()),
            ("State", audit.get_state_display()),
        ]
        texts: list[tuple[str, str]] = []
        if audit.completed_on is not None:
            facts.append(("Completed", audit.completed_on.isoformat()))
        if about_you:
            if audit.outcome:
                facts.append(("Auditor's outcome", tool.outcome_label(audit.outcome) if tool else audit.outcome))
            if audit.moderated_outcome:
                label = tool.outcome_label(audit.moderated_outcome) if tool else audit.moderated_outcome
                facts.append(("Moderated outcome", label))
                facts.append(("Moderated by", redactor.who(audit.moderated_by, f"{path}.moderated_by")))
            texts.append(("Auditor's summary", redactor.text(audit.summary, f"{path}.summary")))
            if audit.moderation_note:
                texts.append(("Moderation note", redactor.text(audit.moderation_note, f"{path}.moderation_note")))
            files = list(AuditFile.objects.filter(audit=audit).select_related("supervisee"))
            facts.append(("Files sampled", str(len(files))))
            findings = Finding.objects.filter(audit=audit).select_related("owner").order_by("added_on", "pk")
        else:
            # Only the sampled file that is the person's own: the rest are other supervisees'.
            files = list(AuditFile.objects.filter(audit=audit, supervisee=person).select_related("supervisee"))
            findings = Finding.objects.filter(audit=audit, owner=person).select_related("owner")
        for f in files:
            if f.supervisee_id == person.pk or about_you:
                answers = list(f.answers.order_by("pk"))
                whose = "your file" if f.supervisee_id == person.pk else "a supervisee's file"
                texts.append((f"Answers on {whose}", _answers(tool, answers, redactor, f"{path}.files[{f.pk}]")))
        for j, finding in enumerate(findings):
            owner = redactor.who(finding.owner, f"{path}.findings[{j}].owner")
            done = f"; done {finding.done_on.isoformat()}" if finding.done_on else ""
            texts.append(
                (
                    f"Finding: action for {owner}, due {finding.due.isoformat()}{done}",
                    redactor.text(f"{finding.text}\n{finding.action}", f"{path}.findings[{j}].text"),
                )
            )
        entries.append(Entry(title=f"Audit of supervision files #{audit.pk}", facts=facts, texts=texts))

    for i, ob in enumerate(
        Observation.objects.filter(supervisor=person).select_related("observer").order_by("observed_on", "pk")
    ):
        ids[Observation._meta.label_lower].append(ob.pk)
        path = f"quality_observations[{i}]"
        entries.append(
            Entry(
                title="Observation of your supervision",
                facts=[
                    ("Observed", ob.observed_on.isoformat()),
                    ("Observer", redactor.who(ob.observer, f"{path}.observer")),
                    ("Covered", ", ".join(str(e).replace("_", " ") for e in ob.elements or []) or "–"),
                    ("Your response", ob.responded_on.isoformat() if ob.responded_on else "not given"),
                ],
                texts=[
                    ("Strengths", redactor.text(ob.strengths, f"{path}.strengths")),
                    ("Areas to develop", redactor.text(ob.areas_to_develop, f"{path}.areas_to_develop")),
                    ("Your response", redactor.text(ob.response, f"{path}.response")),
                ],
            )
        )

    for i, t in enumerate(
        TrainingRecord.objects.filter(person=person).select_related("recorded_by").order_by("completed_on", "pk")
    ):
        ids[TrainingRecord._meta.label_lower].append(t.pk)
        entries.append(
            Entry(
                title=f"{t.get_kind_display()}: {t.course}",
                facts=[
                    ("Provider", t.provider),
                    ("Completed", t.completed_on.isoformat()),
                    ("Recorded by", redactor.who(t.recorded_by, f"quality_training[{i}].recorded_by")),
                ],
            )
        )
    done_for_others = (
        Audit.objects.filter(auditor=person).exclude(supervisor=person).count()
        + Observation.objects.filter(observer=person).count()
    )
    note = "Audits of your supervision files, audits that sampled your own file, observations of your supervision and your supervision training."
    if done_for_others:
        note += (
            f" You also carried out {done_for_others} audit{'s' if done_for_others != 1 else ''} or observation"
            f"{'s' if done_for_others != 1 else ''} of other supervisors: those are about them (third-party "
            "information) and are not included."
        )
    return Part(
        key="quality", title="Quality assurance of your supervision", note=note, entries=entries, audit_objects=ids
    )
