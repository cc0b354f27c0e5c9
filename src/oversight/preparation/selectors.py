"""The pre-supervision pack: what a supervisee and supervisor read before a session
(Leeds 4.7 pre-supervision report, "run a week before supervision"; Buckinghamshire
"Preparation for supervision"; Bristol App. 2 preparation sheet).

For one supervisee, as of one day and optionally for one planned session: the children
allocated (status, last seen, plan review and other key dates), those due for case review,
the open actions carried from earlier records (who, by when), the decisions of the last
record, the agreement with each current supervisor (signed? review due?), leave and
absence, and what supervision is owed (read from the obligation store,
oversight.compliance.models.Obligation).

Who may read it (``get_pack_subject_for``): the supervisee, their current supervisors and the
line-management chain above a current supervisor: the supervision standings of
oversight.access.reach (``SUPERVISION``). Read-only standings from outside the relationship
(quality assurance, HR, inspector, investigator) read the file itself, not this working
paper, and get a 404 here as everyone else does.

A supervisor for some kinds only (a case-only supervisor, Lambeth 3.6) gets the pack, cut
to the kinds they supervise: children and case reviews only with case supervision; records,
their decisions and actions only of sessions of those kinds that the access policy lets
them read; agreements only of the relationships they may see; obligations only for those
kinds. Leave and absence are shown to every reader of the pack: a case supervisor plans
around them as much as a line manager (they manage absences too, oversight.people).

Never shown: a record's confidential sections, its sections about individual children
(``per_child``) and every section other than its decisions and actions; the decisions of a
draft (the last record is the last one shared with the supervisee; open actions are listed
from every record the viewer may read, as on the supervision file); agreement content; and
case directions' text (a child's last case review shows its date and whether a direction is
still to go on the child's record, no more than the caseload page shows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Max, Q
from django.http import Http404

from oversight.access import policy
from oversight.access.reach import LINE_MANAGEMENT, SELF, SUPERVISION, SUPERVISOR, Viewer
from oversight.access.standings import person_standing
from oversight.cases.models import CaseReview, Child
from oversight.compliance.models import Obligation
from oversight.compliance.selectors import Obligations
from oversight.compliance.store import engine_obligation
from oversight.files.selectors import Preparation, preparation_summary
from oversight.people.models import Absence, Person
from oversight.people.views import explain
from oversight.records.models import Action, Record
from oversight.sessions.models import Session
from oversight.supervision.models import ALL_KINDS, Agreement, Relationship

CASE = "case"
# Children whose case review falls due up to this many days after the session (or today,
# with no session booked) are listed as due: the review can be held at that session
# (Leeds 4.7 runs the report a week before supervision; two weeks gives the week after too).
DUE_SOON_DAYS = 14
# The sections of a record that hold its decisions, by the ids the councils' templates use
# (Leeds and Lambeth "decisions", Lambeth App. B "what needs to happen", every template's
# "actions"). Shown in this order; confidential and per-child sections never are.
DECISION_SECTIONS = ("decisions", "what_needs_to_happen", "actions")
# Obligation statuses that mean "still owed".
OWED = ("upcoming", "pending", "overdue", "short", "needs_cover")
# Obligations shown elsewhere in the pack, or not about the supervisee.
NOT_LISTED = ("case_review", "case_direction", "ratio")
# The kind of supervision an obligation belongs to, where it is not a session's own kind.
KIND_OF_OBLIGATION = {
    "case_review": CASE,
    "case_direction": CASE,
    "observation": "observation",
    "asye_review": "personal",
    "absence_cover": "personal",
}


@dataclass
class ChildRow:
    child: Child
    last_seen: date | None
    plan_review: date | None
    key_dates: list[tuple[str, date | str]]
    last_review: date | None
    direction_pending: bool
    review: dict[str, Any] | None  # the case_review obligation, explained
    due_for_review: bool


@dataclass
class AgreementRow:
    relationship: Relationship
    agreement: Agreement | None
    signed_on: date | None
    waiting_for: list[str]
    last_reviewed: date | None
    readable: bool
    owed: dict[str, Any] | None  # the first agreement, where still owed
    review: dict[str, Any] | None  # the next review


@dataclass
class DecisionSection:
    title: str
    text: str


@dataclass
class LastRecord:
    record: Record
    sections: list[DecisionSection]
    actions: list[Action]


@dataclass
class PreparationPack:
    subject: Person
    standing: str
    kinds: frozenset[str]
    today: date
    session: Session | None
    horizon: date
    shows_children: bool
    children: list[ChildRow] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    last_record: LastRecord | None = None
    agreements: list[AgreementRow] = field(default_factory=list)
    current_absence: Absence | None = None
    planned_leave: list[Absence] = field(default_factory=list)
    owed: list[dict[str, Any]] = field(default_factory=list)
    preparation: Preparation | None = None  # the supervisee's preparation form (oversight.files)

    @property
    def all_kinds(self) -> bool:
        return self.kinds >= frozenset(ALL_KINDS)

    @property
    def due_for_review(self) -> list[ChildRow]:
        return [row for row in self.children if row.due_for_review]

    @property
    def is_new(self) -> bool:
        """Nothing to prepare from yet (a new starter): no children, no actions, no record
        shared and no agreement written. What is owed from the start is still shown."""
        return not (self.children or self.actions or self.last_record or any(row.agreement for row in self.agreements))


# --- who may read it ---------------------------------------------------------------------------


def pack_kinds(viewer: Viewer, subject: Person) -> frozenset[str]:
    """The kinds of supervision the viewer reaches ``subject``'s file by a supervision
    standing (self, supervisor, line management); empty means no pack for them."""
    return frozenset(k for k in ALL_KINDS if person_standing(viewer, subject, k) in SUPERVISION)


def get_pack_subject_for(viewer: Viewer, pk: int) -> tuple[Person, str, frozenset[str]]:
    """Fetch-and-check in one call: the supervisee, the viewer's standing (self, supervisor or
    line management) and the kinds the pack covers for them, or 404."""
    subject = (
        Person.objects.filter(pk=pk, organisation_id__in=list(viewer.reach.organisation_ids))
        .select_related("organisation", "team", "line_manager")
        .first()
    )
    if subject is None:
        raise Http404("No such person")
    kinds = pack_kinds(viewer, subject)
    if not kinds:
        raise Http404("No such person")
    standings = {person_standing(viewer, subject, k) for k in kinds}
    standing = next(s for s in (SELF, SUPERVISOR, LINE_MANAGEMENT) if s in standings)
    return subject, standing, kinds


def session_for_pack(viewer: Viewer, subject: Person, kinds: frozenset[str], session_id: str) -> Session | None:
    """The planned 1:1 session of ``subject`` named by ``session_id`` that the viewer may see,
    else None (whether it does not exist or is not theirs to see: the same answer)."""
    if not session_id.isdigit():
        return None
    return (
        policy.visible(viewer, "session")
        .filter(pk=int(session_id), supervisee=subject, kind__in=kinds, status=Session.Status.PLANNED)
        .select_related("supervisor")
        .first()
    )


def next_session_for(viewer: Viewer, subject: Person, kinds: frozenset[str], today: date) -> Session | None:
    """The subject's next planned 1:1 session that the viewer may see, if any."""
    return (
        policy.visible(viewer, "session")
        .filter(supervisee=subject, kind__in=kinds, status=Session.Status.PLANNED, date__gte=today)
        .select_related("supervisor")
        .order_by("date", "start_time", "pk")
        .first()
    )


