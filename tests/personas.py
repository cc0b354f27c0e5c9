"""The fixed cast used across the tests (Leeds unless a test says otherwise).

- Sally, a social worker; Asha, an ASYE social worker; both supervised by Theo.
- Theo, their team manager; Maria, the service manager above him.
- Omar, a team manager of another team: he should see nothing of Sally's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from oversight.organisations.models import Organisation
from oversight.people.models import Person, Service, Team


@dataclass
class Cast:
    org: Organisation
    maria: Person
    theo: Person
    omar: Person
    sally: Person
    asha: Person


def make_cast(pack: str = "leeds-2023", slug: str = "leeds-test") -> Cast:
    org = Organisation.objects.create(name=f"Test {pack}", slug=slug, policy_pack=pack)
    service = Service.objects.create(organisation=org, name="Children's social work")
    team_a = Team.objects.create(organisation=org, service=service, name="Team A")
    team_b = Team.objects.create(organisation=org, service=service, name="Team B")

    def person(staff_id: str, name: str, role: str, team: Team | None, manager: Person | None, **extra) -> Person:
        return Person.objects.create(
            organisation=org,
            staff_id=staff_id,
            name=name,
            role=role,
            team=team,
            line_manager=manager,
            started=extra.pop("started", date(2015, 1, 5)),
            **extra,
        )

    maria = person("M1", "Maria Service", "service_manager", None, None)
    theo = person("T1", "Theo Team", "team_manager", team_a, maria)
    omar = person("O1", "Omar Other", "team_manager", team_b, maria)
    sally = person("S1", "Sally Social", "social_worker", team_a, theo, started=date(2020, 3, 2))
    asha = person("A1", "Asha Asye", "nqsw_asye", team_a, theo, started=date(2026, 1, 5), asye_start=date(2026, 1, 5))
    return Cast(org=org, maria=maria, theo=theo, omar=omar, sally=sally, asha=asha)


def give_sign_ins(cast: Cast, *extra: Person, prefix: str = "", password: str = "x") -> None:
    """A sign-in account for each of the cast (and ``extra``), username ``<prefix><staff id>`` in
    lower case (``prefix`` keeps two organisations' casts apart)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    for person in (cast.maria, cast.theo, cast.omar, cast.sally, cast.asha, *extra):
        person.user = User.objects.create_user(username=f"{prefix}{person.staff_id.lower()}", password=password)
        person.save()
