"""File and quality clocks in the application (issue 8): the scenario takes ``file_events``
from the apps that keep the supervision file and the quality loop (faked here, so that the
wiring is tested whatever those apps do), the obligation store keeps the ``file:*`` rows and
follows ``touch_people``, the dashboards count them with a drill-down naming the rule, and
reminders word them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from oversight.compliance import providers, store
from oversight.compliance.hooks import touch_people
from oversight.compliance.models import Obligation
from oversight.compliance.selectors import obligations_for, scenario_for, stored_obligations
from oversight.compliance.store import refresh_organisation
from oversight.organisations.models import Organisation
from oversight.people.models import Person
from oversight.reminders.selectors import ESCALATED, OVERDUE, reminders_due
from oversight.supervision.services import relationship_start

from .personas import Cast, make_cast

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Europe/London"))
TODAY = NOW.date()
LEEDS = "001_8acf471507eacfb1.txt"


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


class FakeProvider:
    """An app's ``selectors.file_events``: what it was given, and the events it holds."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.calls: list[set[int] | None] = []

    def __call__(self, organisation: Organisation, people: Any = None) -> list[dict[str, Any]]:
        self.calls.append(None if people is None else set(people))
        return [e for e in self.events if people is None or e["person"] in people]


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeProvider:
    provider = FakeProvider()
    kinds = ("training", "supervision_observed", "file_audit", "self_care_plan", "self_care_review")
    monkeypatch.setattr(providers, "providers", lambda: [(provider, kinds)])
    return provider


@pytest.fixture
def cast(django_capture_on_commit_callbacks: Any) -> Cast:
    """Theo supervises Sally and Asha from 5 January 2026; Maria supervises Theo from 6 January 2025.
    Set up as a committed transaction (its hooks run), as the application would."""
    with django_capture_on_commit_callbacks(execute=True):
        cast = make_cast("leeds-2023")
        User = get_user_model()
        for person in (cast.maria, cast.theo, cast.sally):
            person.user = User.objects.create_user(username=person.staff_id.lower(), password="x")
            person.save()
        for supervisee in (cast.sally, cast.asha):
            relationship_start(
                organisation=cast.org,
                by=cast.maria,
                supervisor=cast.theo,
                supervisee=supervisee,
                start=date(2026, 1, 5),
            )
        relationship_start(
            organisation=cast.org, by=cast.maria, supervisor=cast.maria, supervisee=cast.theo, start=date(2025, 1, 6)
        )
    return cast


def files_of(org: Organisation) -> dict[str, Obligation]:
    return {ob.key: ob for ob in Obligation.objects.filter(organisation=org, kind="file")}


# --- where the events come from ---------------------------------------------------------------


