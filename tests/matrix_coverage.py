"""The 4x4x4 coverage pages in the access matrix (tests/test_access_matrix.py).

A coverage page hangs off each dashboard and has the dashboard's readers, read off the same
scope (oversight.dashboards.scope): Theo and Cara see their supervisees' (Cara, Sally's case
work only), the team's readers the team's, Maria the authority's, Quentin Fostering's. Everyone
else, Omar and Fiona included, gets a 404. The page shows tags, never a record's content.
"""

from __future__ import annotations

from typing import Any

from oversight.people.models import Service

from .test_access_matrix import Probe, not_applicable

URL_TABLE: dict[str, str] = {
    "dashboards:coverage": "a dashboard's 4x4x4 coverage (view; export: CSV and XLSX)",
}


# fmt: off
def probes(w: Any) -> list[Probe]:
    org = w.cast.org
    team_a = w.people["sally"].team
    service_b = Service.objects.get(organisation=org, name="Fostering")
    supervisors = frozenset({"theo", "cara"})
    team_a_readers = frozenset({"theo", "maria", "qa_in"})
    service_b_readers = frozenset({"maria", "qa_out"})
    authority = frozenset({"maria"})
    team = f"/dashboards/team-{team_a.pk}/coverage/"
    return [
        Probe("dashboards:coverage", "dashboards", "view", "get", "/dashboards/supervisor/coverage/", supervisors, supervisors, "read", ("4x4x4 coverage", "Sally Social")),
        Probe("dashboards:coverage", "dashboards", "view", "get", team, team_a_readers, team_a_readers, "read", ("4x4x4 coverage", "Sally Social")),
        Probe("dashboards:coverage", "dashboards", "view", "get", f"/dashboards/service-{service_b.pk}/coverage/", service_b_readers, service_b_readers, "read", ("4x4x4 coverage",)),
        Probe("dashboards:coverage", "dashboards", "view", "get", "/dashboards/authority/coverage/", authority, authority, "read", ("4x4x4 coverage", "Sally Social")),
        Probe("dashboards:coverage", "dashboards", "export", "get", team + "?format=csv", team_a_readers, team_a_readers, "export", ("Sally Social",)),
        Probe("dashboards:coverage", "dashboards", "export", "get", "/dashboards/authority/coverage/?format=xlsx", authority, authority, "export"),
        *not_applicable("dashboards", "dashboards:coverage", team, team_a_readers, {"view", "list", "export"}),
    ]
# fmt: on
