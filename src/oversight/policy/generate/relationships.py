"""Relationships and agreements: who supervises whom, when, and the supervision
agreements signed and reviewed in each relationship.

A post holder is supervised by whoever holds the post above; while that post is
vacant, by the holder of the post above that. A student has a practice educator from
the team for personal supervision and the team manager for the rest. Relationships end
and start as people come and go; each has at most one agreement with its reviews.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from .people import Person, Slot
from .shape import EDUCATORS
from .state import Generator
from .workdays import DAY, FAR


def _overlaps(slot: Slot | None, a: date, b: date) -> list[tuple[date, date, Person]]:
    """Each holder of ``slot`` between a and b, with the part of a..b they held it."""
    if slot is None:
        return []
    out = []
    for occ in slot.occupants:
        end = occ.left or FAR
        if end < a or occ.started > b:
            continue
        out.append((max(a, occ.started), min(b, end), occ))
    return out


def _supervisor_spells(sup_slot: Slot | None, a: date, b: date) -> list[tuple[date, date, Person]]:
    """Who supervised a post holder between a and b: the post above, or the one above that
    while it was vacant."""
    spells: list[tuple[date, date, Person]] = []
    cursor = a
    for frm, to, occ in _overlaps(sup_slot, a, b):
        if frm > cursor and sup_slot is not None:
            spells += _overlaps(sup_slot.sup, cursor, frm - DAY)
        spells.append((frm, to, occ))
        cursor = to + DAY if to < FAR else FAR
    if cursor <= b and sup_slot is not None and cursor < FAR:
        spells += _overlaps(sup_slot.sup, cursor, b)
    return spells


def build_people_and_relationships(g: Generator) -> None:
    """Everyone in post during the window (``g.people``, numbered p1, p2, ... in order of
    start, students last) and their supervision spells."""
    rng = g.rng
    w0 = g.w0
    everyone: list[Person] = []
    for slot in g.slots:
        everyone += slot.occupants
    for slot in g.slots:
        everyone += slot.students
    for person in everyone:
        end = person.left or FAR
        spells: list[tuple[date, date, Person, tuple[str, ...] | None]]
        if person.slot is not None:
            spells = [(f, t, s, None) for f, t, s in _supervisor_spells(person.slot.sup, person.started, end)]
        else:  # a student: a practice educator for personal supervision, the team manager for the rest
            team = person.team
            assert team is not None
            last = min(end, g.as_of)
            educators = [
                occ
                for r in team.reports
                if r.role in EDUCATORS
                for occ in r.occupants
                if occ.present(person.started) and occ.present(last)
            ]
            tm_spells = _supervisor_spells(team, person.started, end)
            if educators:
                pe = educators[rng.randrange(len(educators))]
                pe_end = min(end, pe.left or FAR)
                spells = [(f, t, s, ("case", "group")) for f, t, s in tm_spells]
                spells.append((person.started, pe_end, pe, ("personal",)))
            else:
                spells = [(f, t, s, None) for f, t, s in tm_spells]
        person.spells = [(f, None if t == FAR else t, s, k) for f, t, s, k in spells if t >= w0 and s is not person]
        person.spells.sort(key=lambda sp: sp[0])
    g.people = [p for p in everyone if p.left is None or p.left >= w0]
    g.people.sort(key=lambda p: (p.slot is None, p.started))
    for number, person in enumerate(g.people, 1):
        person.id = f"p{number}"


def relationship_items(p: Person) -> list[dict[str, Any]]:
    """The scenario's relationship objects for ``p`` as supervisee."""
    out = []
    for frm, to, sup, kinds in p.spells:
        item: dict[str, Any] = {"supervisor": sup.id, "supervisee": p.id, "from": frm.isoformat()}
        if to is not None:
            item["to"] = to.isoformat()
        if kinds is not None:
            item["kinds"] = list(kinds)
        out.append(item)
    return out


def agreement_items(g: Generator, p: Person) -> list[dict[str, Any]]:
    """The agreement objects for ``p``'s relationships: most signed on time, some late or
    missing (more often for cover), reviews mostly on time and sometimes lapsing."""
    rng = g.rng
    rule = g.pack.agreement
    as_of = g.as_of
    out = []
    for frm, to, sup, _ in p.spells:
        cover = p.slot is not None and sup.slot is not (p.slot.sup if p.slot else None)
        due = rule.due_within.add_to(frm) if rule.due_within is not None else frm
        r = rng.random()
        if cover and r < 0.5:
            continue
        if rule.due_within is None:
            if r < 0.55:
                signed = frm
            elif r < 0.85:
                signed = frm + g.days(1, 21)
            elif r < 0.9:
                signed = frm + g.days(22, 90)
            else:
                continue
        elif r < 0.8:
            signed = frm + timedelta(days=rng.randint(0, (due - frm).days))
        elif r < 0.9:
            signed = due + g.days(1, 40)
        else:
            continue
        last = min(to or as_of, as_of)
        if signed > last:
            continue
        reviewed: list[str] = []  # ISO dates
        lapse = rng.randint(0, 6) if rng.random() < 0.08 else None  # reviews stop
        base = signed
        while True:
            review_due = rule.review_every.add_to(base)
            if lapse is not None and len(reviewed) >= lapse:
                break
            r = rng.random()
            day = review_due - g.days(0, 20) if r < 0.85 else review_due + g.days(1, 60)
            day = max(day, base + DAY)
            if day > last:
                break
            reviewed.append(day.isoformat())
            base = day
        out.append({"supervisor": sup.id, "supervisee": p.id, "signed": signed.isoformat(), "reviewed": reviewed})
    return out
