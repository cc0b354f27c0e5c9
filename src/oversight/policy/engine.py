"""Evaluation: a scenario and its policy pack in, obligations out.

Each ``_obligations_*`` function computes one kind of obligation of the contract
(``../shared/conformance/README.md``). Dates are never read from the clock:
``scenario.as_of`` is "today".
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import itemgetter
from typing import Any

from . import clocks
from .file_clocks import file_clock_obligations
from .pack import CaseReviewRule, Period, PolicyPack, SupervisionRule
from .scenario import Child, Person, Relationship, Scenario, Session

Obligation = dict[str, Any]

_ONE_MONTH = Period(months=1)


_ISO_CACHE: dict[date, str] = {}


def _iso(day: date | None) -> str | None:
    """ISO text of a date, cached: a national scenario repeats a few thousand dates a million times."""
    if day is None:
        return None
    text = _ISO_CACHE.get(day)
    if text is None:
        text = _ISO_CACHE[day] = day.isoformat()
    return text


class _Clock:
    """A period's ``add_to`` with a cache per start date."""

    __slots__ = ("period", "cache")

    def __init__(self, period: Period):
        self.period = period
        self.cache: dict[date, date] = {}

    def __call__(self, start: date) -> date:
        due = self.cache.get(start)
        if due is None:
            due = self.cache[start] = self.period.add_to(start)
        return due


_CLOCKS: dict[int, _Clock] = {}
_DESCRIPTIONS: dict[int, tuple[Period, str]] = {}


def _describe(period: Period) -> str:
    """A period's words ('4 weeks'), cached: the same few periods are described for every person."""
    found = _DESCRIPTIONS.get(id(period))
    if found is None or found[0] is not period:
        found = _DESCRIPTIONS[id(period)] = (period, period.describe())
    return found[1]


def clock(period: Period) -> _Clock:
    """The cached clock of a pack's period (packs live for the whole process)."""
    found = _CLOCKS.get(id(period))
    if found is None or found.period is not period:
        found = _CLOCKS[id(period)] = _Clock(period)
    return found


def _deadline_status(due: date, done: date | None, as_of: date) -> str:
    """met / late once done; overdue / pending while not (on the due date is on time)."""
    if done is not None and done <= as_of:
        return "met" if done <= due else "late"
    return "overdue" if as_of > due else "pending"


def _deadline(
    ob_id: str, kind: str, due: date, done: date | None, as_of: date, pack: PolicyPack, rule: Any, **extra: Any
) -> Obligation:
    return {
        "id": ob_id,
        "kind": kind,
        "due": _iso(due),
        "done": _iso(done if done is not None and done <= as_of else None),
        "status": _deadline_status(due, done, as_of),
        "rule": rule.id,
        "source": pack.cite(rule),
        **extra,
    }


@dataclass
class _Index:
    """Look-ups built once per evaluation."""

    scenario: Scenario
    people: dict[str, Person] = field(default_factory=dict)
    active: dict[str, list[Relationship]] = field(default_factory=lambda: defaultdict(list))
    supervisees_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    relationships_of: dict[str, list[Relationship]] = field(default_factory=lambda: defaultdict(list))
    held: dict[tuple[str, str], list[date]] = field(default_factory=lambda: defaultdict(list))
    case_holders: set[str] = field(default_factory=set)
    hours: dict[str, list[tuple[date, float]]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, scenario: Scenario) -> _Index:
        index = cls(scenario)
        as_of = scenario.as_of
        index.people = {p.id: p for p in scenario.people}
        for rel in scenario.relationships:
            index.relationships_of[rel.supervisee].append(rel)
            supervisee = index.people[rel.supervisee]
            if (
                rel.from_ <= as_of
                and (rel.to is None or rel.to >= as_of)
                and (supervisee.left is None or supervisee.left >= as_of)
            ):
                index.active[rel.supervisee].append(rel)
                index.supervisees_of[rel.supervisor].add(rel.supervisee)
        held = index.held
        for session in scenario.sessions:
            if session.status == "held" and session.date <= as_of:
                kind, day = session.kind, session.date
                if session.attendees:
                    for pid in session.participants():
                        held[(pid, kind)].append(day)
                elif session.supervisee is not None:
                    held[(session.supervisee, kind)].append(day)
        for dates in index.held.values():
            dates.sort()
        index.case_holders = {child.worker for child in scenario.children}
        for entry in scenario.hours:
            if entry.date <= as_of:  # hours not yet worked on as_of count for nothing
                index.hours[entry.person].append((entry.date, entry.hours))
        for entries in index.hours.values():
            entries.sort()
        return index


