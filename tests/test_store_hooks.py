"""Keeping the obligation store current: the hooks refresh the people a committed change
touches, once per transaction; readers recompute a store that is missing or of another day.

``committed()`` runs what ``transaction.on_commit`` registered in its block, as a commit
of the block's transaction would (the test's own transaction is rolled back at the end).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from oversight.compliance import store
from oversight.compliance.models import Obligation, StoreRefresh, SupervisionHeld
from oversight.compliance.selectors import obligations_for, stored_obligations
from oversight.compliance.store import refresh_organisation
from oversight.sessions.services import session_hold, session_schedule
from oversight.supervision.services import relationship_start
from tests.personas import Cast, make_cast

TODAY = date(2026, 3, 16)

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def cast(committed: Any) -> Any:
    with time_machine.travel(TODAY, tick=False):
        with committed():
            cast = make_cast()
            relationship_start(
                organisation=cast.org,
                by=cast.maria,
                supervisor=cast.theo,
                supervisee=cast.sally,
                start=date(2026, 1, 5),
            )
            refresh_organisation(cast.org, TODAY)
        yield cast


@pytest.fixture
def refreshes(monkeypatch: pytest.MonkeyPatch) -> list[set[int]]:
    """Each call of store.refresh_people, by the people it was given."""
    calls: list[set[int]] = []
    real = store.refresh_people

    def counting(organisation: Any, person_ids: Any, as_of: date) -> int:
        calls.append(set(person_ids))
        return real(organisation, person_ids, as_of)

    monkeypatch.setattr(store, "refresh_people", counting)
    return calls


def supervision(cast: Cast) -> Obligation:
    return Obligation.objects.get(organisation=cast.org, key=f"supervision:personal:p{cast.sally.pk}")


def hold(cast: Cast, day: date) -> None:
    session = session_schedule(
        organisation=cast.org, by=cast.theo, kind="personal", supervisor=cast.theo, supervisee=cast.sally, date=day
    )
    session_hold(session=session, by=cast.theo, today=TODAY)


def test_a_held_session_refreshes_the_supervisee_after_commit(
    cast: Cast, refreshes: list[set[int]], committed: Any
) -> None:
    before = supervision(cast)
    assert before.status == "overdue" and before.detail["last"] is None
    with committed():
        hold(cast, date(2026, 3, 12))
        assert refreshes == []  # nothing before the commit
    assert len(refreshes) == 1 and cast.sally.pk in refreshes[0]
    assert cast.maria.pk not in refreshes[0]  # not the whole organisation
    after = supervision(cast)
    assert (after.status, after.detail["last"], after.computed_on) == ("upcoming", "2026-03-12", TODAY)
    held = SupervisionHeld.objects.get(person=cast.sally)
    assert (held.held, held.due, held.on_time) == (date(2026, 3, 12), date(2026, 2, 5), False)
    # and the store is what the engine says
    assert stored_obligations(cast.org, TODAY).items == obligations_for(cast.org, TODAY).items


def test_each_transaction_refreshes_once(cast: Cast, refreshes: list[set[int]], committed: Any) -> None:
    with committed():
        with transaction.atomic():
            hold(cast, date(2026, 3, 2))
            hold(cast, date(2026, 3, 12))
    assert len(refreshes) == 1
    assert supervision(cast).detail["history"] == {"held": 2, "late": 1}
    with committed():
        hold(cast, date(2026, 3, 13))
    assert len(refreshes) == 2  # the next transaction has its own
    assert supervision(cast).detail["history"] == {"held": 3, "late": 1}


def test_a_rolled_back_transaction_refreshes_nothing(cast: Cast, refreshes: list[set[int]], committed: Any) -> None:
    before = supervision(cast)
    with committed():
        with pytest.raises(RuntimeError), transaction.atomic():
            hold(cast, date(2026, 3, 12))
            raise RuntimeError("undo")
    assert refreshes == []
    assert supervision(cast).detail == before.detail
    with committed():
        hold(cast, date(2026, 3, 13))  # the next transaction is not confused by the one undone
    assert supervision(cast).detail["last"] == "2026-03-13"


def test_a_reader_sees_its_own_transaction(cast: Cast) -> None:
    """Inside a transaction that has not committed (a request), a reader refreshes first."""
    with transaction.atomic():
        hold(cast, date(2026, 3, 12))
        ob = stored_obligations(cast.org, TODAY, people=[cast.sally.pk]).for_person(cast.sally)
        assert {o["id"]: o for o in ob}[f"supervision:personal:p{cast.sally.pk}"]["last"] == "2026-03-12"


def test_a_reallocated_child_moves_between_workers(cast: Cast, committed: Any) -> None:
    from oversight.cases.models import Child

    with committed():
        child = Child.objects.create(
            organisation=cast.org, case_id="C-1", worker=cast.sally, status="cin", allocated=date(2026, 1, 5)
        )
    row = Obligation.objects.get(organisation=cast.org, key=f"case_review:c{child.pk}")
    assert row.person_id == cast.sally.pk
    with committed():
        child.worker = cast.asha
        child.save()
    row = Obligation.objects.get(organisation=cast.org, key=f"case_review:c{child.pk}")
    assert (row.person_id, row.owner_id) == (cast.asha.pk, cast.asha.pk)
    assert stored_obligations(cast.org, TODAY).items == obligations_for(cast.org, TODAY).items


def test_a_store_of_another_day_is_recomputed_by_the_next_reader(
    cast: Cast, refreshes: list[set[int]], committed: Any
) -> None:
    tomorrow = TODAY + timedelta(days=1)
    with time_machine.travel(tomorrow, tick=False):
        with committed():
            hold(cast, date(2026, 3, 12))
        assert refreshes == []  # the store is of yesterday: the hooks leave it to the reader
        assert stored_obligations(cast.org, tomorrow).items == obligations_for(cast.org, tomorrow).items
        assert StoreRefresh.objects.get(organisation=cast.org).as_of == tomorrow


def test_a_never_refreshed_organisation_is_populated_by_its_first_reader(cast: Cast) -> None:
    StoreRefresh.objects.all().delete()
    Obligation.objects.all().delete()
    assert stored_obligations(cast.org, TODAY).items == obligations_for(cast.org, TODAY).items
    assert Obligation.objects.filter(organisation=cast.org).exists()


def test_a_new_policy_pack_makes_the_next_reader_recompute(cast: Cast, committed: Any) -> None:
    with committed():
        cast.org.policy_pack = "lambeth-2021"
        cast.org.save()
    assert not StoreRefresh.objects.filter(organisation=cast.org).exists()
    assert stored_obligations(cast.org, TODAY).items == obligations_for(cast.org, TODAY).items


def test_the_hooks_can_be_turned_off(cast: Cast, refreshes: list[set[int]], settings: Any, committed: Any) -> None:
    settings.OVERSIGHT_OBLIGATION_HOOKS = False
    with committed():
        hold(cast, date(2026, 3, 12))
    assert refreshes == []


def test_refresh_obligations_command(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management.base import CommandError

    Obligation.objects.all().delete()
    call_command("refresh_obligations", "--organisation", cast.org.slug, "--as-of", TODAY.isoformat())
    out = capsys.readouterr().out
    count = Obligation.objects.filter(organisation=cast.org).count()
    assert count > 0 and out.startswith(f"{cast.org.slug}: {count} obligations as of {TODAY}")
    with pytest.raises(CommandError, match="--organisation: no organisation 'nowhere'"):
        call_command("refresh_obligations", "--organisation", "nowhere")
