"""The suppression of survey results (oversight.surveys.suppression), checked by an independent
checker written here over *responses* (not atoms), with its own exact elimination.

What the checker asks of a set of published cells (each a set of responses; for each answer
option the page shows, per cell, how many in it chose that option):
- every published cell has at least 5 responses;
- no response's unit vector lies in the span of the cells' indicator vectors (so no linear
  combination of the published counts gives one person's answer: for every question and
  answer option the page's counts are the sums of that option's 0/1 column over the cells, so
  the cells' indicator vectors are the coefficients of every option's equations alike);
- no difference of two published cells, nested or not, has 1 to 4 members; and on small
  populations, by brute force, no nonzero vector of the span is supported on 1 to 4 responses.

The checker must be able to fail: naive publishing (every cell of 5 or more, with nested
filters) is caught by it.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from fractions import Fraction
from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.surveys.suppression import DIFFERENCING, MINIMUM, PUBLISHED, TOO_FEW, Candidate, decide

# --- the independent checker -----------------------------------------------------------------


def echelon(rows: list[list[Fraction]]) -> list[tuple[int, list[Fraction]]]:
    """Reduced row echelon form of dense rows: (pivot column, row) pairs."""
    rows = [list(r) for r in rows]
    pivots: list[tuple[int, list[Fraction]]] = []
    width = len(rows[0]) if rows else 0
    remaining = rows
    for column in range(width):
        index = next((i for i, r in enumerate(remaining) if r[column] != 0), None)
        if index is None:
            continue
        head = remaining.pop(index)
        head = [v / head[column] for v in head]
        remaining = [[a - r[column] * b for a, b in zip(r, head, strict=True)] for r in remaining]
        pivots = [(p, [a - r[column] * b for a, b in zip(r, head, strict=True)]) for p, r in pivots]
        pivots.append((column, head))
    return pivots


def in_row_space(basis: list[tuple[int, list[Fraction]]], vector: list[Fraction]) -> bool:
    v = list(vector)
    for column, row in basis:
        if v[column]:
            factor = v[column]
            v = [a - factor * b for a, b in zip(v, row, strict=True)]
    return not any(v)


def indicator(cell: frozenset[int], n: int) -> list[Fraction]:
    return [Fraction(1 if i in cell else 0) for i in range(n)]


def published_leaks(cells: Sequence[frozenset[int]], n: int, brute_force_up_to: int = 12) -> list[str]:
    """Everything wrong with publishing ``cells`` over ``n`` responses (empty when safe)."""
    problems = [f"a published cell of {len(c)} responses" for c in cells if len(c) < MINIMUM]
    if not cells or n == 0:
        return problems
    basis = echelon([indicator(c, n) for c in cells])
    for i in range(n):
        if in_row_space(basis, [Fraction(1 if j == i else 0) for j in range(n)]):
            problems.append(f"response {i} can be worked out")
    for a, b in combinations(cells, 2):
        for first, second in ((a, b), (b, a)):
            if second < first and 0 < len(first - second) < MINIMUM:
                problems.append(f"a nested difference of {len(first - second)}")
        if 0 < len(a ^ b) < MINIMUM:
            problems.append(f"two cells differ by {len(a ^ b)} responses")
    if n <= brute_force_up_to:
        found = small_support(cells, n, len(basis))
        if found is not None:
            problems.append(f"a combination of the figures is about responses {found} alone")
    return problems


def small_support(cells: Sequence[frozenset[int]], n: int, rank: int) -> tuple[int, ...] | None:
    """The first set of 1 to 4 responses that some nonzero combination of the cells is about
    alone: deleting those columns lowers the rank."""
    for size in range(1, MINIMUM):
        for removed in combinations(range(n), size):
            kept = [j for j in range(n) if j not in removed]
            if len(echelon([[Fraction(1 if j in c else 0) for j in kept] for c in cells])) < rank:
                return removed
    return None


# --- populations, and the cells the results page offers --------------------------------------

Person = tuple[int | None, int | None, int]  # team, service, role band


def page_candidates(people: Sequence[Person]) -> list[Candidate]:
    """What the results page offers: everyone, each service, each band, each team (and the
    responses with none), broadest first, larger before smaller (as oversight.surveys.selectors)."""
    groups: dict[tuple[str, object], set[int]] = defaultdict(set)
    for i, (team, service, band) in enumerate(people):
        groups["overall", ""].add(i)
        groups["service", service].add(i)
        groups["team", team].add(i)
        groups["band", band].add(i)
    order = {"overall": 0, "service": 1, "band": 2, "team": 3}
    keys = sorted(groups, key=lambda k: (order[k[0]], -len(groups[k]), str(k[1])))
    return [Candidate(key, frozenset(groups[key])) for key in keys]


def published_cells(candidates: Sequence[Candidate]) -> list[frozenset[int]]:
    return [c.members for c, d in zip(candidates, decide(candidates), strict=True) if d.published]


@st.composite
def populations(draw: st.DrawFn, max_size: int) -> list[Person]:
    services = draw(st.integers(1, 4))
    teams = draw(st.integers(1, 9))
    bands = draw(st.integers(1, 4))
    team_service = [draw(st.integers(0, services - 1)) for _ in range(teams)]
    team = st.one_of(st.integers(0, teams - 1), st.none())
    drawn = draw(st.lists(st.tuples(team, st.integers(0, bands - 1)), max_size=max_size))
    return [(t, team_service[t] if t is not None else None, b) for t, b in drawn]


# --- the property ---------------------------------------------------------------------------------


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(populations(max_size=70))
def test_no_answer_can_be_worked_out_from_what_is_published(people: list[Person]) -> None:
    candidates = page_candidates(people)
    assert published_leaks(published_cells(candidates), len(people), brute_force_up_to=0) == []


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(populations(max_size=11))
def test_small_populations_by_brute_force_and_nothing_withheld_needlessly(people: list[Person]) -> None:
    """On small populations: no nonzero combination of the figures is about 1 to 4 responses;
    and each cell withheld for differencing would really have given something away."""
    candidates = page_candidates(people)
    decisions = decide(candidates)
    shown: list[frozenset[int]] = []
    for candidate, decision in zip(candidates, decisions, strict=True):
        if decision.reason == DIFFERENCING:
            assert published_leaks([*shown, candidate.members], len(people)), candidate.key
        if decision.reason == TOO_FEW:
            assert len(candidate.members) < MINIMUM
        if decision.published:
            shown.append(candidate.members)
    assert published_leaks(shown, len(people)) == []


def test_many_random_filter_combinations_on_one_large_population() -> None:
    """Any subset of the published cells (any combination of filters a reader looks at) is as
    safe as all of them, since its span is smaller; checked here on random subsets anyway."""
    rng = random.Random(8)
    people: list[Person] = []
    for _ in range(90):
        team = rng.randrange(12)
        people.append((team, team % 3, rng.choices(range(4), weights=(6, 2, 1, 1))[0]))
    cells = published_cells(page_candidates(people))
    assert len(cells) > 5
    assert published_leaks(cells, len(people), brute_force_up_to=0) == []
    for _ in range(30):
        chosen = rng.sample(cells, rng.randint(1, len(cells)))
        assert published_leaks(chosen, len(people), brute_force_up_to=0) == []


# --- the checker can fail ---------------------------------------------------------------------


def naive(candidates: Sequence[Candidate]) -> list[frozenset[int]]:
    """Publish every cell of 5 or more responses: what a page without differencing control does."""
    return [c.members for c in candidates if len(c.members) >= MINIMUM]


def test_naive_publishing_with_nested_filters_is_caught() -> None:
    # One service, two teams: A with six practitioners, B with one. The service (7) and team A
    # (6) both pass "5 or more"; the service less team A is team B's one person.
    people: list[Person] = [(0, 0, 0)] * 6 + [(1, 0, 0)]
    candidates = page_candidates(people)
    naive_problems = published_leaks(naive(candidates), len(people))
    assert "response 6 can be worked out" in naive_problems
    # And the attack works on real figures: for each answer option, the service's count less
    # team A's count is what team B's one person chose.
    answers = ["agree", "disagree", "agree", "agree", "neither", "agree", "disagree"]
    shown = {c.key: c.members for c in candidates if c.members in naive(candidates)}
    for option in set(answers):
        count = {key: sum(answers[i] == option for i in cell) for key, cell in shown.items()}
        assert count["service", 0] - count["team", 0] == (answers[6] == option)
    assert published_leaks(published_cells(candidates), len(people)) == []


def test_naive_team_less_role_within_team_is_caught() -> None:
    # Team total (7) less the practitioners in the team (6) leaves its one manager.
    team = Candidate("team", frozenset(range(7)))
    practitioners_in_team = Candidate("team practitioners", frozenset(range(6)))
    cells = [team.members, practitioners_in_team.members]
    assert "response 6 can be worked out" in published_leaks(cells, 7)
    assert [d.reason for d in decide([team, practitioners_in_team])] == [PUBLISHED, DIFFERENCING]


def test_two_cells_that_differ_by_one_person_each_way_are_caught() -> None:
    # A team and a band sharing five people, one more each: their difference is x_a - x_b,
    # which names both answers whenever it is 1 or -1. Neither unit vector is in the span.
    team = Candidate("team", frozenset(range(6)))
    band = Candidate("band", frozenset([*range(5), 6]))
    assert published_leaks([team.members, band.members], 7) == [
        "two cells differ by 2 responses",
        "a combination of the figures is about responses (5, 6) alone",
    ]
    assert [d.reason for d in decide([team, band])] == [PUBLISHED, DIFFERENCING]


@settings(max_examples=100, deadline=None)
@given(st.integers(5, 30), st.integers(1, 4), st.integers(0, 3))
def test_naive_publishing_is_caught_whenever_a_small_team_sits_beside_a_large_one(
    large: int, small: int, extra_bands: int
) -> None:
    people: list[Person] = [(0, 0, 0)] * large + [(1, 0, 1 + i % (extra_bands + 1)) for i in range(small)]
    candidates = page_candidates(people)
    assert published_leaks(naive(candidates), len(people), brute_force_up_to=0)
    assert published_leaks(published_cells(candidates), len(people), brute_force_up_to=0) == []


# --- size and speed --------------------------------------------------------------------------


def test_a_few_thousand_responses_are_decided_and_most_teams_shown() -> None:
    """(How long this takes is measured by bench/records.py, not here.)"""
    rng = random.Random(1)
    people: list[Person] = []
    for _ in range(3000):
        team = rng.randrange(300)
        people.append((team, team % 30, rng.choices(range(4), weights=(6, 2, 1, 1))[0]))
    candidates = page_candidates(people)
    decisions = decide(candidates)
    assert len(decisions) == 1 + 30 + 4 + 300
    assert sum(d.published for d in decisions) > 250  # most teams can still be shown
    # The unit-vector check on the result (over the 3,000 responses themselves) is left to the
    # property above on smaller populations: dense elimination over 3,000 columns is slow.