def evaluate(scenario: Scenario, pack: PolicyPack, *, timings: bool = False) -> dict[str, Any]:
    """The report of the contract: {"policy", "as_of", "obligations": [...] sorted by id}.

    With ``timings=True`` (not part of the contract) the report also has "timings": one
    entry per held supervision session counted in a supervision obligation's ``history``,
    {"person", "session", "session_kind", "held", "due", "on_time", "rule", "source"},
    where ``due`` is the date that session was due against the one before it (None while
    an hours-based rule's threshold was not reached, which is on time).
    """
    index = _Index.build(scenario)
    obligations: list[Obligation] = []
    held_timings: list[dict[str, Any]] | None = [] if timings else None
    obligations += _obligations_supervision(index, pack, held_timings)
    obligations += _obligations_case_review(index, pack)
    obligations += _obligations_agreements(index, pack)
    obligations += _obligations_records(index, pack)
    obligations += _obligations_case_directions(index, pack)
    obligations += _obligations_rearrange(index, pack)
    obligations += _obligations_ratio(index, pack)
    obligations += _obligations_observation(index, pack)
    obligations += _obligations_asye_reviews(index, pack)
    obligations += _obligations_absence_cover(index, pack)
    obligations += file_clock_obligations(scenario, pack)  # only where the scenario has file_events
    obligations.sort(key=itemgetter("id"))
    report: dict[str, Any] = {"policy": pack.id, "as_of": scenario.as_of.isoformat(), "obligations": obligations}
    if held_timings is not None:
        report["timings"] = held_timings
    return report


def _held_index(scenario: Scenario) -> dict[tuple[str, str], list[tuple[date, str]]]:
    """(date, session id) of each held session per (participant, kind), by date: the sessions
    ``_Index.held`` counts, with their ids (built only when timings are asked for)."""
    as_of = scenario.as_of
    held: dict[tuple[str, str], list[tuple[date, str]]] = defaultdict(list)
    for session in scenario.sessions:
        if session.status == "held" and session.date <= as_of:
            if session.attendees:
                for pid in session.participants():
                    held[(pid, session.kind)].append((session.date, session.id))
            elif session.supervisee is not None:
                held[(session.supervisee, session.kind)].append((session.date, session.id))
    for entries in held.values():
        entries.sort()  # by date, then id: sessions held on one day are timed in a fixed order
    return held


# --- supervision -----------------------------------------------------------------


def rules_for(pack: PolicyPack, person: Person, case_holder: bool) -> dict[str, SupervisionRule]:
    """The supervision rule for each kind the pack requires of this person.

    A rule that names the person's employment type beats a general one.
    """
    chosen: dict[str, SupervisionRule] = {}
    for rule in pack.supervision:
        if person.role not in rule.roles:
            continue
        if rule.employment is not None and person.employment not in rule.employment:
            continue
        if rule.only_without_cases and case_holder:
            continue
        current = chosen.get(rule.kind)
        if current is None or (current.employment is None and rule.employment is not None):
            chosen[rule.kind] = rule
    return chosen


def interval_for(rule: SupervisionRule, person: Person, base: date) -> Period:
    """The interval of the phase in which ``base`` falls (phases count from the ASYE start)."""
    if rule.every is not None:
        return rule.every
    assert rule.phases is not None
    anchor = person.asye_start or person.started
    for phase in rule.phases:
        if phase.until is None or base < clock(phase.until)(anchor):
            return phase.every
    return rule.phases[-1].every