# --- the pack ----------------------------------------------------------------------------------


def _parse_day(value: Any) -> date | str:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return str(value)


def _key_dates(child: Child) -> list[tuple[str, date | str]]:
    """Other key dates from the case system's export, soonest first (unreadable ones last)."""
    raw = getattr(child, "key_dates", None) or {}
    if not isinstance(raw, dict):
        return []
    items = [(str(name).replace("_", " "), _parse_day(value)) for name, value in raw.items()]
    return sorted(items, key=lambda item: (not isinstance(item[1], date), str(item[1]), item[0]))


def _explained(
    subject: Person, rows: list[Obligation], overdue: set[int], today: date, case_ids: dict[str, str]
) -> list[dict[str, Any]]:
    """Stored obligations in the words of the supervision file (``people.views.explain``);
    ``overdue`` holds the rows the store reads as overdue today (``overdue_on``), including
    those computed as upcoming before they fell due."""
    obligations = Obligations(pack=subject.organisation.pack, as_of=today, items=[], case_ids=case_ids)
    explained = []
    for row in rows:
        ob = engine_obligation(row)
        if row.pk in overdue:
            ob["status"] = "overdue"
        item = explain(obligations, ob)
        item["row"] = row
        explained.append(item)
    return explained


def _obligation_kind(row: Obligation) -> str | None:
    if row.kind in KIND_OF_OBLIGATION:
        return KIND_OF_OBLIGATION[row.kind]
    if row.session_kind:
        return row.session_kind
    if row.session_id is not None and row.session is not None:
        return row.session.kind
    return None


