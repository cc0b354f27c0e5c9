"""schemathesis against the API's own schema (issue 7): at least 2,000 generated requests over
every operation, against the Django WSGI application with the Leeds demo authority loaded, with
0 server errors and 0 responses that break the schema (status code, content type, headers and
body). Deterministic (Hypothesis derandomized, time frozen at a fixed day that moves on with the
run) and bounded: ``EXAMPLES`` per operation.

Requests are made with API tokens of the demo's team manager (who supervises, so writes
succeed), a social worker (who agrees or disputes records) and the service manager (a senior
manager, who may import), and go to real objects of the
demo as well as to generated ids; a second authority's objects are there to be outsiders (404).
The whole run is one test in one transaction, so the demo is loaded once and rolled back after.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import schemathesis
import time_machine
from django.contrib.auth import get_user_model
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from oversight.access import policy
from oversight.access.models import StaffCapability
from oversight.access.reach import Viewer
from oversight.access.services import capability_grant
from oversight.api.services import api_token_create
from oversight.compliance.store import refresh_organisation
from oversight.demo import load_demo
from oversight.organisations.models import Organisation

from .personas import make_cast

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Europe/London"))
TODAY = NOW.date()
EXAMPLES = 78  # per operation: 27 operations make about 2,100 requests
MINIMUM_REQUESTS = 2000
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# The kind of object behind each path, for real ids to send as well as generated ones.
KINDS = {
    "/api/people/": "person",
    "/api/relationships/": "relationship",
    "/api/agreements/": "agreement",
    "/api/sessions/": "session",
    "/api/records/": "record",
    "/api/case-directions/": "case_review",
}


def _demo() -> tuple[dict[str, str], dict[str, list[int]]]:
    """The Leeds demo and an outsider authority; the tokens and a sample of real ids by kind."""
    load_demo(today=TODAY, only=("leeds-2023",))
    outsiders = make_cast("bristol-2020", "bristol-outsiders")
    organisation = Organisation.objects.get(slug="leeds")
    refresh_organisation(organisation, TODAY)
    User = get_user_model()
    keys = {}
    service_manager = User.objects.get(username="leeds.sm").person
    if not StaffCapability.objects.filter(person=service_manager, capability="senior_manager").exists():
        # the demo gives it (surveys); granted here only were it not to
        capability_grant(person=service_manager, capability="senior_manager", by=None, reason="Imports", at=NOW)
    for username in ("leeds.tm1", "leeds.sw1", "leeds.sm"):
        _, keys[username] = api_token_create(
            user=User.objects.get(username=username), name="schemathesis", scopes=["read", "write"], days=30
        )
    manager = User.objects.get(username="leeds.tm1").person
    ids: dict[str, list[int]] = {}
    for prefix, kind in KINDS.items():
        mine = list(policy.visible(Viewer.for_person(manager), kind).order_by("pk").values_list("pk", flat=True))
        ids[prefix] = mine[:: max(1, len(mine) // 8)][:8]
    ids["/api/people/"].append(outsiders.sally.pk)
    return keys, ids


def _strategy(operation: Any, ids: dict[str, list[int]]) -> Any:
    """Generated cases, and for operations on one object the same with real ids."""
    strategies = [operation.as_strategy()]
    if "{id}" in operation.path:
        prefix = next((p for p in KINDS if operation.path.startswith(p)), None)
        for pk in ids.get(prefix or "", []):
            strategies.append(operation.as_strategy(path_parameters={"id": pk}))
    return st.one_of(*strategies)


@pytest.fixture
def connections_kept_open() -> Iterator[None]:
    """Keep the test's database connection across requests, as Django's test client does.

    The WSGI handler closes connections it finds inside a transaction at each request's
    start and end; the test's transaction is one, and on PostgreSQL closing it loses it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("connections_kept_open")
def test_the_api_keeps_to_its_schema(capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    with time_machine.travel(NOW, tick=True):
        keys, ids = _demo()
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
        statuses: Counter[int] = Counter()
        server_errors: list[str] = []
        violations: list[str] = []
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 25

        for operation in operations:
            # By username, in a fixed order (the keys themselves are random): derandomized runs repeat.
            @given(case=_strategy(operation, ids), who=st.sampled_from(list(keys)))
            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any, who: str) -> None:
                response = case.call(headers={"Authorization": f"Token {keys[who]}"})
                statuses[response.status_code] += 1
                try:
                    case.validate_response(response, checks=CHECKS)
                except Exception as failure:  # a schemathesis Failure or FailureGroup: noted, and go on
                    where = f"{case.method} {case.formatted_path} -> {response.status_code}: {failure}"[:600]
                    (server_errors if response.status_code >= 500 else violations).append(where)

            run()
    elapsed = time.monotonic() - started
    requests = sum(statuses.values())
    with capsys.disabled():
        print(
            f"\nschemathesis: {requests} requests over {len(operations)} operations in {elapsed:.0f} s; "
            f"statuses {dict(sorted(statuses.items()))}; {len(server_errors)} server errors, "
            f"{len(violations)} schema violations"
        )
    assert not server_errors, "\n".join(server_errors[:20])
    assert not violations, "\n".join(violations[:20])
    assert requests >= MINIMUM_REQUESTS
    assert statuses[200] > 300, "too few requests got past validation to test the happy paths"