def next_due(rule: SupervisionRule, person: Person, base: date, hours: list[tuple[date, float]]) -> date | None:
    """Base + interval; for an hours-based rule, the later of that and the day the
    hours worked after base reach the threshold (None while they have not)."""
    due = clock(interval_for(rule, person, base))(base)
    if rule.hours_threshold is None:
        return due
    total = 0.0
    start = bisect.bisect_right(hours, (base, float("inf")))
    for day, worked in hours[start:]:
        total += worked
        if total >= rule.hours_threshold:
            return max(due, day)
    return None


def _obligations_supervision(
    index: _Index, pack: PolicyPack, held_timings: list[dict[str, Any]] | None = None
) -> list[Obligation]:
    as_of = index.scenario.as_of
    out: list[Obligation] = []
    by_participant: dict[tuple[str, str], list[tuple[date, str]]] | None = None
    if held_timings is not None:
        by_participant = _held_index(index.scenario)
    for pid, relationships in index.active.items():
        person = index.people[pid]
        rules = rules_for(pack, person, pid in index.case_holders)
        for kind, rule in rules.items():
            covering = [r for r in relationships if r.kinds is None or kind in r.kinds] or relationships
            relationship_start = min(r.from_ for r in covering)
            start = max(relationship_start, person.started)
            held = index.held.get((pid, kind), [])
            hours = index.hours.get(pid, [])
            since = held[bisect.bisect_left(held, relationship_start) :]
            late = 0
            previous = relationship_start  # the contract: the first is late against the relationship's start
            if by_participant is None:  # the contract's path, kept as lean as it was
                for day in since:
                    due_then = next_due(rule, person, previous, hours)
                    if due_then is not None and day > due_then:
                        late += 1
                    previous = day
            else:
                assert held_timings is not None
                sessions = by_participant.get((pid, kind), [])
                timed = sessions[len(sessions) - len(since) :]  # the same sessions as ``since``
                source = pack.cite(rule)
                for (day, session_id), _same_day in zip(timed, since, strict=True):
                    due_then = next_due(rule, person, previous, hours)
                    on_time = due_then is None or day <= due_then
                    if not on_time:
                        late += 1
                    held_timings.append(
                        {
                            "person": pid,
                            "session": session_id,
                            "session_kind": kind,
                            "held": _iso(day),
                            "due": _iso(due_then),
                            "on_time": on_time,
                            "rule": rule.id,
                            "source": source,
                        }
                    )
                    previous = day
            last = held[-1] if held else None
            base = last if last is not None else start
            due = next_due(rule, person, base, hours)
            out.append(
                {
                    "id": f"supervision:{kind}:{pid}",
                    "kind": "supervision",
                    "session_kind": kind,
                    "person": pid,
                    "supervisors": sorted({r.supervisor for r in covering}),
                    "due": _iso(due),
                    "last": _iso(last),
                    "status": "overdue" if due is not None and as_of > due else "upcoming",
                    "interval": _describe(interval_for(rule, person, base)),
                    "history": {"held": len(since), "late": late},
                    "rule": rule.id,
                    "source": pack.cite(rule),
                }
            )
    return out


# --- children --------------------------------------------------------------------


def case_review_period(rule: CaseReviewRule, child: Child) -> Period:
    """How often this child's case is reviewed: the rule's interval, or the manager's shorter
    one where the pack lets the manager shorten it (Buckinghamshire). ``rule.every`` itself when
    unchanged, so its cached clock is used."""
    period = rule.every
    if rule.manager_may_shorten and child.review_every_weeks is not None:
        ceiling = period.add_to(child.allocated) - child.allocated
        if timedelta(weeks=child.review_every_weeks) < ceiling:
            period = Period(weeks=child.review_every_weeks)
    return period


