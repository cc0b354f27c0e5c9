"""Sessions' paperwork and cancellations: the record of each held session (shared or signed,
and the supervisee's response), and the rearranging of each cancelled one.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from datetime import date
from typing import Any

from ..pack import PolicyPack
from .common import _ISO_CACHE, Obligation, _deadline, _Index, _iso, clock


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
