"""Set-based obligations for the national benchmark: the engine's answer for fixed-interval
supervision and case reviews, computed by PostgreSQL itself in one statement each, over any
number of organisations at once (bench/national.py times it beside the engine and DuckDB).

Which obligations (the rest are the engine's alone):

- ``supervision`` for a (person, kind) whose chosen rule (``engine.rules_for``) is a fixed
  interval: weeks, days, months, years or calendar months; not ASYE phases, not an hours
  threshold, not working days or hours;
- ``case_review`` for every child whose status has a rule (every unit but working days and
  hours, with Buckinghamshire's manager-shortened interval).

Each row is the engine's obligation, every field of it (``due``, ``last``, ``status``,
``interval``, ``history`` with its late count, ``supervisors``, ``flags``, ``rule``,
``source``), read back as the same dict by :func:`obligations`. ``tests/test_setbased.py``
checks they equal ``oversight.policy.evaluate`` on an authority built from each pack's rules
with the awkward cases; ``bench/national.py`` checks every row of its authorities.

It is a measurement, not the product's path: the app computes obligations with the engine
(``oversight.compliance``). The rules come from the packs as parameters
(``rule_parameters``): the SQL holds no policy. Dates follow ``oversight.policy.clocks``:
PostgreSQL's month arithmetic clamps to the month's last day as ``add_months`` does.
PostgreSQL only. It takes a DB-API cursor (Django's or psycopg's) on the app's tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from oversight.policy.pack import Period, PolicyPack, SupervisionRule

#: Units PostgreSQL computes here; working days (bank holidays) and hours stay with the engine.
SIMPLE_UNITS = ("weeks", "days", "months", "years", "calendar_months")


def unit_of(period: Period) -> tuple[str, int]:
    """(unit, n) of a period: exactly one is set."""
    for name, value in period:
        if value is not None:
            return name, value
    raise ValueError(f"empty period {period!r}")


def is_simple(rule: SupervisionRule) -> bool:
    """Whether supervision under ``rule`` is computed here: a fixed interval in a simple unit."""
    return rule.every is not None and rule.hours_threshold is None and unit_of(rule.every)[0] in SIMPLE_UNITS


def rule_parameters(packs: Iterable[PolicyPack]) -> dict[str, list[Any]]:
    """The packs' supervision and case review rules as parallel arrays (query parameters).

    Supervision: one row per (rule, role, employment or None), with ``ord`` the rule's place in
    the pack (``rules_for`` takes the first match, an employment-specific one before a general
    one). Case review: one row per (rule, status); the last rule naming a status wins, as in
    the engine.
    """
    p: dict[str, list[Any]] = {
        key: []
        for key in (
            "s_policy",
            "s_ord",
            "s_rule",
            "s_kind",
            "s_role",
            "s_employment",
            "s_only_without_cases",
            "s_simple",
            "s_unit",
            "s_n",
            "s_interval",
            "s_source",
            "c_policy",
            "c_ord",
            "c_rule",
            "c_status",
            "c_unit",
            "c_n",
            "c_shorten",
            "c_rationale",
            "c_interval",
            "c_source",
        )
    }
    for pack in packs:
        for order, rule in enumerate(pack.supervision):
            simple = is_simple(rule)
            unit, n = unit_of(rule.every) if simple and rule.every is not None else ("-", 0)
            interval = rule.every.describe() if simple and rule.every is not None else "-"
            for role in rule.roles:
                for employment in rule.employment or [None]:
                    values = (
                        pack.id,
                        order,
                        rule.id,
                        rule.kind,
                        role,
                        employment,
                        rule.only_without_cases,
                        simple,
                        unit,
                        n,
                        interval,
                        pack.cite(rule),
                    )
                    for key, value in zip([k for k in p if k.startswith("s_")], values, strict=True):
                        p[key].append(value)
        for order, rule in enumerate(pack.case_review):
            unit, n = unit_of(rule.every)
            if unit not in SIMPLE_UNITS:
                raise ValueError(f"{pack.id} {rule.id}: case reviews every {unit} are not computed set-based")
            for status in rule.statuses:
                values = (
                    pack.id,
                    order,
                    rule.id,
                    status,
                    unit,
                    n,
                    rule.manager_may_shorten,
                    rule.rationale_required,
                    rule.every.describe(),
                    pack.cite(rule),
                )
                for key, value in zip([k for k in p if k.startswith("c_")], values, strict=True):
                    p[key].append(value)
    return p


def _add(day: str, unit: str = "unit", n: str = "n") -> str:
    """SQL for ``day`` + (``unit``, ``n``) as ``Period.add_to`` computes it."""
    return (
        f"(CASE {unit} WHEN 'weeks' THEN {day} + 7 * {n} WHEN 'days' THEN {day} + {n} "
        f"WHEN 'months' THEN ({day} + make_interval(months => {n}))::date "
        f"WHEN 'years' THEN ({day} + make_interval(months => 12 * {n}))::date "
        f"WHEN 'calendar_months' THEN (date_trunc('month', {day}) + make_interval(months => {n} + 1))::date - 1 END)"
    )


SUPERVISION_SQL = f"""
WITH
rule AS (
  SELECT * FROM unnest(
    %(s_policy)s::text[], %(s_ord)s::int[], %(s_rule)s::text[], %(s_kind)s::text[], %(s_role)s::text[],
    %(s_employment)s::text[], %(s_only_without_cases)s::bool[], %(s_simple)s::bool[], %(s_unit)s::text[],
    %(s_n)s::int[], %(s_interval)s::text[], %(s_source)s::text[]
  ) AS r(policy, ord, rule_id, kind, role, employment, only_without_cases, simple, unit, n, interval, source)
),
person AS (
  SELECT p.id, p.role, p.started, p.employment, o.policy_pack AS policy,
         EXISTS (SELECT 1 FROM cases_child c WHERE c.worker_id = p.id) AS case_holder
  FROM people_person p JOIN organisations_organisation o ON o.id = p.organisation_id
  WHERE p.organisation_id = ANY(%(organisations)s) AND (p."left" IS NULL OR p."left" >= %(as_of)s)
),
active AS (
  SELECT r.supervisee_id AS person_id, r.supervisor_id, r.start, r.kinds
  FROM supervision_relationship r JOIN person p ON p.id = r.supervisee_id
  WHERE r.start <= %(as_of)s AND (r."end" IS NULL OR r."end" >= %(as_of)s)
),
chosen AS (
  SELECT DISTINCT ON (p.id, ru.kind) p.id AS person_id, p.started, ru.*
  FROM person p
  JOIN rule ru ON ru.policy = p.policy AND ru.role = p.role AND (ru.employment IS NULL OR ru.employment = p.employment)
  WHERE NOT (ru.only_without_cases AND p.case_holder)
    AND EXISTS (SELECT 1 FROM active a WHERE a.person_id = p.id)
  ORDER BY p.id, ru.kind, (ru.employment IS NOT NULL) DESC, ru.ord
),
covering AS (
  SELECT c.person_id, c.kind, min(c.unit) AS unit, min(c.n) AS n,
         CASE WHEN bool_or(a.kinds = '[]'::jsonb OR a.kinds ? c.kind)
              THEN min(a.start) FILTER (WHERE a.kinds = '[]'::jsonb OR a.kinds ? c.kind) ELSE min(a.start) END
           AS rel_start,
         CASE WHEN bool_or(a.kinds = '[]'::jsonb OR a.kinds ? c.kind)
              THEN array_agg(DISTINCT 'p' || a.supervisor_id) FILTER (WHERE a.kinds = '[]'::jsonb OR a.kinds ? c.kind)
              ELSE array_agg(DISTINCT 'p' || a.supervisor_id) END AS supervisors
  FROM chosen c JOIN active a ON a.person_id = c.person_id
  WHERE c.simple
  GROUP BY c.person_id, c.kind
),
participation AS (
  SELECT s.supervisee_id AS person_id, s.kind, s.date
  FROM supervision_sessions_session s
  WHERE s.organisation_id = ANY(%(organisations)s) AND s.status = 'held' AND s.date <= %(as_of)s
    AND s.supervisee_id IS NOT NULL
  UNION ALL
  SELECT a.person_id, s.kind, s.date
  FROM supervision_sessions_session_attendees a JOIN supervision_sessions_session s ON s.id = a.session_id
  WHERE s.organisation_id = ANY(%(organisations)s) AND s.status = 'held' AND s.date <= %(as_of)s
    AND a.person_id IS DISTINCT FROM s.supervisee_id
),
timed AS (
  SELECT pa.person_id, pa.kind, pa.date, v.rel_start, v.unit, v.n,
         lag(pa.date) OVER (PARTITION BY pa.person_id, pa.kind ORDER BY pa.date) AS before
  FROM participation pa JOIN covering v ON v.person_id = pa.person_id AND v.kind = pa.kind
),
history AS (
  SELECT t.person_id, t.kind, max(t.date) AS last,
         count(*) FILTER (WHERE t.date >= t.rel_start) AS held,
         count(*) FILTER (
           WHERE t.date >= t.rel_start
             AND t.date > {_add("CASE WHEN t.before >= t.rel_start THEN t.before ELSE t.rel_start END", "t.unit", "t.n")}
         ) AS late
  FROM timed t
  GROUP BY t.person_id, t.kind
),
due AS (
  SELECT c.person_id, c.kind, v.supervisors, h.last, coalesce(h.held, 0) AS held, coalesce(h.late, 0) AS late,
         {_add("coalesce(h.last, greatest(v.rel_start, c.started))", "c.unit", "c.n")} AS due,
         c.rule_id, c.interval, c.source
  FROM chosen c
  JOIN covering v ON v.person_id = c.person_id AND v.kind = c.kind
  LEFT JOIN history h ON h.person_id = c.person_id AND h.kind = c.kind
)
SELECT person_id, kind, supervisors, due, last, CASE WHEN %(as_of)s > due THEN 'overdue' ELSE 'upcoming' END,
       held, late, rule_id, interval, source
