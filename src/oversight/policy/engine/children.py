"""Children: each child's case review against the interval for the child's status, and the
direction due after each case review.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..pack import CaseReviewRule, Period, PolicyPack
from ..scenario import Child
from .common import Obligation, _deadline, _describe, _Index, _iso, clock


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