def _obligations_case_review(index: _Index, pack: PolicyPack) -> list[Obligation]:
    if not pack.case_review:
        return []
    scenario = index.scenario
    as_of = scenario.as_of
    rule_for_status = {status: rule for rule in pack.case_review for status in rule.statuses}
    latest: dict[str, date] = {}
    for review in scenario.case_reviews:
        if review.date <= as_of and (review.child not in latest or review.date > latest[review.child]):
            latest[review.child] = review.date
    out: list[Obligation] = []
    for child in scenario.children:
        rule = rule_for_status.get(child.status)
        if rule is None:
            continue
        period = case_review_period(rule, child)
        base = latest.get(child.id, child.allocated)
        due = clock(period)(base) if period is rule.every else period.add_to(base)
        flags = ["no_rationale"] if rule.rationale_required and not (child.rationale or "").strip() else []
        out.append(
            {
                "id": f"case_review:{child.id}",
                "kind": "case_review",
                "child": child.id,
                "worker": child.worker,
                "child_status": child.status,
                "due": _iso(due),
                "last": _iso(latest.get(child.id)),
                "status": "overdue" if as_of > due else "upcoming",
                "interval": _describe(period),
                "flags": flags,
                "rule": rule.id,
                "source": pack.cite(rule),
            }
        )
    return out


def _obligations_case_directions(index: _Index, pack: PolicyPack) -> list[Obligation]:
    rule = pack.case_direction
    if rule is None:
        return []
    as_of = index.scenario.as_of
    return [
        _deadline(
            f"case_direction:{review.id}",
            "case_direction",
            rule.within.add_to(review.date),
            review.direction_recorded,
            as_of,
            pack,
            rule,
            child=review.child,
            review_date=_iso(review.date),
        )
        for review in index.scenario.case_reviews
        if review.date <= as_of
    ]


# --- agreements ------------------------------------------------------------------


def _obligations_agreements(index: _Index, pack: PolicyPack) -> list[Obligation]:
    scenario = index.scenario
    as_of = scenario.as_of
    rule = pack.agreement
    pairs: dict[tuple[str, str], date] = {}
    for supervisee, relationships in index.active.items():
        for rel in relationships:
            key = (rel.supervisor, supervisee)
            if key not in pairs or rel.from_ < pairs[key]:
                pairs[key] = rel.from_
    signed: dict[tuple[str, str], list[date]] = defaultdict(list)
    latest_review: dict[tuple[str, str], date] = {}
    for agreement in scenario.agreements:
        key = (agreement.supervisor, agreement.supervisee)
        if agreement.signed is not None and agreement.signed <= as_of:
            signed[key].append(agreement.signed)
            for day in [agreement.signed, *agreement.reviewed]:
                if day <= as_of and (key not in latest_review or day > latest_review[key]):
                    latest_review[key] = day
    out: list[Obligation] = []
    for (supervisor, supervisee), start in sorted(pairs.items()):
        due = rule.due_within.add_to(start) if rule.due_within is not None else start
        done = min(signed[(supervisor, supervisee)]) if signed.get((supervisor, supervisee)) else None
        out.append(
            _deadline(
                f"agreement:{supervisor}:{supervisee}",
                "agreement",
                due,
                done,
                as_of,
                pack,
                rule,
                supervisor=supervisor,
                supervisee=supervisee,
            )
        )
        if done is not None:
            base = latest_review[(supervisor, supervisee)]
            review_due = rule.review_every.add_to(base)
            out.append(
                {
                    "id": f"agreement_review:{supervisor}:{supervisee}",
                    "kind": "agreement_review",
                    "supervisor": supervisor,
                    "supervisee": supervisee,
                    "due": _iso(review_due),
                    "last": _iso(base),
                    "status": "overdue" if as_of > review_due else "upcoming",
                    "rule": rule.id,
                    "source": pack.cite(rule),
                }
            )
    return out


# --- records ---------------------------------------------------------------------