def build_pack(
    viewer: Viewer,
    subject: Person,
    standing: str,
    kinds: frozenset[str],
    today: date,
    session: Session | None = None,
) -> PreparationPack:
    """Everything the pack shows, as the viewer may see it (see the module's docstring)."""
    horizon = max(session.date if session is not None else today, today) + timedelta(days=DUE_SOON_DAYS)
    shows_children = CASE in kinds
    pack = PreparationPack(
        subject=subject,
        standing=standing,
        kinds=kinds,
        today=today,
        session=session,
        horizon=horizon,
        shows_children=shows_children,
    )
    owed = Obligation.objects.filter(organisation_id=subject.organisation_id, person=subject, status__in=OWED)
    stored = list(owed.select_related("session").order_by("due", "key"))
    overdue = set(owed.overdue_on(today).values_list("pk", flat=True))
    children = list(subject.caseload.order_by("case_id")) if shows_children else []
    case_ids = {f"c{child.pk}": child.case_id for child in children}
    explained = _explained(subject, stored, overdue, today, case_ids)

    # Children: allocated, with their dates, and when their case is next due for review.
    if children:
        last_review_of = {
            row["child"]: row["last"]
            for row in CaseReview.objects.filter(child__in=children).values("child").annotate(last=Max("date"))
        }
        last_pending = set(
            CaseReview.objects.filter(child__in=children, direction_recorded__isnull=True)
            .order_by()
            .values_list("child", flat=True)
        )
        review_due = {ob["row"].child_id: ob for ob in explained if ob["kind"] == "case_review" and ob["row"].child_id}
        for child in children:
            review = review_due.get(child.pk)
            due = review["due_date"] if review else None
            pack.children.append(
                ChildRow(
                    child=child,
                    last_seen=getattr(child, "last_seen", None),
                    plan_review=getattr(child, "plan_review", None),
                    key_dates=_key_dates(child),
                    last_review=last_review_of.get(child.pk),
                    direction_pending=child.pk in last_pending,
                    review=review,
                    due_for_review=review is not None and due is not None and due <= horizon,
                )
            )

    # Records the viewer may read, of sessions of the kinds the pack covers.
    readable = policy.visible(viewer, "record").filter(
        session__supervisee=subject, session__kind__in=kinds, session__organisation_id=subject.organisation_id
    )
    readable_ids = set(readable.values_list("pk", flat=True))
    pack.actions = [
        action
        for action in Action.objects.filter(done_on__isnull=True, record_id__in=readable_ids)
        .select_related("owner", "record__session")
        .order_by("due", "pk")
    ]
    shared = readable.exclude(status=Record.Status.DRAFT).select_related("session__organisation")
    if session is not None and shared.filter(session__kind=session.kind).exists():
        shared = shared.filter(session__kind=session.kind)
    last = shared.order_by("-session__date", "-pk").first()
    if last is not None:
        pack.last_record = _last_record(last)

    # Agreements: each current relationship the viewer may see.
    relationships = list(
        policy.visible(viewer, "relationship")
        .filter(supervisee=subject, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .select_related("supervisor")
        .prefetch_related("agreements__signatures__person", "agreements__reviews")
        .order_by("start", "pk")
    )
    readable_agreements = set(
        policy.visible(viewer, "agreement").filter(relationship__in=relationships).values_list("pk", flat=True)
    )
    by_key = {ob["id"]: ob for ob in explained}
    for relationship in relationships:
        agreement = next(iter(relationship.agreements.all()), None)  # newest first (Meta.ordering)
        pair = f"p{relationship.supervisor_id}:p{subject.pk}"
        waiting = []
        if agreement is not None and agreement.signed_on is None:
            signed = {s.party for s in agreement.signatures.all()}
            waiting = [party for party in ("supervisor", "supervisee") if party not in signed]
        reviews_done = [r.date for r in agreement.reviews.all()] if agreement is not None else []
        pack.agreements.append(
            AgreementRow(
                relationship=relationship,
                agreement=agreement,
                signed_on=agreement.signed_on if agreement is not None else None,
                waiting_for=waiting,
                last_reviewed=max(reviews_done) if reviews_done else None,
                readable=agreement is not None and agreement.pk in readable_agreements,
                owed=by_key.get(f"agreement:{pair}"),
                review=by_key.get(f"agreement_review:{pair}"),
            )
        )
    shown_pairs = {f"p{r.supervisor_id}:p{subject.pk}" for r in relationships}

    # Leave and absence: the current one, and planned leave to come.
    absences = list(Absence.objects.filter(person=subject).filter(Q(end__isnull=True) | Q(end__gte=today)))
    pack.current_absence = next((a for a in absences if a.start <= today), None)
    pack.planned_leave = sorted((a for a in absences if a.start > today), key=lambda a: a.start)

    # What is owed, for the kinds the pack covers.
    for ob in explained:
        if ob["kind"] in NOT_LISTED:
            continue
        if ob["kind"] in ("agreement", "agreement_review"):
            if ob["id"].split(":", 1)[1] not in shown_pairs:
                continue
        elif not pack.all_kinds and _obligation_kind(ob["row"]) not in kinds:
            continue
        pack.owed.append(ob)
    pack.owed.sort(key=lambda ob: (ob["status"] != "overdue", ob["due_date"] or date.max, ob["id"]))
    pack.preparation = preparation_summary(viewer, subject, standing, session)
    return pack


def _last_record(record: Record) -> LastRecord:
    """The decisions of a record: its decision sections (never confidential or per-child
    ones) and the actions agreed at it."""
    template = record.session.organisation.pack.template(record.template_id)
    content = record.content or {}
    by_id = {s.id: s for s in (template.sections if template else [])}
    sections = []
    for section_id in DECISION_SECTIONS:
        section = by_id.get(section_id)
        if section is None or section.confidential or section.per_child:
            continue
        text = str(content.get(section_id, "") or "").strip()
        if text:
            sections.append(DecisionSection(title=section.title, text=text))
    actions = list(record.actions.select_related("owner").order_by("due", "pk"))
    return LastRecord(record=record, sections=sections, actions=actions)
