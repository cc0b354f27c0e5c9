"""Evaluation: a scenario and its policy pack in, obligations out.

Each ``_obligations_*`` function computes one kind of obligation of the contract
(``../shared/conformance/README.md``). Dates are never read from the clock:
``scenario.as_of`` is "today".

The package's modules, by family: ``common`` (the per-evaluation index, the caches of ISO
dates, clocks and period words, the deadline helpers), ``supervision`` (sessions against
each kind's interval; agreements), ``children`` (case reviews, case directions),
``records`` (session records; rearranging cancelled sessions) and ``workforce`` (ratios,
observations, ASYE reviews, absence cover). Everything is imported from here:
``from oversight.policy.engine import rules_for``.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from ..file_clocks import file_clock_obligations
from ..pack import PolicyPack
from ..scenario import Scenario
from .children import _obligations_case_directions as _obligations_case_directions
from .children import _obligations_case_review as _obligations_case_review
from .children import case_review_period
from .common import _CLOCKS as _CLOCKS
from .common import _DESCRIPTIONS as _DESCRIPTIONS
from .common import _ISO_CACHE as _ISO_CACHE
from .common import Obligation, clock
from .common import _Clock as _Clock
from .common import _deadline as _deadline
from .common import _deadline_status as _deadline_status
from .common import _describe as _describe
from .common import _Index as _Index
from .common import _iso as _iso
from .records import _obligations_rearrange as _obligations_rearrange
from .records import _obligations_records as _obligations_records
from .supervision import _held_index as _held_index
from .supervision import _obligations_agreements as _obligations_agreements
from .supervision import _obligations_supervision as _obligations_supervision
from .supervision import interval_for, next_due, rules_for
from .workforce import _obligations_absence_cover as _obligations_absence_cover
from .workforce import _obligations_asye_reviews as _obligations_asye_reviews
from .workforce import _obligations_observation as _obligations_observation
from .workforce import _obligations_ratio as _obligations_ratio

__all__ = [
    "Obligation",
    "case_review_period",
    "clock",
    "evaluate",
    "interval_for",
    "next_due",
    "rules_for",
]


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
