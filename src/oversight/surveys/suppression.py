"""Which cells of an anonymous survey's results may be shown. Pure Python: no Django.

A *cell* is a set of responses: everyone, a service, a team, a role band. For each cell shown,
the results page gives, per question, how many chose each answer. Whoever reads several cells
can combine them ("differencing": a team's total less the practitioners in that team leaves its
one manager). For one answer option, let x_i be 1 when response i chose it: every figure shown
is a sum of x_i over a cell, so what a reader can work out is exactly the linear combinations
of the shown cells' indicator vectors (their *span*).

A cell is shown only if
  1. it holds at least ``MINIMUM`` (5) responses, and
  2. once it is added, no nonzero vector of the span is supported on fewer than ``MINIMUM``
     responses.

(2) holds the two rules usually stated: no single response's unit vector lies in the span
(support 1), and no difference of two shown cells has 1 to 4 members (1_A - 1_B, B inside A).
It also covers what those two miss: a team and a role band that differ by one person each way
give x_a - x_b, which names both answers whenever it comes to 1 or -1; and sums and differences
of three or more cells. Arithmetic is exact (``fractions.Fraction``), never floating point.

Cells are taken greedily in the order given (the caller puts the broadest first); a cell that
would break (2) is withheld and the next one tried. Whether a cell is shown depends only on
which responses are in which cells, never on the answers, so a withheld cell says nothing about
how its members answered.

How it stays fast for a few thousand responses: responses that lie in exactly the same cells
(an *atom*: one team's managers, say) are alike to every cell, so every vector of the span is
constant on an atom and every support is a union of atoms. The span is kept over atoms (a few
hundred columns), weighted by their sizes, in reduced row echelon form whose pivots prefer large
atoms. See ``_SpanOverAtoms`` for why only a handful of rows then need looking at.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

MINIMUM = 5

PUBLISHED = "published"
TOO_FEW = "too_few"
DIFFERENCING = "differencing"

Vector = dict[int, Fraction]  # column -> nonzero entry


@dataclass(frozen=True)
class Candidate:
    """A cell that could be shown: its key (what the page calls it) and its responses."""

    key: Hashable
    members: frozenset[int]


@dataclass(frozen=True)
class Decision:
    key: Hashable
    size: int
    reason: str  # PUBLISHED, TOO_FEW or DIFFERENCING

    @property
    def published(self) -> bool:
        return self.reason == PUBLISHED


def _axpy(target: Vector, coefficient: Fraction, source: Vector, skip: int | None = None) -> None:
    """target -= coefficient * source (in place), dropping entries that become zero."""
    for column, value in source.items():
        if column == skip:
            continue
        new = target.get(column, 0) - coefficient * value
        if new:
            target[column] = new
        else:
            target.pop(column, None)


class _SpanOverAtoms:
    """The span of the shown cells, over atoms, fully reduced: each row has 1 at its pivot and 0
    at every other pivot. The pivot of a new row is its heaviest atom.

    Why the check only needs a few rows. Call an atom *small* when it holds fewer than
    ``minimum`` responses. (a) A row whose pivot is small is supported on small atoms only: had
    its residual touched a large atom, that atom would have been the pivot; and later rows change
    it only by multiples of rows with small pivots, the only ones with an entry at a small
    pivot. (b) A vector of the span that avoids every large atom is a combination of rows with
    small pivots: in a fully reduced basis the coefficient of each row is the vector's entry at
    that row's pivot, zero for large pivots. (c) Such a vector's support contains the pivot of
    every row it uses, so a support under ``minimum`` uses at most ``minimum - 1`` rows. And a
    set of rows that splits into parts sharing no column is no worse than its parts. So after
    adding a cell it is enough to look at connected sets of up to ``minimum - 1`` small-pivot
    rows that include a row the cell changed: everything else was looked at before.
    """

    def __init__(self, weights: Sequence[int], minimum: int):
        self.weights = weights
        self.minimum = minimum
        self.rows: dict[int, Vector] = {}

    def reduce(self, vector: Vector) -> Vector:
        out = dict(vector)
        for column in [c for c in vector if c in self.rows]:
            coefficient = out.pop(column)
            _axpy(out, coefficient, self.rows[column], skip=column)
        return out

    def add(self, vector: Vector) -> tuple[list[tuple[int, Vector | None]], set[int]]:
        """Add ``vector``; returns what undoes it and the pivots of the rows it changed."""
        residual = self.reduce(vector)
        if not residual:
            return [], set()
        pivot = max(residual, key=lambda c: (self.weights[c], -c))
        scale = residual[pivot]
        row = {c: v / scale for c, v in residual.items()}
        undo: list[tuple[int, Vector | None]] = [(pivot, None)]
        changed = {pivot}
        for other, existing in list(self.rows.items()):
            coefficient = existing.get(pivot)
            if coefficient:
                undo.append((other, existing))
                updated = dict(existing)
                _axpy(updated, coefficient, row)
                self.rows[other] = updated
                changed.add(other)
        self.rows[pivot] = row
        return undo, changed

    def undo(self, log: list[tuple[int, Vector | None]]) -> None:
        for pivot, row in reversed(log):
            if row is None:
                del self.rows[pivot]
            else:
                self.rows[pivot] = row

    # --- the check ---------------------------------------------------------------------------

    def small_support(self, changed: Iterable[int]) -> tuple[int, ...] | None:
        """Rows of a nonzero vector of the span supported on fewer than ``minimum`` responses
        (using a changed row), or None when there is none."""
        limit = self.minimum - 1
        small = {p: row for p, row in self.rows.items() if self.weights[p] < self.minimum}
        starts = [p for p in changed if p in small]
        if not starts:
            return None
        by_column: dict[int, list[int]] = defaultdict(list)
        for p, row in small.items():
            for column in row:
                if column != p:
                    by_column[column].append(p)

        def neighbours(p: int) -> set[int]:
            return {q for column in small[p] if column != p for q in by_column[column] if q != p}

        seen: set[frozenset[int]] = set()
        frontier = [frozenset({p}) for p in starts]
        while frontier:
            grown: list[frozenset[int]] = []
            for rows in frontier:
                if rows in seen:
                    continue
                seen.add(rows)
                pivot_weight = sum(self.weights[p] for p in rows)
                if pivot_weight > limit:
                    continue
                if self._dependent_within(rows, limit - pivot_weight):
                    return tuple(sorted(rows))
                if len(rows) < limit:
                    for p in rows:
                        for q in neighbours(p) - rows:
                            grown.append(rows | {q})
            frontier = grown
        return None

    def _dependent_within(self, rows: frozenset[int], budget: int) -> bool:
        """Is there a nonzero combination of ``rows`` whose entries off their pivots weigh at
        most ``budget``? (Its support is then those pivots and those entries.)"""
        pivots = sorted(rows)
        vectors = [{c: v for c, v in self.rows[p].items() if c not in rows} for p in pivots]
        weight = self.weights
        if len(pivots) == 1:
            return sum(weight[c] for c in vectors[0]) <= budget
        if len(pivots) == 2:
            # row1 + t*row2 vanishes at column c exactly when t = -row1[c]/row2[c]: the best t
            # clears the heaviest group of columns sharing that ratio.
            first, second = vectors
            union = first.keys() | second.keys()
            groups: dict[Fraction, int] = defaultdict(int)
            for c in first.keys() & second.keys():
                groups[first[c] / second[c]] += weight[c]
            cleared = max(groups.values(), default=0)
            return sum(weight[c] for c in union) - cleared <= budget
        # Three or more rows (pivot weight at least 3): a few columns at most may stay nonzero.
        columns = sorted(set().union(*vectors))
        light = [c for c in columns if weight[c] <= budget]
        for size in range(0, budget + 1):
            for kept in combinations(light, size):
                if sum(weight[c] for c in kept) > budget:
                    continue
                rest = [c for c in columns if c not in kept]
                if rank([[vector.get(c, Fraction(0)) for c in rest] for vector in vectors]) < len(vectors):
                    return True
        return False


def rank(matrix: list[list[Fraction]]) -> int:
    """The rank of a small dense matrix, by exact Gaussian elimination."""
    rows = [list(r) for r in matrix if any(r)]
    if not rows:
        return 0
    found = 0
    width = len(rows[0])
    for column in range(width):
        pivot = next((i for i in range(found, len(rows)) if rows[i][column]), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        head = rows[found]
        for i in range(found + 1, len(rows)):
            factor = rows[i][column] / head[column]
            if factor:
                rows[i] = [a - factor * b for a, b in zip(rows[i], head, strict=True)]
        found += 1
        if found == len(rows):
            break
    return found


def atoms_of(candidates: Sequence[Candidate]) -> tuple[list[int], list[frozenset[int]]]:
    """Group responses by the candidates they are in: the atoms' sizes, and each candidate as
    a set of atoms."""
    signature: dict[int, list[int]] = defaultdict(list)
    for index, candidate in enumerate(candidates):
        for member in candidate.members:
            signature[member].append(index)
    atom_of_signature: dict[tuple[int, ...], int] = {}
    weights: list[int] = []
    cells: list[set[int]] = [set() for _ in candidates]
    for signed in signature.values():
        key = tuple(signed)
        atom = atom_of_signature.get(key)
        if atom is None:
            atom = atom_of_signature[key] = len(weights)
            weights.append(0)
            for index in key:
                cells[index].add(atom)
        weights[atom] += 1
    return weights, [frozenset(c) for c in cells]


def decide(candidates: Sequence[Candidate], minimum: int = MINIMUM) -> list[Decision]:
    """For each candidate, in the order given: shown, withheld for having fewer than
    ``minimum`` responses, or withheld because showing it would let fewer than ``minimum``
    responses be worked out from the cells already shown."""
    weights, cells = atoms_of(candidates)
    span = _SpanOverAtoms(weights, minimum)
    decisions = []
    for candidate, atoms in zip(candidates, cells, strict=True):
        size = len(candidate.members)
        if size < minimum:
            decisions.append(Decision(candidate.key, size, TOO_FEW))
            continue
        undo, changed = span.add({atom: Fraction(1) for atom in atoms})
        if span.small_support(changed) is not None:
            span.undo(undo)
            decisions.append(Decision(candidate.key, size, DIFFERENCING))
        else:
            decisions.append(Decision(candidate.key, size, PUBLISHED))
    return decisions
