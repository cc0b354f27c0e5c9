"""Reads for the child-data guard: what the scanner finds in a record, section by section, with
each finding's sentence, whether it was dismissed and whether the council's rules let it hold the
record back."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from oversight.cases.models import Child
from oversight.people.models import Person
from oversight.records.models import Record

from .keys import guard_key
from .models import ChildNameKey, DismissedFinding
from .rules import GuardRules, rules_for
from .scanner import Finding, NameIndex, Scanner, name_digest, sentence_around


@dataclass(frozen=True)
class RecordFinding:
    section: str
    section_title: str
    finding: Finding
    sentence_start: int
    sentence_end: int
    text: str  # the section's text
    blocks: bool
    note: str
    dismissed: DismissedFinding | None

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


def check_record(record: Record) -> RecordCheck:
    """Every finding in the record's sections, in the template's order."""
    session = record.session
    pack = session.organisation.pack
    rules = rules_for(pack.id)
    template = pack.template(record.template_id)
    titles = {s.id: s.title for s in template.sections} if template else {}
    order = [s.id for s in template.sections] if template else []
    scanner, caseload, names_checked = scanner_for(record)
    dismissed = {(d.section, d.kind, d.match_digest): d for d in record.dismissed_findings.all()}
    findings: list[RecordFinding] = []
    sections = sorted(record.content, key=lambda s: (order.index(s) if s in order else len(order), s))
    for section in sections:
        text = str(record.content.get(section) or "")
        for finding in scanner.scan(text):
            begin, end = sentence_around(text, finding.start, finding.end)
            rule = rules.rule(finding.kind)
            findings.append(
                RecordFinding(
                    section=section,
                    section_title=titles.get(section, section),
                    finding=finding,
                    sentence_start=begin,
                    sentence_end=end,
                    text=text,
                    blocks=rule.blocks,
                    note=rule.note,
                    dismissed=dismissed.get((section, finding.kind, match_digest(finding.kind, finding.text))),
                )
            )
    return RecordCheck(record, rules, caseload, names_checked, findings)
