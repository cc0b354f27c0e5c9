"""The top level: the arguments checked, the steps run in order and the scenario
written as one compact JSON object, the large lists streamed as they are made.

The order of the steps is the order of the random draws: changing it changes every
scenario (the same arguments must give the same bytes).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from typing import Any, TextIO

from ..pack import get_pack
from .absences import make_absences, make_asye_reviews, make_hours
from .children import allocate_children, write_children
from .establishment import build_establishment, place_students, simulate_occupants
from .people import Person
from .relationships import agreement_items, build_people_and_relationships, relationship_items
from .sessions import SessionStream, group_sessions, person_sessions
from .shape import OBSERVERS
from .state import Generator, encode


def write_scenario(out: TextIO, *, staff: int, children: int, years: int, seed: int, policy: str, as_of: str) -> None:
    """Write one realistic scenario JSON object (compact, streamed) to ``out``.

    ``staff`` is the establishment (posts, about the headcount on ``as_of``; leavers
    and students come on top), ``children`` the children open on ``as_of``,
    ``years`` how far back sessions go. The same arguments give the same bytes.
    """
    try:
        day = date.fromisoformat(as_of)
    except ValueError:
        raise ValueError(f"--as-of: not a YYYY-MM-DD date: {as_of!r}") from None
    if staff < 1 or years < 1 or children < 0:
        raise ValueError("staff and years must be at least 1 and children at least 0")
    g = Generator(staff=staff, children=children, years=years, seed=seed, pack=get_pack(policy), as_of=day)
    write(g, out)


def generate_scenario(**kwargs: Any) -> str:
    """``write_scenario`` into a string (for tests and small runs)."""
    buf = io.StringIO()
    write_scenario(buf, **kwargs)
    return buf.getvalue()


def write(g: Generator, out: TextIO) -> None:
    """Simulate the service and write the scenario to ``out``."""
    build_establishment(g)
    simulate_occupants(g)
    place_students(g)
    build_people_and_relationships(g)
    make_absences(g)
    hours = make_hours(g)
    make_asye_reviews(g)
    children = allocate_children(g)
    g.observer_pool = [p for p in g.people if p.role in OBSERVERS]
    as_of = g.as_of

    out.write('{"policy":' + encode(g.pack.id) + ',"as_of":"' + as_of.isoformat() + '"')
    _write_list(out, "people", (_person_item(g, p) for p in g.people))
    _write_list(out, "relationships", (encode(item) for p in g.people for item in relationship_items(p)))
    _write_list(out, "agreements", (encode(item) for p in g.people for item in agreement_items(g, p)))
    _write_list(
        out,
        "absences",
        (
            encode({"person": p.id, "from": a.isoformat(), "to": b.isoformat() if b else None, "planned": pl})
            for p in g.people
            for a, b, pl in p.absences
        ),
    )
    _write_list(
        out,
        "hours",
        (f'{{"person":"{pid}","date":"{day.isoformat()}","hours":{encode(h)}}}' for pid, day, h in hours),
    )

    out.write(',"sessions":[')
    stream = SessionStream(g, out)
    for person in g.people:
        person_sessions(g, stream, person)
    group_sessions(g, stream)
    stream.flush()
    out.write("]")

    write_children(g, out, children)
    out.write("}\n")


def _write_list(out: TextIO, name: str, items: Iterable[str]) -> None:
    """Write ``,"name":[...]`` from already encoded items, in chunks."""
    out.write(f',"{name}":[')
    chunk: list[str] = []
    first = True
    for item in items:
        chunk.append(item)
        if len(chunk) >= 2000:
            out.write(("" if first else ",") + ",".join(chunk))
            first = False
            chunk = []
    if chunk:
        out.write(("" if first else ",") + ",".join(chunk))
    out.write("]")


def _person_item(g: Generator, p: Person) -> str:
    """One encoded person: their role on their last day, dates and ASYE reviews."""
    item: dict[str, Any] = {"id": p.id, "role": p.role_at(p.last_day(g.as_of)), "started": p.started.isoformat()}
    if p.left is not None:
        item["left"] = p.left.isoformat()
    if p.employment != "permanent":
        item["employment"] = p.employment
    if p.asye_start is not None:
        item["asye_start"] = p.asye_start.isoformat()
        item["asye_reviews"] = [d.isoformat() for d in p.asye_reviews]
    return encode(item)
