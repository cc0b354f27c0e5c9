"""Reads for the child-data guard: what the scanner finds in a record (its sections, then the text of
its actions, then its addenda), with each finding's sentence, where it is, whether it was dismissed
and whether the council's rules let it hold the record back.

Where a finding is (``RecordFinding.section``, the key a dismissal is kept under): a section of
the council's template by its id; ``action:<pk>`` for an action's text and
``action:<pk>:works_when`` for its "I will know this works when"; ``addendum:<pk>`` for an
addendum; ``addendum:new`` for the text of an addendum being written (``check_new_addendum``: not
yet saved, so nothing is dismissed in it). Template section ids never hold a colon
(oversight.policy.pack), so the keys cannot meet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import Q
from django.utils import timezone
from django.utils.dateformat import format as format_date

from oversight.cases.models import Child
from oversight.people.models import Person
from oversight.records.models import Action, Addendum, Record

from .keys import guard_key
from .models import ChildNameKey, DismissedFinding
from .rules import GuardRules, rules_for
from .scanner import Finding, NameIndex, Scanner, name_digest, sentence_around

Place = Literal["section", "action", "addendum"]
SECTION: Place = "section"
ACTION: Place = "action"
ADDENDUM: Place = "addendum"


def action_key(action_pk: int, field: str = "text") -> str:
    """Where a finding in an action is kept: its text, or its "I will know this works when"."""
    return f"action:{action_pk}" if field == "text" else f"action:{action_pk}:{field}"


def addendum_key(addendum_pk: int) -> str:
    return f"addendum:{addendum_pk}"


@dataclass(frozen=True)
class RecordFinding:
    section: str  # where it is, as a key (see the module's docstring)
    section_title: str  # where it is, as the page says it: "Wellbeing", "Action 2", "Addendum of 3 March 2026"
    finding: Finding
    sentence_start: int
    sentence_end: int
    text: str  # the text it was found in: the section's, the action's or the addendum's
    blocks: bool
    note: str
    dismissed: DismissedFinding | None
    place: Place = SECTION
    object_pk: int | None = None  # the action's or the addendum's
    field: str = ""  # the section's id, or the action's field ("text", "works_when"), or "text"

    @property
    def id(self) -> str:
        return f"{self.section}:{self.finding.start}-{self.finding.end}:{self.finding.kind}"

    @property
    def before(self) -> str:
        return self.text[self.sentence_start : self.finding.start]

    @property
    def match(self) -> str:
        return self.finding.text

    @property
    def after(self) -> str:
        return self.text[self.finding.end : self.sentence_end]

    @property
    def sentence(self) -> str:
        return self.text[self.sentence_start : self.sentence_end]

    @property
    def unresolved(self) -> bool:
        return self.blocks and self.dismissed is None

    @property
    def movable(self) -> bool:
        """An addendum is never moved out of: it is added to a record already agreed or final,
        and what was agreed is not changed (a correction is another addendum)."""
        return self.place != ADDENDUM


@dataclass
class RecordCheck:
    record: Record
    rules: GuardRules
    caseload: list[Child]
    names_checked: bool
    findings: list[RecordFinding]

    @property
    def unresolved(self) -> list[RecordFinding]:
        return [f for f in self.findings if f.unresolved]


def workers_of(record: Record) -> list[int]:
    """Whose caseload the record's children are on: the supervisee, or a group's attendees."""
    session = record.session
    if session.supervisee_id:
        return [session.supervisee_id]
    return list(session.attendees.values_list("pk", flat=True))


def match_digest(kind: str, text: str) -> str:
    """How a dismissed finding is known: a keyed hash of its kind and its text, case and spacing aside."""
    return name_digest(guard_key(), f"finding {kind} " + " ".join(text.casefold().split()))


def scanner_for(record: Record) -> tuple[Scanner, list[Child], bool]:
    """The scanner for the record's caseload, the caseload, and whether any names were imported."""
    workers = workers_of(record)
    caseload = list(Child.objects.filter(worker_id__in=workers, organisation_id=record.session.organisation_id))
    digests = dict(
        ChildNameKey.objects.filter(child__in=caseload).values_list("digest", "child__case_id").order_by("digest")
    )
    session = record.session
    # Staff names are never taken for a child's: the people at the session and their teams.
    present = [*workers, session.supervisor_id]
    teams = Person.objects.filter(pk__in=present, team_id__isnull=False).values("team_id")
    staff = Person.objects.filter(Q(pk__in=present) | Q(team_id__in=teams), organisation_id=session.organisation_id)
    staff_names = sorted(set(staff.values_list("name", flat=True)))
    names = NameIndex(guard_key(), digests) if digests else None
    return Scanner([c.case_id for c in caseload], names, staff_names), caseload, bool(digests)


