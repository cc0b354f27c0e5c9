"""The dashboards' figures, read from the obligation store with aggregate queries.

Nothing here runs the engine or loops over a whole authority in Python: each figure is one
or two GROUP BY queries over ``Obligation``, ``SupervisionHeld`` or ``Session``, limited to the
people the viewer's reach covers (``Scope``) and to the filters. A drill-down lists the rows
behind one cell of a figure's table: people and sessions, each linked to its page.

The figures live by subject in this package's modules (``timeliness``: the period's clocks,
``outstanding``: what is overdue or due now, ``workforce``: ratios, cover, observations and
ASYE, ``disruption``: the disruption log, ``supervisor``: the supervisor's own lists); this
module is their registry, ``FIGURES``, in page order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..common import Context, obligation_detail
from ..file_clocks import file_clocks, file_clocks_base
from ..forms import months_back
from ..scope import SUPERVISOR_LEVEL
from ..tables import Figure, Table
from .disruption import cancelled_sessions, disruption, disruption_detail, who_cancelled
from .outstanding import (
    agreements,
    agreements_base,
    case_reviews,
    case_reviews_base,
    due_this_week,
    due_this_week_base,
    overdue,
    overdue_base,
    overdue_now,
)
from .supervisor import (
    awaiting,
    awaiting_detail,
    awaiting_records,
    open_actions,
    open_actions_detail,
    open_actions_qs,
)
from .timeliness import (
    CLOCK_STATES,
    directions,
    directions_base,
    held_rows,
    on_time,
    on_time_detail,
    records,
    records_base,
)
from .workforce import (
    absence,
    absence_base,
    asye,
    asye_base,
    observations,
    observations_base,
    ratios,
    ratios_base,
)

if TYPE_CHECKING:
    from ..common import StatedObligations


@dataclass(frozen=True)
class Spec:
    figure: Callable[[Context], Figure]
    detail: Callable[[Context, int | None], Table]
    levels: tuple[str, ...] | None = None  # None: every level


def _obligation_detail(
    base: Callable[[Context], StatedObligations], caption: str
) -> Callable[[Context, int | None], Table]:
    def detail(ctx: Context, limit: int | None) -> Table:
        return obligation_detail(ctx, base(ctx), caption, limit)

    return detail


FIGURES: dict[str, Spec] = {
    "due-this-week": Spec(
        due_this_week, _obligation_detail(due_this_week_base, "Due in the next 7 days"), (SUPERVISOR_LEVEL,)
    ),
    "overdue": Spec(overdue, _obligation_detail(overdue_base, "Overdue today")),
    "awaiting-sign-off": Spec(awaiting, awaiting_detail, (SUPERVISOR_LEVEL,)),
    "open-actions": Spec(open_actions, open_actions_detail, (SUPERVISOR_LEVEL,)),
    "on-time": Spec(on_time, on_time_detail),
    "agreements": Spec(agreements, _obligation_detail(agreements_base, "Agreements missing or past review")),
    "records": Spec(records, _obligation_detail(records_base, "Records falling due in the period")),
    "directions": Spec(directions, _obligation_detail(directions_base, "Case directions falling due in the period")),
    "case-reviews": Spec(case_reviews, _obligation_detail(case_reviews_base, "Children's case reviews")),
    "ratios": Spec(ratios, _obligation_detail(ratios_base, "Supervisors and their supervisees")),
    "absence": Spec(absence, _obligation_detail(absence_base, "Supervisees who need cover")),
    "observations": Spec(observations, _obligation_detail(observations_base, "Observations of practice")),
    "asye": Spec(asye, _obligation_detail(asye_base, "ASYE reviews")),
    "file-clocks": Spec(file_clocks, _obligation_detail(file_clocks_base, "Supervision file and quality clocks")),
    "disruption": Spec(disruption, disruption_detail),
}


def figures_for(ctx: Context) -> list[Figure]:
    """Every figure of the dashboard, in page order."""
    return [spec.figure(ctx) for spec in FIGURES.values() if spec.levels is None or ctx.scope.level in spec.levels]


def spec_for(ctx: Context, slug: str) -> Spec | None:
    spec = FIGURES.get(slug)
    if spec is None or (spec.levels is not None and ctx.scope.level not in spec.levels):
        return None
    return spec


__all__ = [
    "CLOCK_STATES",
    "FIGURES",
    "Context",
    "Spec",
    "absence",
    "absence_base",
    "agreements",
    "agreements_base",
    "asye",
    "asye_base",
    "awaiting",
    "awaiting_detail",
    "awaiting_records",
    "cancelled_sessions",
    "case_reviews",
    "case_reviews_base",
    "directions",
    "directions_base",
    "disruption",
    "disruption_detail",
    "due_this_week",
    "due_this_week_base",
    "figures_for",
    "held_rows",
    "months_back",
    "observations",
    "observations_base",
    "on_time",
    "on_time_detail",
    "open_actions",
    "open_actions_detail",
    "open_actions_qs",
    "overdue",
    "overdue_base",
    "overdue_now",
    "ratios",
    "ratios_base",
    "records",
    "records_base",
    "spec_for",
    "who_cancelled",
]