def _obligations_records(index: _Index, pack: PolicyPack) -> list[Obligation]:
    if not pack.records:
        return []
    as_of = index.scenario.as_of
    rules_by_kind: dict[str, list[Any]] = defaultdict(list)
    for rule in pack.records:
        for kind in rule.kinds:
            rules_by_kind[kind].append(
                (
                    rule,
                    clock(rule.within),
                    clock(rule.respond_within) if rule.respond_within is not None else None,
                    "record_shared" if rule.clock == "shared" else "record_signed",
                    pack.cite(rule),
                )
            )
    out: list[Obligation] = []
    append = out.append
    iso = _ISO_CACHE.get
    for session in index.scenario.sessions:
        if session.status != "held" or session.date > as_of:
            continue
        for rule, within, respond_within, prefix, source in rules_by_kind.get(session.kind, ()):
            done = session.record_shared if prefix == "record_shared" else session.record_agreed
            if done is not None and done > as_of:
                done = None
            due = within.cache.get(session.date) or within(session.date)
            if done is not None:
                status = "met" if done <= due else "late"
            else:
                status = "overdue" if as_of > due else "pending"
            append(
                {
                    "id": f"{prefix}:{session.id}",
                    "kind": prefix,
                    "due": iso(due) or _iso(due),
                    "done": None if done is None else iso(done) or _iso(done),
                    "status": status,
                    "rule": rule.id,
                    "source": source,
                    "session": session.id,
                    "session_kind": session.kind,
                    "supervisor": session.supervisor,
                    "supervisee": session.supervisee,
                }
            )
            shared = session.record_shared
            if respond_within is not None and shared is not None and shared <= as_of:
                due = respond_within.cache.get(shared) or respond_within(shared)
                answered = (
                    session.record_agreed
                    if session.record_agreed is not None and session.record_agreed <= as_of
                    else None
                )
                if answered is not None:
                    status = "met" if answered <= due else "late"
                elif as_of > due:
                    status = "deemed_agreed" if rule.silence_is_agreement else "overdue"
                else:
                    status = "pending"
                append(
                    {
                        "id": f"record_response:{session.id}",
                        "kind": "record_response",
                        "due": iso(due) or _iso(due),
                        "done": None if answered is None else iso(answered) or _iso(answered),
                        "status": status,
                        "rule": rule.id,
                        "source": source,
                        "session": session.id,
                        "supervisor": session.supervisor,
                        "supervisee": session.supervisee,
                    }
                )
    return out


# --- cancellations ---------------------------------------------------------------


def _obligations_rearrange(index: _Index, pack: PolicyPack) -> list[Obligation]:
    rule = pack.rearrange
    if rule is None:
        return []
    scenario = index.scenario
    as_of = scenario.as_of
    held_by_key: dict[tuple[str, str], list[date]] = defaultdict(list)
    for session in scenario.sessions:
        if session.status == "held" and session.date <= as_of:
            key = session.supervisee if session.kind != "group" else f"group-of:{session.supervisor}"
            held_by_key[(session.kind, key or "")].append(session.date)
    for dates in held_by_key.values():
        dates.sort()
    out: list[Obligation] = []
    for session in scenario.sessions:
        if session.status != "cancelled" or session.kind not in rule.kinds:
            continue
        cancelled_on = session.cancelled_on or session.date
        if cancelled_on > as_of:
            continue
        if (
            session.reason in rule.after_return_reasons
            and session.return_to_work is not None
            and rule.after_return_within is not None
        ):
            due = rule.after_return_within.add_to(session.return_to_work)
        else:
            base = session.date if rule.counted_from == "original_date" else cancelled_on
            due = rule.within.add_to(base)
        key = session.supervisee if session.kind != "group" else f"group-of:{session.supervisor}"
        dates = held_by_key.get((session.kind, key or ""), [])
        position = bisect.bisect_left(dates, cancelled_on)
        done = dates[position] if position < len(dates) else None
        out.append(
            _deadline(
                f"rearrange:{session.id}",
                "rearrange",
                due,
                done,
                as_of,
                pack,
                rule,
                session=session.id,
                reason=session.reason,
                supervisor=session.supervisor,
                supervisee=session.supervisee,
            )
        )
    return out


# --- ratios, observations, ASYE, absence -------------------------------------------


def _obligations_ratio(index: _Index, pack: PolicyPack) -> list[Obligation]:
    rule = pack.ratio
    if rule is None:
        return []
    return [
        {
            "id": f"ratio:{supervisor}",
            "kind": "ratio",
            "supervisor": supervisor,
            "due": None,
            "count": len(supervisees),
            "limit": rule.limit,
            "status": "exceeded" if len(supervisees) > rule.limit else "ok",
            "rule": rule.id,
            "source": pack.cite(rule),
        }
        for supervisor, supervisees in sorted(index.supervisees_of.items())
        if supervisees
    ]


