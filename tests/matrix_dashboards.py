"""The dashboards in the access matrix (tests/test_access_matrix.py).

Who opens which dashboard, read off the one access policy (oversight.dashboards.scope):
Theo supervises Sally and Asha (supervisor dashboard) and line-manages team A; Cara
supervises Sally's case work only (a supervisor dashboard of case figures); Maria is the
senior manager at the top of the tree (the authority, both services, every team); Quinn is
quality assurance in service A (its service and teams), Quentin in Fostering (its service).
Everyone else, Omar and Fiona included (they line-manage no one here), gets a 404. No
dashboard shows any record's content: the global marker scan covers every page.
"""

from __future__ import annotations

from typing import Any

from oversight.compliance.store import refresh_organisation
from oversight.people.models import Service, Team

from .test_access_matrix import TODAY, Probe, not_applicable

URL_TABLE: dict[str, str] = {
    "dashboards:index": "dashboards (list)",
    "dashboards:supervisor": "the supervisor dashboard (view)",
    "dashboards:team": "team dashboards (view)",
    "dashboards:service": "service dashboards (view)",
    "dashboards:authority": "the authority dashboard (view)",
    "dashboards:figure": "a figure and the people and sessions behind it (view)",
    "dashboards:export": "a figure's tables (export: CSV and XLSX)",
}


# fmt: off
def probes(w: Any) -> list[Probe]:
    refresh_organisation(w.cast.org, TODAY)  # the dashboards read the obligation store
    org = w.cast.org
    team_a = w.people["sally"].team
    team_b = w.people["omar"].team
    service_a = team_a.service
    service_b = Service.objects.get(organisation=org, name="Fostering")
    team_f = Team.objects.get(organisation=org, name="Fostering team")
    supervisors = frozenset({"theo", "cara"})
    team_a_readers = frozenset({"theo", "maria", "qa_in"})
    service_a_readers = frozenset({"maria", "qa_in"})
    service_b_readers = frozenset({"maria", "qa_out"})
    authority = frozenset({"maria"})
    anyone = supervisors | team_a_readers | service_a_readers | service_b_readers
    ta, tb, tf, sa, sb = (f"/dashboards/team/{team_a.pk}/", f"/dashboards/team/{team_b.pk}/", f"/dashboards/team/{team_f.pk}/",
                          f"/dashboards/service/{service_a.pk}/", f"/dashboards/service/{service_b.pk}/")
    records_a = f"/dashboards/team-{team_a.pk}/figures/records/"
    return [
        Probe("dashboards:index", "dashboards", "list", "get", "/dashboards/", anyone, anyone, "page"),
        Probe("dashboards:index", "dashboards", "list", "get", "/dashboards/", anyone, supervisors, "list", ('href="/dashboards/supervisor/"',)),
        Probe("dashboards:index", "dashboards", "list", "get", "/dashboards/", anyone, team_a_readers, "list", (f'href="{ta}"',)),
        Probe("dashboards:index", "dashboards", "list", "get", "/dashboards/", anyone, service_b_readers, "list", (f'href="{sb}"',)),
        Probe("dashboards:index", "dashboards", "list", "get", "/dashboards/", anyone, authority, "list", ('href="/dashboards/authority/"',)),
        Probe("dashboards:supervisor", "dashboards", "view", "get", "/dashboards/supervisor/", supervisors, supervisors, "read", ("My supervisees", "Due this week")),
        Probe("dashboards:team", "dashboards", "view", "get", ta, team_a_readers, team_a_readers, "read", ("Team A", "Overdue now")),
        Probe("dashboards:team", "dashboards", "view", "get", tb, service_a_readers, service_a_readers, "read", ("Team B",)),
        Probe("dashboards:team", "dashboards", "view", "get", tf, service_b_readers, service_b_readers, "read", ("Fostering team",)),
        Probe("dashboards:service", "dashboards", "view", "get", sa, service_a_readers, service_a_readers, "read", ("Children&#x27;s social work",)),
        Probe("dashboards:service", "dashboards", "view", "get", sb, service_b_readers, service_b_readers, "read", ("Fostering",)),
        Probe("dashboards:authority", "dashboards", "view", "get", "/dashboards/authority/", authority, authority, "read", ("The disruption log",)),
        Probe("dashboards:figure", "dashboards", "view", "get", records_a, team_a_readers, team_a_readers, "read", ("Sally Social", "/sessions/")),
        Probe("dashboards:figure", "dashboards", "view", "get", "/dashboards/supervisor/figures/records/", supervisors, supervisors, "read", ("Sally Social", "Record shared with the supervisee")),
        Probe("dashboards:figure", "dashboards", "view", "get", "/dashboards/authority/figures/disruption/", authority, authority, "read", ("Cancelled sessions",)),
        Probe("dashboards:export", "dashboards", "export", "get", records_a + "rows.csv", team_a_readers, team_a_readers, "export", ("Sally Social",)),
        Probe("dashboards:export", "dashboards", "export", "get", "/dashboards/authority/figures/overdue/summary.xlsx", authority, authority, "export"),
        *not_applicable("dashboards", "dashboards:team", ta, team_a_readers, {"view", "list", "export"}),
    ]
# fmt: on