FROM due
"""

CASE_REVIEW_SQL = f"""
WITH
rule AS (
  SELECT DISTINCT ON (policy, status) * FROM unnest(
    %(c_policy)s::text[], %(c_ord)s::int[], %(c_rule)s::text[], %(c_status)s::text[], %(c_unit)s::text[],
    %(c_n)s::int[], %(c_shorten)s::bool[], %(c_rationale)s::bool[], %(c_interval)s::text[], %(c_source)s::text[]
  ) AS r(policy, ord, rule_id, status, unit, n, shorten, rationale_required, interval, source)
  ORDER BY policy, status, ord DESC
),
child AS (
  SELECT ch.id, ch.worker_id, ch.status, ch.allocated, ch.review_every_weeks, ch.rationale,
         r.rule_id, r.unit, r.n, r.shorten, r.rationale_required, r.interval, r.source,
         (SELECT max(v.date) FROM cases_casereview v WHERE v.child_id = ch.id AND v.date <= %(as_of)s) AS last
  FROM cases_child ch
  JOIN organisations_organisation o ON o.id = ch.organisation_id
  JOIN rule r ON r.policy = o.policy_pack AND r.status = ch.status
  WHERE ch.organisation_id = ANY(%(organisations)s)
),
period AS (
  SELECT c.*,
         c.shorten AND c.review_every_weeks IS NOT NULL
           AND c.review_every_weeks * 7 < {_add("c.allocated", "c.unit", "c.n")} - c.allocated AS shortened
  FROM child c
),
due AS (
  SELECT p.*,
         CASE WHEN p.shortened THEN coalesce(p.last, p.allocated) + 7 * p.review_every_weeks
              ELSE {_add("coalesce(p.last, p.allocated)", "p.unit", "p.n")} END AS due
  FROM period p
)
SELECT id, worker_id, status, due, last, CASE WHEN %(as_of)s > due THEN 'overdue' ELSE 'upcoming' END,
       CASE WHEN shortened THEN review_every_weeks || CASE WHEN review_every_weeks = 1 THEN ' week' ELSE ' weeks' END
            ELSE interval END,
       rationale_required AND rationale ~ '^\\s*$', rule_id, source