def _action_places(actions: list[Action]) -> list[tuple[str, str, str, int, str]]:
    """(key, label, text, action pk, field) of each action's text, numbered as the record lists them."""
    places = []
    for n, action in enumerate(actions, start=1):
        places.append((action_key(action.pk), f"Action {n}", action.text, action.pk, "text"))
        if action.works_when.strip():
            label = f"Action {n} (I will know this works when)"
            places.append((action_key(action.pk, "works_when"), label, action.works_when, action.pk, "works_when"))
    return places


def _addendum_places(addenda: list[Addendum]) -> list[tuple[str, str, str, int, str]]:
    """(key, label, text, addendum pk, field) of each addendum, known by its day ("Addendum of 3
    March 2026"), and its time too where another was added the same day."""
    days = [timezone.localtime(a.created_at) for a in addenda]
    places = []
    for addendum, at in zip(addenda, days, strict=True):
        label = f"Addendum of {format_date(at, 'j F Y')}"
        if sum(1 for other in days if other.date() == at.date()) > 1:
            label += f", {format_date(at, 'H:i')}"
        places.append((addendum_key(addendum.pk), label, addendum.text, addendum.pk, "text"))
    return places


Where = tuple[Place, str, str, str, int | None, str]  # place, key, title, text, object's pk, field


def _scan(
    places: list[Where],
    scanner: Scanner,
    rules: GuardRules,
    dismissed: dict[tuple[str, str, str], DismissedFinding],
) -> list[RecordFinding]:
    """Each finding of the scanner in each place, in its sentence, with the council's rule for
    its kind and its dismissal, if any."""
    findings: list[RecordFinding] = []
    for place, key, title, text, object_pk, field in places:
        for finding in scanner.scan(text):
            begin, end = sentence_around(text, finding.start, finding.end)
            rule = rules.rule(finding.kind)
            findings.append(
                RecordFinding(
                    section=key,
                    section_title=title,
                    finding=finding,
                    sentence_start=begin,
                    sentence_end=end,
                    text=text,
                    blocks=rule.blocks,
                    note=rule.note,
                    dismissed=dismissed.get((key, finding.kind, match_digest(finding.kind, finding.text))),
                    place=place,
                    object_pk=object_pk,
                    field=field,
                )
            )
    return findings


def _dismissed(record: Record, addenda_only: bool = False) -> dict[tuple[str, str, str], DismissedFinding]:
    dismissals = record.dismissed_findings.all()
    if addenda_only:
        dismissals = dismissals.filter(section__startswith="addendum:")
    return {(d.section, d.kind, d.match_digest): d for d in dismissals}


def _addenda_of(record: Record) -> list[Addendum]:
    return list(Addendum.objects.filter(record=record).order_by("created_at", "pk"))


def check_record(record: Record) -> RecordCheck:
    """Every finding in the record: its sections in the template's order, then its actions in the
    record's order, then its addenda in the order they were added."""
    session = record.session
    pack = session.organisation.pack
    rules = rules_for(pack.id)
    template = pack.template(record.template_id)
    titles = {s.id: s.title for s in template.sections} if template else {}
    order = [s.id for s in template.sections] if template else []
    scanner, caseload, names_checked = scanner_for(record)
    sections = sorted(record.content, key=lambda s: (order.index(s) if s in order else len(order), s))
    places: list[Where] = [
        (SECTION, section, titles.get(section, section), str(record.content.get(section) or ""), None, section)
        for section in sections
    ]
    places += [(ACTION, *where) for where in _action_places(list(Action.objects.filter(record=record)))]
    places += [(ADDENDUM, *where) for where in _addendum_places(_addenda_of(record))]
    findings = _scan(places, scanner, rules, _dismissed(record))
    return RecordCheck(record, rules, caseload, names_checked, findings)


def unresolved_in_addenda(record: Record) -> list[RecordFinding]:
    """The findings in the record's addenda that hold it back (the council's rules) and that
    nobody dismissed: what the record's page points the supervisor to the check for, whatever
    the record's status (an addendum is added after the record was finalised). Reads only the
    addenda; none, and nothing is scanned."""
    addenda = _addenda_of(record)
    if not addenda:
        return []
    rules = rules_for(record.session.organisation.pack.id)
    scanner, _caseload, _names = scanner_for(record)
    places: list[Where] = [(ADDENDUM, *where) for where in _addendum_places(addenda)]
    return [f for f in _scan(places, scanner, rules, _dismissed(record, addenda_only=True)) if f.unresolved]


# The key and the title of the addendum being written: it has no pk yet, and nothing is dismissed in it.
NEW_ADDENDUM = "addendum:new"
NEW_ADDENDUM_TITLE = "The addendum"


def check_new_addendum(record: Record, text: str) -> list[RecordFinding]:
    """Every finding in the text of an addendum not yet added to ``record`` (read against the
    record's caseload and the council's rules, as the check reads the record's own addenda), in
    the order they come; ``unresolved`` on each says whether it holds the addendum back."""
    rules = rules_for(record.session.organisation.pack.id)
    scanner, _caseload, _names = scanner_for(record)
    return _scan([(ADDENDUM, NEW_ADDENDUM, NEW_ADDENDUM_TITLE, text, None, "text")], scanner, rules, {})
