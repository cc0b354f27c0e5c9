"""Supervision file items for the local demo (oversight.demo): for each authority, a social
worker's file holds an item of every part (preparation for her next session, her self-care or
wellbeing plans reviewed, objectives with progress, an attendance note, a referral and an
anonymised compliment, and restorative steps), an ASYE portfolio review where the council keeps
one, and a colleague's performance improvement plan. All written through the services, so the
audit trail holds them too."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from oversight.organisations.models import Organisation
from oversight.people.models import Person
from oversight.sessions.models import Session
from oversight.supervision.models import Relationship

from .kinds import Kind, kinds_for
from .models import FileItem
from .services import item_create, item_review, item_step

# Answers by question id, as a supervisee or supervisor might write them. Children by ID only.
ANSWERS: dict[str, Any] = {
    "agenda_items": [
        "Workload: two new allocations this month",
        "Court statement due for LCS204511",
        "Booking my CPD day",
    ],
    "on_my_mind": "Feeling stretched since the duty week; would like to talk about how I plan visits.",
    "caseload_themes": "Brought three case summaries up to date after running the report; two visits show as overdue but were done.",
    "looking_after_myself": "Walking at lunchtime again and logging off by six on most days.",
    "children_progress": "LCS204511 (CP): seen alone on 3 and 17 of this month, scaling up from 4 to 6. LCS198230 (CIN): plan on track.",
    "cpd": "Logged the trauma-informed practice session on my Social Work England CPD record.",
    "appraisal_progress": "Chairing core groups: chaired two this month with the practice lead observing.",
    "previous_actions": "Sent the chronology to the practice lead; booked the court skills course.",
    "learning_development": "Reflecting on the KSS on analysis and decision-making after the legal planning meeting.",
    "objectives_progress": "On track with my objective on direct work; behind on recording timeliness.",
    "worrying": "A baby on my caseload whose parents have missed two health appointments.",
    "working_well": "The family group conference plan for another family is holding.",
    "decided": "Asked the health visitor for a joint visit this week.",
    "help_today": "Whether the missed appointments meet the threshold for a strategy discussion.",
    "key_dates": "Core group for A.B. on the 14th; review conference for C.D. on the 28th.",
    "from_my_journal": "My entry on working with fathers who are hard to reach.",
    "welfare": "Some late finishes after the last two strategy meetings.",
    "plan": "Protected lunch break three days a week; debrief with my supervisor after any distressing visit.",
    "formulation": "Back-to-back court work and visits late in the day leave me drained; I find it hard to switch off.",
    "fit": "Fits around school pick-up on Tuesdays and Thursdays; the team covers duty on those afternoons.",
    "barriers": "Diary pressure on duty weeks. We agreed I book the lunch breaks as appointments.",
    "early_signs": "Not sleeping well, putting off recording, going quiet in team meetings.",
    "what_helps": ["A short debrief the same day", "Time to write up straight after visits", "Walking at lunchtime"],
    "support_agreed": "Debrief offered after any distressing visit; flexible start after late meetings.",
    "keeps_me_well": "Regular breaks, knowing my diary for the week, and time with the team in the office.",
    "triggers": "Several urgent tasks landing at the end of the day.",
    "support_from_manager": ["Check in after difficult visits", "Help me prioritise on duty weeks"],
    "what_i_will_do": "Tell my manager early when work is piling up; use the employee assistance line if I need it.",
    "matter": "Caring for a parent who is unwell; some days I need to leave promptly.",
    "impact_on_work": "Occasional late starts; I cannot stay for meetings after five.",
    "pressures": ["Demands: caseload of 19 with two in proceedings", "Change: new recording system"],
    "impact": "Tired and finding it hard to keep up with recording.",
    "actions": [
        "Caseload capped at 17 for two months (team manager)",
        "Recording support from business support (team manager)",
    ],
    "objective": "Chair core group meetings confidently and on time, with minutes circulated within five working days.",
    "what_good_looks_like": "Three core groups chaired with feedback from the practice lead; minutes sent on time.",
    "support": "Observation by the practice lead; the chairing skills workshop.",
    "quarter": "This quarter",
    "objectives": ["Complete all assessments within timescale", "Lead one piece of direct work with a sibling group"],
    "measures": "Performance report each month; feedback from the family.",
    "learning": "Using genograms with fathers opened up conversations the family had avoided.",
    "kss_evidence": "KSS 2 (child development) and 6 (analysis, decision-making, planning and review).",
    "development_goals": ["Use genograms in the next two assessments", "Shadow a family group conference"],
    "for_appraisal": "Evidence of developing direct work skills.",
    "evidence": "Two direct observations, a reflective log on a strategy discussion and feedback from a family.",
    "capabilities": ["Intervention and skills", "Critical reflection and analysis"],
    "next_steps": "Build confidence in presenting at child protection conferences.",
    "concern": "Assessments completed late on four of the last six; recording behind by up to three weeks.",
    "strengths": "Warm, trusted relationships with families; thorough direct work.",
    "supervisee_view": "Two long sickness absences in the team meant extra duty cover; agrees recording has slipped.",
    "goals": ["Assessments completed within timescale", "Recording up to date within five working days of each visit"],
    "review_by": 30,  # days from the item's date
    "discussion": "Return-to-work discussion after five days' sickness absence. Fit to return; no adjustments needed beyond a phased duty rota.",
    "adjustments": ["No duty for the first week back"],
    "absence_from": -12,
    "absence_to": -7,
    "reason": "Back pain when driving to visits; a workstation and driving assessment was requested.",
    "outcome": "Assessment done; a new chair and a lumbar support provided.",
    "referred_on": 0,
    "received_on": 0,
    "summary": "A parent thanked the worker for explaining the plan clearly and for listening to their child.",
    "target_date": 120,
    "held_on": 0,
    "who": "Supervisee and supervisor",
    "discussed": "Sessions were being moved at short notice and felt rushed; we looked at the agreement again.",
    "facilitator": "The service manager, facilitating",
    "what_happened": "Two sessions cancelled at short notice; the supervisee felt her development was not being discussed.",
    "what_worked_well": "Honest conversation; both wanted supervision to work.",
    "what_we_learn": "Book the next session before leaving each one; keep a standing item for development.",
    "supervisee_actions": ["Bring one development question to each session"],
    "organisational_actions": ["Team manager to protect supervision time on duty weeks"],
}
CHOICES = {"step": 0, "review_point": 0, "service": 2, "note_type": 0, "type": 0}


def _answers(kind: Kind, on: date) -> dict[str, Any]:
    content: dict[str, Any] = {}
    for question in kind.fields:
        value = ANSWERS.get(question.id)
        if question.type == "choice":
            content[question.id] = (question.choices or [])[
                min(CHOICES.get(question.id, 0), len(question.choices or []) - 1)
            ].value
        elif question.type == "date":
            content[question.id] = on + timedelta(days=value if isinstance(value, int) else 0)
        elif question.type == "list":
            content[question.id] = value if isinstance(value, list) else [str(value or question.label)]
        elif value is not None:
            content[question.id] = str(value)
    if "outcome" in content and kind.id == "resolution_step":
        content["outcome"] = "Agreed to book sessions three months ahead and to review the agreement in two months."
    return content


def _person(organisation: Organisation, key: str) -> Person | None:
    return organisation.people.filter(user__username=f"{organisation.slug}.{key}").first()


def _supervisor(person: Person, today: date) -> Person | None:
    relationship = (
        Relationship.objects.filter(supervisee=person, start__lte=today, end__isnull=True)
        .select_related("supervisor")
        .first()
    )
    return relationship.supervisor if relationship is not None else None


def _author(kind: Kind, supervisee: Person, supervisor: Person, manager: Person | None) -> Person:
    if "supervisee" in kind.writers:
        return supervisee
    if "supervisor" in kind.writers:
        return supervisor
    assert manager is not None
    return manager


def seed_demo(organisation: Organisation, today: date) -> list[FileItem]:
    """Write the demo's supervision file items for ``organisation`` (see the module's docstring)."""
    kinds = kinds_for(organisation)
    worker = _person(organisation, "sw1")
    if worker is None:
        return []
    supervisor = _supervisor(worker, today)
    if supervisor is None:
        return []
    manager = supervisor.line_manager
    made: list[FileItem] = []

    def write(kind: Kind, person: Person, by: Person, on: date, **extra: Any) -> FileItem:
        item = item_create(
            subject=person, kind_id=kind.id, by=by, on=on, content=_answers(kind, on), today=today, **extra
        )
        made.append(item)
        return item

    for kind in kinds.kinds:
        if kind.action is not None or kind.id in ("asye_portfolio_review", "improvement_plan"):
            continue
        if kind.links_session:
            session = (
                Session.objects.filter(supervisee=worker, status=Session.Status.PLANNED, date__gte=today)
                .order_by("date", "pk")
                .first()
            )
            write(kind, worker, worker, today - timedelta(days=1), session=session)
            continue
        on = today - timedelta(days={"wellbeing": 150, "objectives": 200}.get(kind.part, 60))
        item = write(kind, worker, _author(kind, worker, supervisor, manager), on)
        if kind.reviewable:
            for days_ago in (110, 20) if kind.part == "objectives" else (40,):
                review_on = today - timedelta(days=days_ago)
                if review_on >= item.on:
                    item_review(item=item, by=supervisor, on=review_on, note=_review_note(kind), today=today)

    asye_kind = kinds.kind("asye_portfolio_review")
    asye = _person(organisation, "asye1")
    asye_supervisor = _supervisor(asye, today) if asye is not None else None
    if asye_kind is not None and asye is not None and asye_supervisor is not None and asye.asye_start is not None:
        review_on = min(asye.asye_start + timedelta(days=92), today)
        write(asye_kind, asye, asye_supervisor, review_on)

    plan_kind = kinds.kind("improvement_plan")
    colleague = _person(organisation, "sw4")
    colleague_supervisor = _supervisor(colleague, today) if colleague is not None else None
    if plan_kind is not None and colleague is not None and colleague_supervisor is not None:
        plan = write(plan_kind, colleague, colleague_supervisor, today - timedelta(days=75))
        item_review(
            item=plan,
            by=colleague_supervisor,
            on=today - timedelta(days=45),
            note="Assessments now on time; recording still two weeks behind. Enhanced supervision continues fortnightly.",
            today=today,
        )
        escalation = plan_kind.step("escalated_to_hr")
        if escalation is not None and organisation.policy_pack == "leeds-2023":
            item_step(
                item=plan,
                by=colleague_supervisor,
                step_id=escalation.id,
                on=today - timedelta(days=10),
                note="No sustained improvement in recording; met the line manager and HR adviser, who advised a formal review.",
                today=today,
            )
    return made


def _review_note(kind: Kind) -> str:
    if kind.part == "objectives":
        return "Progress discussed in supervision: on track, one core group chaired with good feedback."
    if kind.part == "wellbeing":
        return "Still working for her; added a debrief after court hearings."
    return "Followed up: outcome received and discussed."