FROM due
"""


def _parameters(packs: Iterable[PolicyPack], organisations: Sequence[int], as_of: date) -> dict[str, Any]:
    return {**rule_parameters(packs), "organisations": list(organisations), "as_of": as_of}


#: For the statements below, in their transaction: hash joins, never a nested loop. The planner has no
#: statistics for the rule parameters and the CTEs built on them, estimates a join of them at one row,
#: and would otherwise rescan a grouped million-row input once per person.
#: Sorting and hashing a national authority's sessions needs more than the default 4 MB of memory;
#: and compiling the statement (JIT) costs more than it saves.
PLANNER_SQL = ("SET LOCAL enable_nestloop = off", "SET LOCAL work_mem = '256MB'", "SET LOCAL jit = off")


def _plan(cursor: Any) -> None:
    for statement in PLANNER_SQL:
        cursor.execute(statement)


def supervision_rows(
    cursor: Any, packs: Iterable[PolicyPack], organisations: Sequence[int], as_of: date
) -> list[tuple[Any, ...]]:
    """(person key, kind, supervisors, due, last, status, held, late, rule, interval, source) for every
    fixed-interval supervision obligation of ``organisations`` on ``as_of``. Call it inside a
    transaction (the planner setting is local to it)."""
    _plan(cursor)
    cursor.execute(SUPERVISION_SQL, _parameters(packs, organisations, as_of))
    return list(cursor.fetchall())


def case_review_rows(
    cursor: Any, packs: Iterable[PolicyPack], organisations: Sequence[int], as_of: date
) -> list[tuple[Any, ...]]:
    """(child key, worker key, child status, due, last, status, interval, no rationale, rule, source) for
    every child of ``organisations`` whose status has a case review rule. Inside a transaction."""
    _plan(cursor)
    cursor.execute(CASE_REVIEW_SQL, _parameters(packs, organisations, as_of))
    return list(cursor.fetchall())


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def obligations(
    supervision: Iterable[tuple[Any, ...]], case_reviews: Iterable[tuple[Any, ...]]
) -> Iterator[dict[str, Any]]:
    """The rows as the engine's obligation dicts (``oversight.policy.evaluate``), ids prefixed as
    ``oversight.compliance.selectors`` makes them (``p12``, ``c3``)."""
    for person, kind, supervisors, due, last, status, held, late, rule, interval, source in supervision:
        yield {
            "id": f"supervision:{kind}:p{person}",
            "kind": "supervision",
            "session_kind": kind,
            "person": f"p{person}",
            "supervisors": sorted(supervisors),
            "due": _iso(due),
            "last": _iso(last),
            "status": status,
            "interval": interval,
            "history": {"held": held, "late": late},
            "rule": rule,
            "source": source,
        }
    for child, worker, child_status, due, last, status, interval, no_rationale, rule, source in case_reviews:
        yield {
            "id": f"case_review:c{child}",
            "kind": "case_review",
            "child": f"c{child}",
            "worker": f"p{worker}",
            "child_status": child_status,
            "due": _iso(due),
            "last": _iso(last),
            "status": status,
            "interval": interval,
            "flags": ["no_rationale"] if no_rationale else [],
            "rule": rule,
            "source": source,
        }


def covered(obligation: dict[str, Any], packs_by_id: dict[str, PolicyPack], policy: str) -> bool:
    """Whether an engine obligation is one this module computes (for comparing the two)."""
    if obligation["kind"] == "case_review":
        return True
    if obligation["kind"] != "supervision":
        return False
    pack = packs_by_id[policy]
    return any(rule.id == obligation["rule"] and is_simple(rule) for rule in pack.supervision)