def _obligations_observation(index: _Index, pack: PolicyPack) -> list[Obligation]:
    if not pack.observations:
        return []
    scenario = index.scenario
    as_of = scenario.as_of
    window_start = clocks.add_months(as_of, -12)
    observations: dict[str, list[Session]] = defaultdict(list)
    for session in scenario.sessions:
        if (
            session.kind == "observation"
            and session.status == "held"
            and session.supervisee is not None
            and window_start < session.date <= as_of
        ):
            observations[session.supervisee].append(session)
    out: list[Obligation] = []
    for pid in sorted(index.active):
        person = index.people[pid]
        rule = next((r for r in pack.observations if person.role in r.roles), None)
        if rule is None:
            continue
        mine = observations.get(pid, [])
        relationships = index.relationships_of[pid]

        def by_a_supervisor(session: Session, relationships: list[Relationship] = relationships) -> bool:
            observer = session.observer or session.supervisor
            return any(
                rel.supervisor == observer and rel.from_ <= session.date and (rel.to is None or rel.to >= session.date)
                for rel in relationships
            )

        count = len(mine)
        by_supervisor = sum(1 for s in mine if by_a_supervisor(s))
        if rule.per_year is not None:
            required = rule.per_year
        else:
            assert rule.one_in_personal is not None
            personal = index.held.get((pid, "personal"), [])
            in_window = len(personal) - bisect.bisect_right(personal, window_start)
            required = (in_window + count) // rule.one_in_personal
        required_by_supervisor = rule.by_supervisor or 0
        short = count < required or by_supervisor < required_by_supervisor
        out.append(
            {
                "id": f"observation:{pid}",
                "kind": "observation",
                "person": pid,
                "due": _iso(as_of),
                "count": count,
                "by_supervisor": by_supervisor,
                "required": required,
                "required_by_supervisor": required_by_supervisor,
                "status": "short" if short else "ok",
                "rule": rule.id,
                "source": pack.cite(rule),
            }
        )
    return out


def _obligations_asye_reviews(index: _Index, pack: PolicyPack) -> list[Obligation]:
    rule = pack.asye_reviews
    if rule is None:
        return []
    as_of = index.scenario.as_of
    out: list[Obligation] = []
    for person in index.scenario.people:
        if person.role != "nqsw_asye" or (person.left is not None and person.left < as_of):
            continue
        anchor = person.asye_start or person.started
        reviews = sorted(person.asye_reviews)
        for position, months in enumerate(rule.months):
            done = reviews[position] if position < len(reviews) else None
            out.append(
                _deadline(
                    f"asye_review:{person.id}:{months}",
                    "asye_review",
                    clocks.add_months(anchor, months),
                    done,
                    as_of,
                    pack,
                    rule,
                    person=person.id,
                    month=months,
                )
            )
    return out


def _obligations_absence_cover(index: _Index, pack: PolicyPack) -> list[Obligation]:
    rule = pack.absence_cover
    if rule is None:
        return []
    as_of = index.scenario.as_of
    out: dict[str, Obligation] = {}
    for absence in index.scenario.absences:
        if rule.unplanned_only and absence.planned:
            continue
        if absence.from_ > as_of or (absence.to is not None and absence.to < as_of):
            continue
        last_day = absence.to if absence.to is not None else as_of
        if (last_day - absence.from_).days + 1 <= rule.longer_than_days:
            continue
        for supervisee in sorted(index.supervisees_of.get(absence.person, ())):
            ob_id = f"absence_cover:{absence.person}:{supervisee}"
            out[ob_id] = {
                "id": ob_id,
                "kind": "absence_cover",
                "supervisor": absence.person,
                "supervisee": supervisee,
                "due": _iso(absence.from_ + timedelta(days=rule.longer_than_days)),
                "absent_from": _iso(absence.from_),
                "absent_to": _iso(absence.to),
                "status": "needs_cover",
                "rule": rule.id,
                "source": pack.cite(rule),
            }
    return list(out.values())
