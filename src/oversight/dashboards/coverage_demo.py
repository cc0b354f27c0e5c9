"""4x4x4 coverage in the local demo (oversight.demo): the records of each demo authority tagged
with the functions their sessions served and the stages they reached, with a spread of habits
so that the coverage page has gaps to show: one supervisor's supervisees mostly covered, some
who are never offered mediation, some whose sessions stop at reflection, and a few records
left untagged.

Records still open are tagged through records.services.record_tag_coverage as their supervisor
would; records already final (the demo's history) can no longer be tagged through the service,
which refuses final records, so their tags are written as history, the way the demo writes the
rest of its past.
"""

from __future__ import annotations

import random
from datetime import date

from django.utils import timezone

from oversight.organisations.models import Organisation
from oversight.policy.reflective import FUNCTION_IDS, STAGE_IDS, reflective_for
from oversight.records.models import Record
from oversight.records.services import record_tag_coverage

# Habits by supervisee, in turn: what their supervision tends to leave out.
HABITS: tuple[tuple[str, frozenset[str]], ...] = (
    ("rounded", frozenset()),
    ("no mediation", frozenset({"mediation"})),
    ("stops at reflection", frozenset({"analysis", "planning"})),
    ("task-focused", frozenset({"support", "reflection"})),
    ("rounded", frozenset()),
    ("no development", frozenset({"development", "analysis"})),
)


def _tags(rng: random.Random, left_out: frozenset[str], areas: list[str]) -> tuple[list[str], list[str], list[str]]:
    functions = [f for f in FUNCTION_IDS if f not in left_out and rng.random() < 0.93]
    stages = [s for s in STAGE_IDS if s not in left_out and rng.random() < 0.9]
    chosen = [a for a in areas if rng.random() < 0.95]
    return functions or ["management"], stages or ["experience"], chosen


def seed_demo(organisation: Organisation, today: date) -> int:
    """Tag the authority's one-to-one records; returns how many were tagged."""
    rng = random.Random(f"coverage-{organisation.slug}")
    areas = [a.id for a in reflective_for(organisation.policy_pack).areas]
    records = list(
        Record.objects.filter(
            session__organisation=organisation,
            session__kind__in=("personal", "case"),
            session__supervisee__isnull=False,
        )
        .select_related("session__supervisor", "session")
        .order_by("session__supervisee_id", "session__date", "pk")
    )
    supervisees = sorted({pk for r in records if (pk := r.session.supervisee_id) is not None})
    habit = {pk: HABITS[n % len(HABITS)][1] for n, pk in enumerate(supervisees)}
    history: list[Record] = []
    count = 0
    for record in records:
        if rng.random() < 0.12:
            continue  # some records are never tagged
        supervisee_id = record.session.supervisee_id
        assert supervisee_id is not None  # the query above takes only sessions with a supervisee
        functions, stages, chosen = _tags(rng, habit[supervisee_id], areas)
        if record.status == Record.Status.FINAL:
            record.functions, record.stages, record.areas = functions, stages, chosen
            record.coverage_tagged_at = record.finalised_at or timezone.now()
            history.append(record)
        else:
            record_tag_coverage(
                record=record, by=record.session.supervisor, functions=functions, stages=stages, areas=chosen
            )
        count += 1
    Record.objects.bulk_update(history, ["functions", "stages", "areas", "coverage_tagged_at"], batch_size=500)
    return count
