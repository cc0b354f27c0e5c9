"""Supervisor capacity planning in the access matrix (tests/test_access_matrix.py).

The same policy as the dashboards (oversight.dashboards.scope), for teams, services and the
authority only: Theo line-manages team A; Maria, the senior manager, plans every team, both
services and the authority; Quinn (QA in service A) plans service A and its teams, Quentin (QA
in Fostering) that service and its team. Cara supervises Sally's case work but plans nothing;
everyone else gets a 404. The what-if is a GET that recomputes: the walk's fingerprint shows
nothing changes.
"""

from __future__ import annotations

from typing import Any

from oversight.people.models import Service, Team

from .test_access_matrix import Probe, not_applicable

URL_TABLE: dict[str, str] = {
    "capacity:index": "supervisor capacity plans (list)",
    "capacity:plan": "a team's, service's or the authority's capacity plan and its what-if (view)",
    "capacity:export": "a capacity plan (export: CSV)",
}


# fmt: off
def probes(w: Any) -> list[Probe]:
    org = w.cast.org
    team_a = w.people["sally"].team
    service_a = team_a.service
    service_b = Service.objects.get(organisation=org, name="Fostering")
    team_f = Team.objects.get(organisation=org, name="Fostering team")
    team_a_readers = frozenset({"theo", "maria", "qa_in"})
    service_a_readers = frozenset({"maria", "qa_in"})
    service_b_readers = frozenset({"maria", "qa_out"})
    authority = frozenset({"maria"})
    anyone = team_a_readers | service_a_readers | service_b_readers
    ta, tf = f"/capacity/team-{team_a.pk}/", f"/capacity/team-{team_f.pk}/"
    sa, sb = f"/capacity/service-{service_a.pk}/", f"/capacity/service-{service_b.pk}/"
    what_if = f"{ta}?supervisee=p{w.people['asha'].pk}&to_supervisor=p{w.people['sally'].pk}"
    return [
        Probe("capacity:index", "capacity", "list", "get", "/capacity/", anyone, anyone, "page"),
        Probe("capacity:index", "capacity", "list", "get", "/capacity/", anyone, team_a_readers, "list", (f'href="{ta}"',)),
        Probe("capacity:index", "capacity", "list", "get", "/capacity/", anyone, service_b_readers, "list", (f'href="{sb}"',)),
        Probe("capacity:plan", "capacity", "view", "get", ta, team_a_readers, team_a_readers, "read", ("Sally Social", "(lambeth.ratio, London Borough of Lambeth 3.2)")),
        Probe("capacity:plan", "capacity", "view", "get", what_if, team_a_readers, team_a_readers, "read", ("Asha Asye supervised by Sally Social",)),
        Probe("capacity:plan", "capacity", "view", "get", tf, service_b_readers, service_b_readers, "read", ("Fostering team",)),
        Probe("capacity:plan", "capacity", "view", "get", sa, service_a_readers, service_a_readers, "read", ("Sally Social",)),
        Probe("capacity:plan", "capacity", "view", "get", sb, service_b_readers, service_b_readers, "read", ("Fostering",)),
        Probe("capacity:plan", "capacity", "view", "get", "/capacity/authority/", authority, authority, "read", ("Sally Social",)),
        Probe("capacity:export", "capacity", "export", "get", ta + "capacity.csv", team_a_readers, team_a_readers, "export", ("Sally Social",)),
        Probe("capacity:export", "capacity", "export", "get", "/capacity/authority/capacity.csv", authority, authority, "export"),
        *not_applicable("capacity", "capacity:plan", ta, team_a_readers, {"view", "list", "export"}),
    ]
# fmt: on
