"""Supervisor capacity: the supervision a policy pack demands of each supervisor in a quarter,
against the time they have for it. Pure: plain data in, plain data out, no Django.

How often each supervisee is owed supervision is the engine's own answer (``rules_for``,
``interval_for`` and ``next_due`` in oversight.policy.engine, ``case_review_period`` for a
child's case): the sessions demanded in the quarter are the due dates that fall in it when
every session is held on its due date, starting from the engine's base (the last session held,
else the start of the relationship). A session already overdue is counted once, on the first
day of the quarter. Staged frequencies (ASYE, students) move from phase to phase within the
quarter as the engine moves them; an hours-based rule (Bristol 3.5, casual staff) is fed the
hours worked so far and, after ``today``, the person's average of the last 13 weeks spread over
the working week.

Minutes per session are the pack's ``duration_minutes`` (its guide) and ``minimum_minutes``;
where the pack sets no duration, ``Assumptions.default_minutes`` is used and the line is marked
as assumed. A group session counts once for its supervisor: each attendee's line carries an
equal share of it. Children's case reviews (``case_review`` rules) are counted per child and
timed at ``Assumptions.case_review_minutes``: no pack gives a duration for them.

Available time is contracted hours (``Staff.weekly_hours``) times ``Assumptions.share``, the
part of a supervisor's week set aside for supervision: none of the five policies names one, so
it is an assumption the council sets (see README, "Supervisor capacity").

A what-if (``WhatIf``) changes a rule's frequency or moves a supervisee to another supervisor
for this calculation only: the pack and the inputs are copied, never changed.

The package keeps the types apart from the computation: ``quarters`` (calendar quarters),
``inputs`` (what a plan is computed from), ``outputs`` (what it gives back) and ``compute``
(``plan_quarter`` and the what-if). Import from the package: every public name is here.
"""

from __future__ import annotations

from .compute import RECENT_WEEKS, due_dates, outside_view, plan_quarter, with_frequencies, with_moves
from .inputs import Assumptions, Case, FrequencyChange, Inputs, Move, Staff, Supervision, WhatIf
from .outputs import KIND_LABELS, KIND_ORDER, Line, Load, Plan, Ratio, Total
from .quarters import next_quarter, parse_quarter, quarter_containing, quarter_label

__all__ = [
    "KIND_LABELS",
    "KIND_ORDER",
    "RECENT_WEEKS",
    "Assumptions",
    "Case",
    "FrequencyChange",
    "Inputs",
    "Line",
    "Load",
    "Move",
    "Plan",
    "Ratio",
    "Staff",
    "Supervision",
    "Total",
    "WhatIf",
    "due_dates",
    "next_quarter",
    "outside_view",
    "parse_quarter",
    "plan_quarter",
    "quarter_containing",
    "quarter_label",
    "with_frequencies",
    "with_moves",
]
