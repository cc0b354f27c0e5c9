"""The workforce: supervisors' ratios, observations of practice, ASYE reviews, and cover
for a supervisor's long absence.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from datetime import timedelta

from .. import clocks
from ..pack import PolicyPack
from ..scenario import Relationship, Session
from .common import Obligation, _deadline, _Index, _iso


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