def test_no_provider_no_file_events_and_no_file_clocks(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(providers, "FILE_EVENT_APPS", {"oversight.not_an_app": ("training",)})
    assert providers.providers() == []
    scenario = scenario_for(cast.org, TODAY)
    assert scenario.file_events is None and scenario.file_event_kinds is None
    refresh_organisation(cast.org, TODAY)
    assert files_of(cast.org) == {}


def test_an_installed_app_without_the_function_offers_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    # organisations is installed but has no selectors module; cases has selectors without file_events
    monkeypatch.setattr(providers, "FILE_EVENT_APPS", {"oversight.organisations": ("training",)})
    assert providers.providers() == []
    monkeypatch.setattr(providers, "FILE_EVENT_APPS", {"oversight.compliance": ("training",)})
    assert providers.providers() == []


def test_an_app_whose_models_are_not_ready_offers_nothing(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    def not_ready(organisation: Organisation, people: Any = None) -> list[dict[str, Any]]:
        raise LookupError("No installed app with label 'quality'.")

    monkeypatch.setattr(providers, "providers", lambda: [(not_ready, ("training",))])
    assert providers.file_events_for(cast.org) is None


def test_the_scenario_carries_the_events_and_the_kinds_recorded(cast: Cast, fake: FakeProvider) -> None:
    fake.events = [
        {"person": cast.theo.pk, "kind": "training", "date": date(2021, 6, 1)},
        {"person": cast.sally.pk, "kind": "self_care_plan", "date": date(2026, 1, 20)},
    ]
    scenario = scenario_for(cast.org, TODAY)
    assert sorted((e.person, e.kind, e.date) for e in scenario.file_events or ()) == sorted(
        [(f"p{cast.sally.pk}", "self_care_plan", date(2026, 1, 20)), (f"p{cast.theo.pk}", "training", date(2021, 6, 1))]
    )
    assert scenario.file_event_kinds == sorted(
        ["file_audit", "self_care_plan", "self_care_review", "supervision_observed", "training"]
    )
    some = scenario_for(cast.org, TODAY, people=[cast.sally.pk])
    assert fake.calls[-1] == {cast.sally.pk}
    assert [e.person for e in some.file_events or ()] == [f"p{cast.sally.pk}"]


# --- the store ---------------------------------------------------------------------------------


def test_the_store_keeps_the_file_clocks(cast: Cast, fake: FakeProvider) -> None:
    fake.events = [{"person": cast.theo.pk, "kind": "training", "date": date(2021, 6, 1)}]
    refresh_organisation(cast.org, TODAY)
    rows = files_of(cast.org)
    theo, sally = f"p{cast.theo.pk}", f"p{cast.sally.pk}"
    assert set(rows) == {
        f"file:training:{theo}",
        f"file:supervision_observed:{theo}",
        f"file:file_audit:{theo}",
        f"file:training:p{cast.maria.pk}",
        f"file:supervision_observed:p{cast.maria.pk}",
        f"file:file_audit:p{cast.maria.pk}",
        f"file:self_care_plan:{sally}",
        f"file:self_care_plan:p{cast.asha.pk}",
        f"file:self_care_plan:{theo}",
    }
    training = rows[f"file:training:{theo}"]
    assert (training.person, training.owner, training.status) == (cast.theo, cast.theo, "upcoming")
    assert (training.due, training.done) == (date(2026, 6, 1), date(2021, 6, 1))  # 5 years on: not yet
    assert training.session_kind == "" and training.detail["who"] == "supervisors"
    never = rows[f"file:training:p{cast.maria.pk}"]
    assert (never.due, never.done, never.status) == (date(2025, 1, 6), None, "overdue")  # from her first supervisee
    assert (training.rule, training.source) == ("leeds.training_refresh", f"{LEEDS} 4.18")
    plan = rows[f"file:self_care_plan:{sally}"]
    assert (plan.person, plan.session_kind, plan.due, plan.status) == (
        cast.sally,
        "personal",
        date(2026, 2, 5),
        "overdue",
    )
    # read back as the engine said it
    assert stored_obligations(cast.org, TODAY).items == obligations_for(cast.org, TODAY).items


def test_touch_people_refreshes_whose_file_events_changed(
    cast: Cast, fake: FakeProvider, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    refresh_organisation(cast.org, TODAY)
    key = f"file:self_care_plan:p{cast.sally.pk}"
    assert files_of(cast.org)[key].status == "overdue"
    calls: list[set[int]] = []
    real = store.refresh_people

    def counting(organisation: Organisation, person_ids: Any, as_of: date) -> int:
        calls.append(set(person_ids))
        return real(organisation, person_ids, as_of)

    monkeypatch.setattr(store, "refresh_people", counting)
    fake.events = [{"person": cast.sally.pk, "kind": "self_care_plan", "date": date(2026, 3, 9)}]
    with django_capture_on_commit_callbacks(execute=True):
        touch_people([cast.sally.pk])
        assert calls == []  # at commit, not before
    assert calls == [{cast.sally.pk}]
    after = files_of(cast.org)[key]
    assert (after.done, after.status) == (date(2026, 3, 9), "late")
    # exactly the rows a full refresh gives
    assert stored_obligations(cast.org, TODAY).items == obligations_for(cast.org, TODAY).items


# --- dashboards and reminders ---------------------------------------------------------------------


def test_the_dashboard_counts_the_clocks_and_leads_to_the_people_and_the_rule(cast: Cast, fake: FakeProvider) -> None:
    fake.events = [
        {"person": cast.sally.pk, "kind": "self_care_plan", "date": date(2026, 1, 20)},  # on time
        {"person": cast.theo.pk, "kind": "self_care_plan", "date": date(2025, 3, 20)},  # late
    ]
    refresh_organisation(cast.org, TODAY)
    maria = Client()
    maria.force_login(cast.maria.user)
    page = maria.get("/dashboards/authority/")
    assert page.status_code == 200
    figure = next(f for f in page.context["figures"] if f.slug == "file-clocks")
    rows = {row[1].value: row for row in figure.summary.rows}
    assert list(rows) == [r.id for r in cast.org.pack.file_clocks]
    plan = rows["leeds.self_care_plan"]
    overdue, waiting, met, late = plan[2], plan[3], plan[4], plan[5]
    assert (overdue.value, waiting.value, met.value, late.value) == (1, 0, 1, 1)  # Asha, -, Sally, Theo
    assert rows["leeds.training_refresh"][2].value == 1  # Theo: never trained (Maria's own row is not counted)
    assert figure.headline.startswith(f"{sum(r[2].value for r in rows.values())} of ")
    assert [ref.id for ref in figure.rules] == [r.id for r in cast.org.pack.file_clocks]
    assert not figure.notes
    # the count leads to Asha, with the rule and its citation
    drill = maria.get(overdue.href)
    assert drill.status_code == 200
    detail = drill.context["detail"]
    assert [row[0].text for row in detail.rows] == ["Asha Asye"]
    assert detail.rows[0][3].text == "Self-care plan"
    assert detail.rows[0][-1].text == f"leeds.self_care_plan ({LEEDS} 4.11)"
    assert "Supervision file and quality clocks" in page.content.decode()
    csv_rows = maria.get("/dashboards/authority/figures/file-clocks/rows.csv").content.decode()
    assert "Asha Asye" in csv_rows and "leeds.self_care_plan" in csv_rows
    # the overdue figure has one line for all of them
    overdue_figure = next(f for f in page.context["figures"] if f.slug == "overdue")
    labels = [row[0].text for row in overdue_figure.summary.rows]
    assert labels.count("Supervision file and quality clocks") == 1
    # a rule that is not one of the pack's is refused, naming the field
    bad = maria.get("/dashboards/authority/figures/file-clocks/?rule=nonsense")
    assert bad.status_code == 400 and "Rule must be one of the values listed" in bad.content.decode()


def test_the_figure_says_when_the_events_are_not_recorded(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(providers, "providers", lambda: [])
    refresh_organisation(cast.org, TODAY)
    maria = Client()
    maria.force_login(cast.maria.user)
    figure = next(f for f in maria.get("/dashboards/authority/").context["figures"] if f.slug == "file-clocks")
    assert figure.headline == "0 of 0 overdue"
    assert figure.notes and figure.notes[0].startswith(
        "Not counted, as Oversight does not record them yet: self-care plan"
    )


def test_reminders_name_the_clock_and_tell_whom_it_concerns(cast: Cast, fake: FakeProvider) -> None:
    refresh_organisation(cast.org, TODAY)
    reminders = [r for r in reminders_due(cast.org, TODAY) if r.kind == "file"]
    training = {r.recipient: r for r in reminders if r.obligation_id == f"file:training:p{cast.theo.pk}"}
    assert set(training) == {cast.theo, cast.maria}  # the supervisor and the line manager who observes and audits
    reminder = training[cast.theo]
    assert reminder.reason == OVERDUE
    assert reminder.what.startswith("Theo Team's supervision training refresher was due on 5 January 2026")
    assert reminder.why == f"leeds.training_refresh, {LEEDS} 4.18"
    plan = {(r.recipient, r.reason) for r in reminders if r.obligation_id == f"file:self_care_plan:p{cast.sally.pk}"}
    # the supervisee and her supervisor; over 14 days overdue, his line manager too
    assert plan == {(cast.sally, OVERDUE), (cast.theo, OVERDUE), (cast.maria, ESCALATED)}
    assert all(isinstance(r.about, Person) for r in reminders)


def test_incremental_refreshes_keep_the_store_equal_to_a_full_one(
    cast: Cast, fake: FakeProvider, django_capture_on_commit_callbacks: Any
) -> None:
    """Random file events, relationships started and ended and people leaving, each committed
    with its hooks (file events with ``touch_people``): the store always holds what a full
    refresh would (the same check as tests/test_store.py, here with file clocks)."""
    import random

    from oversight.people.services import person_record_leaving
    from oversight.supervision.models import Relationship
    from oversight.supervision.services import relationship_end

    from .test_store import assert_same

    rng = random.Random(8)
    kinds = ["training", "supervision_observed", "file_audit", "self_care_plan", "self_care_review"]
    with django_capture_on_commit_callbacks(execute=True):  # committed, as everything here
        extra = [
            Person.objects.create(
                organisation=cast.org,
                staff_id=f"E{i}",
                name=f"Extra {i}",
                role="social_worker",
                started=date(2019, 4, 1),
            )
            for i in range(4)
        ]
        refresh_organisation(cast.org, TODAY)
    everyone = [cast.maria, cast.theo, cast.sally, cast.asha, cast.omar, *extra]
    seen: set[tuple[str, str, date | None]] = set()
    for step in range(30):
        what = rng.choice(["event", "event", "event", "forget", "start", "start", "end", "leave"])
        with django_capture_on_commit_callbacks(execute=True):
            if what == "event":
                person = rng.choice(everyone)
                day = TODAY - timedelta(days=rng.randrange(0, 2500))
                fake.events.append({"person": person.pk, "kind": rng.choice(kinds), "date": day})
                touch_people([person.pk])
            elif what == "forget" and fake.events:
                gone = fake.events.pop(rng.randrange(len(fake.events)))
                touch_people([gone["person"]])
            elif what == "start":
                supervisor, supervisee = rng.sample([p for p in everyone if p.left is None], 2)
                if not Relationship.objects.filter(supervisee=supervisee, end__isnull=True).exists():
                    start = TODAY - timedelta(days=rng.randrange(0, 400))
                    relationship_start(
                        organisation=cast.org, by=cast.maria, supervisor=supervisor, supervisee=supervisee, start=start
                    )
            elif what == "end":
                open_ones = list(Relationship.objects.filter(organisation=cast.org, end__isnull=True))
                if open_ones:
                    rel = rng.choice(open_ones)
                    relationship_end(relationship=rel, by=cast.maria, end=max(rel.start, TODAY - timedelta(days=3)))
            elif what == "leave":
                person = rng.choice([p for p in extra if p.left is None] or [cast.omar])
                if person.left is None:
                    person_record_leaving(person=person, by=cast.maria, left=TODAY - timedelta(days=1))
                    person.refresh_from_db()
        assert_same(cast.org, TODAY, f"step {step}: {what}")
        seen |= {(ob.key, ob.status, ob.done) for ob in files_of(cast.org).values()}
    assert len(seen) > 20  # and there was something to keep
