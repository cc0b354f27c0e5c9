"""Reads: a survey's results in aggregate, the surveys a member of staff may answer or manage,
and the feedback on a record.

Results. The page offers one breakdown at a time (everyone, by service, by team, by role band)
and one question or all. Every group any breakdown can show is a candidate cell; which are
shown is decided once for the survey over all of them together (suppression.decide), so no
combination of the page's filters gives away an answer. Groups are tried broadest first:
everyone, then services, role bands and teams, larger before smaller. A group that is not
shown says "fewer than 5 responses", or that showing it would let fewer than 5 people's
answers be worked out from the other figures. Results are read only once the survey has
closed and been sealed: figures that moved while it was open would let a reader subtract
before from after.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count

from oversight.people.models import Person, Service, Team
from oversight.records.models import Record

from .access import feedback_spec, may_answer, staff_in_supervision
from .models import RecordFeedback, Survey, SurveyParticipation
from .questions import Question
from .suppression import MINIMUM, PUBLISHED, TOO_FEW, Candidate, Decision, decide

OVERALL, SERVICE, TEAM, BAND = "overall", "service", "team", "band"
DIMENSIONS = {OVERALL: "Everyone", SERVICE: "Service", TEAM: "Team", BAND: "Role band"}
NONE = "none"  # the group of responses with no team (or service) recorded


@dataclass(frozen=True)
class OptionCount:
    label: str
    count: int
    percent: int


@dataclass
class Group:
    """One row of a breakdown: figures when the group is shown, else why not."""

    dimension: str
    value: str
    label: str
    reason: str
    size: int | None = None  # only when shown
    counts: dict[str, list[OptionCount]] = field(default_factory=dict)

    @property
    def shown(self) -> bool:
        return self.reason == PUBLISHED

    @property
    def why_not(self) -> str:
        if self.reason == TOO_FEW:
            return f"Fewer than {MINIMUM} responses"
        return f"Not shown: with the other figures it would show the answers of fewer than {MINIMUM} people"


@dataclass
class Results:
    survey: Survey
    questions: list[Question]
    responses: int
    eligible: int
    dimension: str
    question: Question | None
    groups: list[Group]

    @property
    def response_rate(self) -> int | None:
        return round(100 * self.responses / self.eligible) if self.eligible else None

    @property
    def asked(self) -> list[Question]:
        return [self.question] if self.question is not None else self.questions

    @property
    def any_shown(self) -> bool:
        return any(g.shown for g in self.groups)

    def rows_for(self, question: Question) -> list[TableRow]:
        """The table of one question: a row per group, its counts or why it is not shown."""
        return [TableRow(g.label, g.shown, g.counts.get(question.id, []), g.size, g.why_not) for g in self.groups]


@dataclass(frozen=True)
class TableRow:
    label: str
    shown: bool
    counts: list[OptionCount]
    size: int | None
    why_not: str


def survey_questions(survey: Survey) -> list[Question]:
    return [Question.model_validate(q) for q in survey.questions]


def _groups_offered(survey: Survey) -> list[tuple[str, str, str]]:
    """Every group the page can show, as (dimension, value, label), in the order tried."""
    organisation_id = survey.organisation_id
    groups = [(OVERALL, "", "Everyone")]
    groups += [(SERVICE, str(s.pk), s.name) for s in Service.objects.filter(organisation_id=organisation_id)]
    groups.append((SERVICE, NONE, "No service recorded"))
    groups += [(BAND, b["id"], b["label"]) for b in survey.bands]
    groups += [(TEAM, str(t.pk), t.name) for t in Team.objects.filter(organisation_id=organisation_id)]
    groups.append((TEAM, NONE, "No team recorded"))
    return groups


def _keys_of(row: dict[str, Any]) -> list[tuple[str, str]]:
    """The groups a response is in, one per breakdown."""
    service, team = row["service_id"], row["team_id"]
    return [
        (OVERALL, ""),
        (SERVICE, str(service) if service is not None else NONE),
        (TEAM, str(team) if team is not None else NONE),
        (BAND, row["role_band"]),
    ]


@dataclass
class Decided:
    rows: list[dict[str, Any]]
    offered: list[tuple[str, str, str]]
    members: dict[tuple[str, str], frozenset[int]]
    decisions: dict[tuple[str, str], Decision]


def decisions_for(survey: Survey) -> Decided:
    """The responses, the groups offered, who is in each and whether each is shown."""
    rows: list[dict[str, Any]] = [
        dict(r) for r in survey.responses.values("team_id", "service_id", "role_band", "answers")
    ]
    offered = _groups_offered(survey)
    buckets: dict[tuple[str, str], set[int]] = defaultdict(set)
    for index, row in enumerate(rows):
        for key in _keys_of(row):
            buckets[key].add(index)
    members = {(d, v): frozenset(buckets.get((d, v), ())) for d, v, _label in offered}
    # Broadest first within each kind, larger groups before smaller, ties by id: never by name,
    # so that renaming a team cannot change what is shown.
    order = {OVERALL: 0, SERVICE: 1, BAND: 2, TEAM: 3}
    ranked = sorted(offered, key=lambda g: (order[g[0]], -len(members[g[0], g[1]]), g[1]))
    decisions = decide([Candidate((d, v), members[d, v]) for d, v, _ in ranked])
    return Decided(rows, offered, members, {decision.key: decision for decision in decisions})  # type: ignore[misc]


def _counts(question: Question, answers: list[str]) -> list[OptionCount]:
    tally = Counter(answers)
    total = len(answers)
    return [
        OptionCount(option.label, tally[option.id], round(100 * tally[option.id] / total) if total else 0)
        for option in question.options
    ]


def results_for(survey: Survey, dimension: str, question_id: str = "") -> Results:
    """The survey's results broken down by ``dimension``, for one question or all. The survey
    must be closed and sealed (services.survey_seal)."""
    assert survey.sealed, "results are read only from a sealed survey"
    questions = survey_questions(survey)
    question = next((q for q in questions if q.id == question_id), None)
    decided = decisions_for(survey)
    rows = decided.rows
    groups = []
    for dim, value, label in decided.offered:
        if dim != dimension:
            continue
        decision = decided.decisions[dim, value]
        group = Group(dim, value, label, decision.reason)
        if decision.published:
            members = [rows[i] for i in sorted(decided.members[dim, value])]
            group.size = len(members)
            for asked in [question] if question is not None else questions:
                group.counts[asked.id] = _counts(asked, [row["answers"].get(asked.id, "") for row in members])
        groups.append(group)
    return Results(
        survey=survey,
        questions=questions,
        responses=len(rows),
        eligible=staff_in_supervision(survey.organisation_id, survey.last_day),
        dimension=dimension,
        question=question,
        groups=groups,
    )


# --- the list page -------------------------------------------------------------------------------


@dataclass
class ToAnswer:
    survey: Survey
    answered: bool


def surveys_to_answer(viewer: Any) -> list[ToAnswer]:
    """The open surveys of the viewer's council they may answer, and whether they have."""
    person: Person | None = viewer.person
    if person is None:
        return []
    candidates = [
        s
        for s in Survey.objects.filter(organisation_id=person.organisation_id, closed_at__isnull=True)
        if s.status(viewer.on) == "open"
    ]
    if not candidates or not may_answer(viewer, candidates[0]):
        return []
    answered = set(
        SurveyParticipation.objects.filter(person=person, survey__in=candidates).values_list("survey_id", flat=True)
    )
    return [ToAnswer(s, s.pk in answered) for s in candidates]


STATUS_LABELS = {"scheduled": "Not open yet", "open": "Open", "closed": "Closed"}


@dataclass(frozen=True)
class Managed:
    survey: Survey
    responded: int
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def managed_surveys(organisation_id: int, today: date) -> list[Managed]:
    """Every survey of the council, with how many have responded and its status on ``today``."""
    surveys = Survey.objects.filter(organisation_id=organisation_id).annotate(responded=Count("participations"))
    return [Managed(s, s.responded, s.status(today)) for s in surveys]


def has_responded(survey: Survey, person: Person) -> bool:
    return SurveyParticipation.objects.filter(survey=survey, person=person).exists()


# --- feedback on a record ------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackAnswer:
    question: Question
    answer: str  # the option's label, or the words given


def feedback_answers(record: Record, feedback: RecordFeedback | None) -> list[FeedbackAnswer]:
    spec = feedback_spec(record)
    if spec is None or feedback is None:
        return []
    shown = []
    for question in spec.questions:
        given = feedback.answers.get(question.id, "")
        if given:
            shown.append(FeedbackAnswer(question, question.label_of(given) if question.kind == "choice" else given))
    return shown
