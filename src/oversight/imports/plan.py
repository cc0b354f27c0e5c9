"""What an import would do: one line per row of the file (create, update with each field's
before and after, leave, unchanged) and the errors, each at a row and a column."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from .reading import RowError

CREATE = "create"
UPDATE = "update"
LEAVE = "leave"
UNCHANGED = "unchanged"
ACTIONS = (CREATE, UPDATE, LEAVE, UNCHANGED)


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class PlannedRow:
    row: int
    key: str  # the staff ID or the child's case ID
    label: str  # the person's name, or the child's status
    action: str
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class Plan:
    kind: str  # "hr" or "caseload"
    sha256: str
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changes(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.action != UNCHANGED]

    def counts(self) -> dict[str, int]:
        return {action: sum(1 for row in self.rows if row.action == action) for action in ACTIONS}

    def error_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors if e.row is not None})

    def fingerprint(self) -> str:
        """A hash of what would change: the preview's, checked again when it is applied."""
        data = json.dumps([asdict(row) for row in self.changes], sort_keys=True, default=str)
        return hashlib.sha256(data.encode()).hexdigest()

    def summary(self) -> str:
        counts = self.counts()
        parts = [f"{counts[a]} to {a}" if a != UNCHANGED else f"{counts[a]} unchanged" for a in ACTIONS]
        return ", ".join(parts)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
