"""The access matrix (issue 4): every persona × object × action, walked through the real pages
with the Django test client, against a table of who may do what written by hand from the issue
and the councils' policies, not read off oversight.access.

Personas (``PERSONAS``): Sally (social worker) and Asha (ASYE); Theo, their team manager, who
supervises Sally; Cara, an advanced practitioner who supervises Sally's case work only (Lambeth
3.6); Maria, the service manager above them, a senior manager; Omar, a team manager elsewhere;
Fiona, Sally's previous supervisor; Quinn, quality assurance in Sally's service, and Quentin,
quality assurance in another; Hana, HR; Ines, an inspector with a live grant over Sally's
service, and Ivan, one whose grant has expired (neither has a staff record); Vic, an
investigating officer on Sally, and Wendy, one on Asha; Lena, who left in December; Nobody, a
sign-in with no staff record; and the anonymous visitor.

Objects: Sally's file; a planned, a held case and an old (Fiona's) session; draft, shared,
agreed, final and old records; the confidential check-in of each (consent on the shared one, a
child-protection override on the final one); the signed agreement with Theo and the unsigned
one with Cara; the supervision arrangement; a child and a case review; the audit page; an
inspector's grant; Lena's file, session and record; and the pages that belong to no file.

Actions: view, list, edit, share, agree, sign, export, delete. Reads are GETs; writes are POSTs
(delete is an HTTP DELETE). Where an action does not apply to a kind of object the probe still
goes to the object's page, and must change nothing and download nothing.

Outcomes. A persona outside an object's readers must get a 404 (a 405 only where the method
alone is refused, the same for every object); the anonymous visitor is sent to sign in. Any
other answer, any content marker they may not see, or any change they may not make is a leak.
A persona the table allows must get the content (reads), the listing (lists), the download
(exports) or the change (writes); anything less is a wrongful denial. Every probe runs in a
savepoint that is rolled back, so each starts from the same world.

There is no API yet (issue 7): when it comes, its endpoints join ``URL_TABLE`` and the walk.
``test_every_url_pattern_is_in_the_matrix`` fails when a page is added without joining it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from oversight.access import policy, services
from oversight.access.models import ChildProtectionOverride, ConfidentialConsent, Grant, StaffCapability
from oversight.access.reach import Viewer
from oversight.cases.models import CaseReview, Child
from oversight.cases.services import case_review_record
from oversight.people.models import Absence, Person, Service, Team
from oversight.records.models import Action, Addendum, Record
from oversight.records.services import (
    action_add,
    record_agree,
    record_finalise,
    record_save_draft,
    record_share,
)
from oversight.sessions.models import Session
from oversight.sessions.services import session_hold, session_schedule
from oversight.supervision.models import Agreement, AgreementReview, AgreementSignature, Relationship
from oversight.supervision.services import agreement_create, agreement_sign, relationship_end, relationship_start

from .personas import Cast, make_cast

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 10, 10, 30, tzinfo=LONDON)
TODAY = NOW.date()
PURPOSE = "Quarterly audit of supervision files"


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


# --- the cast, by composition with tests/personas.py -----------------------------------------------

STAFF = ("sally", "asha", "theo", "cara", "maria", "omar", "fiona", "qa_in", "qa_out", "hr", "inv_sally", "lena")
NO_STAFF_RECORD = ("insp_live", "insp_expired", "inv_other", "nobody")
PERSONAS = (*STAFF, *NO_STAFF_RECORD, "anon")
PURPOSE_ASKED = {"qa_in", "qa_out", "hr"}  # their reads carry ?purpose= (asking for it is tested below)


@dataclass
class World:
    cast: Cast
    people: dict[str, Person]
    users: dict[str, Any]
    objects: dict[str, Any] = field(default_factory=dict)


def build_world() -> World:
    cast = make_cast("lambeth-2021", "lambeth-matrix")
    org = cast.org
    team_a = cast.sally.team
    assert team_a is not None
    service_a = team_a.service
    service_b = Service.objects.create(organisation=org, name="Fostering")
    team_f = Team.objects.create(organisation=org, service=service_b, name="Fostering team")
    User = get_user_model()

    def person(staff_id: str, name: str, role: str, team: Team | None, manager: Person | None, **extra: Any) -> Person:
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

    people = {
        "sally": cast.sally,
        "asha": cast.asha,
        "theo": cast.theo,
        "maria": cast.maria,
        "omar": cast.omar,
        "fiona": person("F1", "Fiona Former", "team_manager", cast.omar.team, cast.maria),
        "cara": person("C1", "Cara Case", "advanced_practitioner", team_a, cast.theo),
        "qa_in": person("Q1", "Quinn Quality", "business_support", None, None),
        "qa_out": person("Q2", "Quentin Fostering", "business_support", team_f, None),
        "hr": person("H1", "Hana Hr", "business_support", None, None),
        "inv_sally": person("V1", "Vic Investigator", "business_support", None, None),
        "lena": person("L1", "Lena Leaver", "social_worker", team_a, cast.theo, started=date(2019, 4, 1)),
    }
    users: dict[str, Any] = {}
    for key, member in people.items():
        member.user = User.objects.create_user(username=f"matrix-{key}", password="x")
        member.save()
        users[key] = member.user
    for key in NO_STAFF_RECORD:
        users[key] = User.objects.create_user(username=f"matrix-{key}", password="x", first_name=key.title())
    world = World(cast=cast, people=people, users=users)
    p = people
    o = world.objects

    # Capabilities and grants, through the services (each writes its audit row).
    services.capability_grant(
        person=p["maria"], capability="senior_manager", by=None, reason="Service manager", at=NOW - timedelta(days=365)
    )
    services.capability_grant(
        person=p["qa_in"], capability="qa", service=service_a, by=p["maria"], reason="Supervision QA group"
    )
    services.capability_grant(
        person=p["qa_out"], capability="qa", service=service_b, by=p["maria"], reason="Fostering QA"
    )
    services.capability_grant(person=p["hr"], capability="hr", by=p["maria"], reason="HR adviser")
    o["grant"] = services.grant_create(
        kind="inspector",
        holder=users["insp_live"],
        by=p["maria"],
        reason="MKR-GRANT-REASON Ofsted inspection of children's services",
        service=service_a,
        expires=NOW + timedelta(days=21),
    )
    services.grant_create(
        kind="inspector",
        holder=users["insp_expired"],
        by=p["maria"],
        reason="Last month's focused visit",
        service=service_a,
        starts=NOW - timedelta(days=40),
        expires=NOW - timedelta(days=1),
        at=NOW - timedelta(days=40),
    )
    services.grant_create(
        kind="investigator",
        holder=p["inv_sally"],
        by=p["maria"],
        reason="Disciplinary investigation",
        subject=p["sally"],
        expires=NOW + timedelta(days=14),
    )
    services.grant_create(
        kind="investigator",
        holder=users["inv_other"],
        by=p["maria"],
        reason="Grievance investigation",
        subject=p["asha"],
        expires=NOW + timedelta(days=14),
    )

    # Supervision: Fiona until 2023, then Theo (all kinds) and Cara (case supervision only).
    maria = p["maria"]
    old = relationship_start(
        organisation=org, by=maria, supervisor=p["fiona"], supervisee=p["sally"], start=date(2022, 1, 3)
    )
    relationship_end(relationship=old, by=maria, end=date(2023, 12, 31))
    o["relationship"] = relationship_start(
        organisation=org, by=maria, supervisor=p["theo"], supervisee=p["sally"], start=date(2024, 1, 8)
    )
    cara_rel = relationship_start(
        organisation=org, by=maria, supervisor=p["cara"], supervisee=p["sally"], start=date(2024, 1, 8), kinds=["case"]
    )
    relationship_start(organisation=org, by=maria, supervisor=p["theo"], supervisee=p["asha"], start=date(2026, 1, 5))
    lena_rel = relationship_start(
        organisation=org, by=maria, supervisor=p["theo"], supervisee=p["lena"], start=date(2024, 1, 8)
    )

    def held(supervisor: Person, supervisee: Person, day: date, kind: str = "personal", place: str = "") -> Session:
        session = session_schedule(
            organisation=org,
            by=supervisor,
            kind=kind,
            supervisor=supervisor,
            supervisee=supervisee,
            date=day,
            place=place,
        )
        return session_hold(session=session, by=supervisor, today=max(day, TODAY))

    def written(session: Session, text: str, check_in: str) -> Record:
        record = Record.objects.get(session=session)
        return record_save_draft(
            record=record,
            by=session.supervisor,
            content={"health_wellbeing": text, "check_in": check_in},
            expected_version=record.version,
        )

    sally = p["sally"]
    # Fiona's session, final before her supervision ended.
    s_old = held(p["fiona"], sally, date(2023, 6, 6), place="MKR-OLD-PLACE")
    r_old = written(s_old, "MKR-OLD-RECORD", "MKR-CONF-OLD")
    record_share(record=r_old, by=p["fiona"], on=date(2023, 6, 7))
    record_agree(record=r_old, by=sally, on=date(2023, 6, 8))
    record_finalise(record=r_old, by=p["fiona"])
    o["session_old"], o["record_old"] = s_old, Record.objects.get(pk=r_old.pk)
    # Theo's records in every state.
    s_final = held(p["theo"], sally, date(2026, 1, 13))
    r_final = written(s_final, "MKR-FINAL-RECORD", "MKR-CONF-FINAL")
    action_add(record=r_final, by=p["theo"], text="MKR-ACTION-OPEN", owner=sally, due=date(2026, 4, 1))
    record_share(record=r_final, by=p["theo"], on=date(2026, 1, 14))
    record_agree(record=r_final, by=sally, on=date(2026, 1, 15))
    record_finalise(record=r_final, by=p["theo"])
    s_agreed = held(p["theo"], sally, date(2025, 12, 9))
    r_agreed = written(s_agreed, "MKR-AGREED-RECORD", "MKR-CONF-AGREED")
    record_share(record=r_agreed, by=p["theo"], on=date(2025, 12, 10))
    record_agree(record=r_agreed, by=sally, on=date(2025, 12, 11))
    s_shared = held(p["theo"], sally, date(2026, 2, 10))
    r_shared = written(s_shared, "MKR-SHARED-RECORD", "MKR-CONF-SHARED")
    record_share(record=r_shared, by=p["theo"], on=date(2026, 3, 9))
    s_draft = held(p["theo"], sally, date(2026, 3, 3))
    r_draft = written(s_draft, "MKR-DRAFT-RECORD", "MKR-CONF-DRAFT")
    for state, record in (("final", r_final), ("agreed", r_agreed), ("shared", r_shared), ("draft", r_draft)):
        o[f"record_{state}"] = Record.objects.get(pk=record.pk)
    # The supervisee's consent on the shared record; Maria's override on the final one.
    services.consent_give(person=sally, by=sally, record=o["record_shared"])
    services.override_record(
        record=o["record_final"], by=maria, reason="A child-protection concern raised in supervision"
    )
    o["session_planned"] = session_schedule(
        organisation=org,
        by=p["theo"],
        kind="personal",
        supervisor=p["theo"],
        supervisee=sally,
        date=date(2026, 3, 9),
        place="MKR-PLANNED-PLACE",
    )
    o["session_case"] = held(p["cara"], sally, date(2026, 2, 17), kind="case", place="MKR-CASE-PLACE")

    # Agreements: Theo's signed by both, Cara's waiting for signatures.
    signed = agreement_create(
        relationship=o["relationship"],
        by=p["theo"],
        content={"parties": "MKR-SIGNED-AGREEMENT", "check_in": "MKR-CONF-AGREEMENT"},
    )
    agreement_sign(agreement=signed, by=p["theo"], at=NOW - timedelta(days=60))
    agreement_sign(agreement=signed, by=sally, at=NOW - timedelta(days=59))
    o["agreement_signed"] = signed
    o["agreement_unsigned"] = agreement_create(
        relationship=cara_rel, by=p["cara"], content={"parties": "MKR-WAITING-AGREEMENT"}
    )

    # A child on Sally's caseload, discussed in case supervision with Cara.
    o["child"] = Child.objects.create(
        organisation=org, case_id="MOS-1234", status="cp", worker=sally, allocated=date(2025, 6, 2)
    )
    o["case_review"] = case_review_record(
        child=o["child"], by=p["cara"], on=date(2026, 2, 17), direction="MKR-DIRECTION", session=o["session_case"]
    )
    o["absence"] = Absence.objects.create(person=sally, start=date(2026, 2, 2), planned=False)

    # Lena: supervised by Theo until she left at the end of December.
    s_lena = held(p["theo"], p["lena"], date(2025, 11, 4), place="MKR-LENA-PLACE")
    r_lena = written(s_lena, "MKR-LENA-RECORD", "MKR-CONF-LENA")
    record_share(record=r_lena, by=p["theo"], on=date(2025, 11, 5))
    record_agree(record=r_lena, by=p["lena"], on=date(2025, 11, 6))
    record_finalise(record=r_lena, by=p["theo"])
    relationship_end(relationship=lena_rel, by=maria, end=date(2025, 12, 31))
    p["lena"].left = date(2025, 12, 31)
    p["lena"].save()
    o["session_lena"], o["record_lena"] = s_lena, Record.objects.get(pk=r_lena.pk)

    if retention_installed():
        # Retention's own objects (HR): a legal hold and a subject access request, both about Lena.
        from oversight.retention.services import legal_hold_place, sar_start

        o["hold"] = legal_hold_place(person=p["lena"], by=p["hr"], reason="MKR-HOLD-REASON employment tribunal")
        o["sar"] = sar_start(person=p["lena"], by=p["hr"], received_on=date(2026, 3, 2), today=TODAY)
    return world


def retention_installed() -> bool:
    """Retention and subject access (oversight.retention) join the walk where they are installed."""
    return apps.is_installed("oversight.retention")


@pytest.fixture
def world() -> World:
    return build_world()


# --- the hand-written table ---------------------------------------------------------------------
# Who reads what, from the issue: "Supervisee: their own file. Current supervisor(s): their
# supervisees' files, for the kinds they supervise. The line-management chain above the
# supervisor: read. A previous supervisor loses access ... QA ... read within their service ...
# HR: leavers' files ... never the records of current staff. Inspector: ... scoped to a service
# ... expires by itself. Investigating officer: a grant on one named person ... Confidential
# content: supervisee and supervisor only ... unless consent or a child-protection override."

EVERYONE = frozenset(PERSONAS)
SIGNED_IN = EVERYONE - {"anon"}
KNOWN = frozenset(STAFF) | {"insp_live", "inv_other"}  # a staff record or a live grant
MEMBERS = frozenset(STAFF)  # pages for members of staff only
OUTSIDE_THE_RELATIONSHIP_READ = frozenset({"qa_in", "insp_live", "inv_sally"})  # for Sally, read only
SALLY_CASE = frozenset({"sally", "theo", "cara", "maria"}) | OUTSIDE_THE_RELATIONSHIP_READ  # case kind: Cara too
SALLY_PERSONAL = SALLY_CASE - {"cara"}  # personal supervision: not the case-only supervisor
SALLY_FILE = SALLY_CASE  # the file itself: anyone who supervises her for any kind
SALLY_WORKING_LIST = frozenset({"sally", "theo", "cara", "maria"})  # home page: supervision standings
AGREEMENT_THEO = SALLY_PERSONAL  # supervisee, supervisor, Maria above Theo, and the read-only three
AGREEMENT_CARA = frozenset({"sally", "cara", "theo", "maria"}) | OUTSIDE_THE_RELATIONSHIP_READ  # Theo is above Cara
CONFIDENTIAL = frozenset({"sally", "theo"})  # supervisee and the supervisor who led it
LENA_FILE = frozenset({"lena", "hr", "qa_in", "insp_live"})  # a leaver: HR now, and QA and the inspector
GRANT_READERS = frozenset({"maria", "insp_live"})  # the senior manager and the holder
NOBODY: frozenset[str] = frozenset()

# Every content marker, and who may ever see it anywhere (scanned on every response).
MARKERS: dict[str, frozenset[str]] = {
    "MKR-PLANNED-PLACE": SALLY_PERSONAL,
    "MKR-CASE-PLACE": SALLY_CASE,
    "MKR-OLD-PLACE": SALLY_PERSONAL,  # Theo reads Fiona's old session; Fiona no longer does
    "MKR-OLD-RECORD": SALLY_PERSONAL,
    "MKR-FINAL-RECORD": SALLY_PERSONAL,
    "MKR-AGREED-RECORD": SALLY_PERSONAL,
    "MKR-SHARED-RECORD": SALLY_PERSONAL,
    "MKR-DRAFT-RECORD": SALLY_PERSONAL,
    "MKR-ACTION-OPEN": SALLY_PERSONAL,
    "MKR-CONF-OLD": frozenset({"sally"}),  # led by Fiona: only the supervisee now
    "MKR-CONF-DRAFT": CONFIDENTIAL,
    "MKR-CONF-AGREED": CONFIDENTIAL,
    "MKR-CONF-SHARED": SALLY_PERSONAL,  # Sally consented
    "MKR-CONF-FINAL": SALLY_PERSONAL,  # Maria's child-protection override
    "MKR-SIGNED-AGREEMENT": AGREEMENT_THEO,
    "MKR-WAITING-AGREEMENT": AGREEMENT_CARA,
    "MKR-CONF-AGREEMENT": CONFIDENTIAL,
    "MKR-DIRECTION": SALLY_CASE,
    "MKR-GRANT-REASON": GRANT_READERS,
    "MKR-LENA-PLACE": LENA_FILE,
    "MKR-LENA-RECORD": LENA_FILE,
    "MKR-CONF-LENA": frozenset({"lena"}),
    "MKR-HOLD-REASON": frozenset({"hr"}),
}


# --- probes --------------------------------------------------------------------------------------

ACTIONS = ("view", "list", "edit", "share", "agree", "sign", "export", "delete")


@dataclass
class Probe:
    """One request made by every persona. ``reach``: who gets an answer other than 404 (the
    object's readers, or everyone a list page is for). ``allowed``: for whom it succeeds.
    ``how`` says what success is: 'read' (``shows`` present), 'list' (``shows`` present),
    'export' (an attachment with ``shows``), 'write' (the world changes), 'page' (an answer)."""

    url_name: str
    obj: str
    action: str
    method: str
    url: str
    reach: AbstractSet[str]
    allowed: AbstractSet[str]
    how: str
    shows: tuple[str, ...] = ()
    data: dict[str, Any] | None = None
    public: bool = False
    also_shows: dict[str, frozenset[str]] = field(default_factory=dict)  # markers this page alone may show

    def __post_init__(self) -> None:
        assert isinstance(self.shows, tuple), f"{self.url_name}: shows must be a tuple"
        assert self.action in ACTIONS, self.action
        self.reach, self.allowed = frozenset(self.reach), frozenset(self.allowed)
        assert self.allowed <= self.reach | {"anon"}, f"{self.url_name}: allowed beyond reach"


def fingerprint() -> tuple[Any, ...]:
    """Everything a write could change (the audit trail and sign-in sessions aside)."""
    return (
        Person.objects.count(),
        tuple(Session.objects.order_by("pk").values_list("pk", "status", "date")),
        tuple(Record.objects.order_by("pk").values_list("pk", "status", "version")),
        Action.objects.filter(done_on__isnull=False).count(),
        Addendum.objects.count(),
        tuple(Agreement.objects.order_by("pk").values_list("pk")),
        AgreementSignature.objects.count(),
        AgreementReview.objects.count(),
        tuple(Relationship.objects.order_by("pk").values_list("pk", "end")),
        tuple(CaseReview.objects.order_by("pk").values_list("pk", "direction_recorded")),
        tuple(Grant.objects.order_by("pk").values_list("pk", "revoked_at")),
        ConfidentialConsent.objects.count(),
        ChildProtectionOverride.objects.count(),
        StaffCapability.objects.count(),
        tuple(Absence.objects.order_by("pk").values_list("pk", "end")),
        _retention_state(),
        *(part() for part in extra_fingerprints()),
    )


def _retention_state() -> tuple[Any, ...]:
    if not retention_installed():
        return ()
    from oversight.retention.models import LegalHold, SubjectAccessRequest

    return (
        tuple(LegalHold.objects.order_by("pk").values_list("pk", "lifted_at")),
        tuple(SubjectAccessRequest.objects.order_by("pk").values_list("pk", "completed_at")),
    )


def date_fields(name: str, day: date) -> dict[str, Any]:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def not_applicable(
    obj: str, url_name: str, url: str, reach: AbstractSet[str], done: set[str], step_suffix: str = ""
) -> list[Probe]:
    """The actions that do not apply to this kind of object, tried on its page: nothing may
    change and nothing may download, for anyone. (``step_suffix`` keeps a page's real steps, a
    record's "share", from answering for a part of it, its confidential section.)"""
    probes = []
    for action in ACTIONS:
        if action in done:
            continue
        if action == "delete":
            probes.append(Probe(url_name, obj, action, "delete", url, reach, NOBODY, "write"))
        elif action == "export":
            probes.append(Probe(url_name, obj, action, "get", url + "?format=csv", reach, NOBODY, "export"))
        elif action in ("share", "agree", "sign", "edit"):
            data = {"step": action + step_suffix}
            probes.append(Probe(url_name, obj, action, "post", url, reach, NOBODY, "write", data=data))
        elif action in ("view", "list"):
            probes.append(Probe(url_name, obj, action, "get", url, reach, NOBODY, "read", shows=("MKR-NEVER",)))
    return probes


# One probe a line, as a table reads (ruff format would spread each over a dozen lines).
# fmt: off
def build_probes(w: World) -> list[Probe]:
    o, p = w.objects, w.people
    S = p["sally"].pk
    L = p["lena"].pk
    file_url, lena_url = f"/people/{S}/", f"/people/{L}/"
    probes: list[Probe] = []
    add = probes.append

    # Pages that belong to no file: open to all, and never a marker (the global scan).
    add(Probe("start", "public", "view", "get", "/", EVERYONE, EVERYONE, "page", public=True))
    add(Probe("policies:list", "public", "view", "get", "/policies/", EVERYONE, EVERYONE, "page", public=True))
    add(Probe("policies:compare", "public", "view", "get", "/policies/compare/?packs=leeds-2023&packs=lambeth-2021", EVERYONE, EVERYONE, "page", public=True))
    add(Probe("policies:detail", "public", "view", "get", "/policies/lambeth-2021/", EVERYONE, EVERYONE, "page", public=True))

    # Sally's file.
    add(Probe("people:file", "sally_file", "view", "get", file_url, SALLY_FILE, SALLY_FILE, "read", ("Sally Social",)))
    add(Probe("access:purpose", "sally_file", "view", "get", f"/access/purpose/{S}/", frozenset({"qa_in"}), frozenset({"qa_in"}), "read", ("Why are you reading",)))
    add(Probe("access:files", "sally_file", "list", "get", "/access/files/", KNOWN, SALLY_FILE, "list", (f'href="{file_url}"',)))
    add(Probe("home", "sally_file", "list", "get", "/home/", MEMBERS, SALLY_WORKING_LIST, "list", (f'href="{file_url}"',)))
    book = {"kind": "case", "supervisee": S, **date_fields("date", date(2026, 3, 20)), "video": "no"}
    add(Probe("sessions:schedule", "sally_file", "edit", "post", "/sessions/new/", MEMBERS, SALLY_WORKING_LIST - {"sally"}, "write", data=book))
    # Staff records (people administration): the line-management chain above her, and her current
    # supervisors for absences, hours and ASYE reviews; never Sally herself (its own docstring).
    above = frozenset({"theo", "maria"})
    with_supervisors = above | {"cara"}
    add(Probe("staff:new", "sally_file", "edit", "get", "/staff/new/", MEMBERS, above, "page"))
    add(Probe("staff:edit", "sally_file", "edit", "get", f"/people/{S}/edit/", above, above, "read", ("Sally Social",)))
    add(Probe("staff:leaving", "sally_file", "edit", "get", f"/people/{S}/leaving/", above, above, "read", ("Sally Social",)))
    add(Probe("staff:absences", "sally_file", "edit", "get", f"/people/{S}/absences/", with_supervisors, with_supervisors, "read", ("Sally Social",)))
    add(Probe("staff:absence_end", "sally_file", "edit", "get", f"/people/{S}/absences/{o['absence'].pk}/end/", with_supervisors, with_supervisors, "page"))
    add(Probe("staff:hours", "sally_file", "edit", "get", f"/people/{S}/hours/", with_supervisors, with_supervisors, "page"))
    add(Probe("staff:asye_reviews", "sally_file", "edit", "get", f"/people/{S}/asye-reviews/", with_supervisors, with_supervisors, "page"))
    probes += not_applicable("sally_file", "people:file", file_url, SALLY_FILE, {"view", "list", "edit"})

    # Sessions: the planned one (Theo leads), Cara's case session, Fiona's old one.
    planned = o["session_planned"].pk
    purl = f"/sessions/{planned}/"
    add(Probe("sessions:detail", "session_planned", "view", "get", purl, SALLY_PERSONAL, SALLY_PERSONAL, "read", ("MKR-PLANNED-PLACE",)))
    add(Probe("people:file", "session_planned", "list", "get", file_url, SALLY_FILE, SALLY_PERSONAL, "list", (f'href="{purl}"',)))
    move = {**date_fields("date", date(2026, 3, 12)), "start_time": ""}
    add(Probe("sessions:move", "session_planned", "edit", "post", purl + "move/", SALLY_PERSONAL, {"theo"}, "write", data=move))
    add(Probe("sessions:hold", "session_planned", "edit", "post", purl + "hold/", SALLY_PERSONAL, {"theo"}, "write", data={}))
    add(Probe("sessions:cancel", "session_planned", "edit", "post", purl + "cancel/", SALLY_PERSONAL, {"theo", "sally"}, "write", data={"reason": "other"}))
    probes += not_applicable("session_planned", "sessions:detail", purl, SALLY_PERSONAL, {"view", "list", "edit"})
    case = o["session_case"].pk
    curl = f"/sessions/{case}/"
    add(Probe("sessions:detail", "session_case", "view", "get", curl, SALLY_CASE, SALLY_CASE, "read", ("MKR-CASE-PLACE",)))
    add(Probe("people:file", "session_case", "list", "get", file_url, SALLY_FILE, SALLY_CASE, "list", (f'href="{curl}"',)))
    add(Probe("sessions:move", "session_case", "edit", "post", curl + "move/", SALLY_CASE, NOBODY, "write", data=move))  # held
    probes += not_applicable("session_case", "sessions:detail", curl, SALLY_CASE, {"view", "list", "edit"})
    old = o["session_old"].pk
    ourl = f"/sessions/{old}/"
    add(Probe("sessions:detail", "session_old", "view", "get", ourl, SALLY_PERSONAL, SALLY_PERSONAL, "read", ("MKR-OLD-PLACE",)))
    add(Probe("people:file", "session_old", "list", "get", file_url, SALLY_FILE, SALLY_PERSONAL, "list", (f'href="{ourl}"',)))
    probes += not_applicable("session_old", "sessions:detail", ourl, SALLY_PERSONAL, {"view", "list"})

    # Records in each state, and the confidential check-in of each.
    record_writes: dict[str, dict[str, tuple[dict[str, Any], frozenset[str]]]] = {
        "draft": {
            "edit": (
                {"step": "save", "section-health_wellbeing": "Edited", "section-check_in": "Edited"},
                frozenset({"theo"}),
            ),
            "share": ({"step": "share"}, frozenset({"theo"})),
            "agree": ({"step": "agree"}, NOBODY),  # not shared yet
            "sign": ({"step": "finalise"}, NOBODY),
        },
        "shared": {
            "edit": ({"step": "save", "section-health_wellbeing": "Edited"}, NOBODY),  # only a draft is edited
            "share": ({"step": "share"}, NOBODY),
            "agree": ({"step": "agree"}, frozenset({"sally"})),
            "sign": ({"step": "finalise"}, NOBODY),  # not agreed yet
        },
        "agreed": {
            "edit": ({"step": "save", "section-health_wellbeing": "Edited"}, NOBODY),
            "share": ({"step": "share"}, NOBODY),
            "agree": ({"step": "agree"}, NOBODY),
            "sign": ({"step": "finalise"}, frozenset({"theo"})),
        },
        "final": {  # a final record is only added to, by either party
            "edit": ({"step": "addendum", "reason": "Correction", "text": "Added"}, frozenset({"theo", "sally"})),
            "share": ({"step": "share"}, NOBODY),
            "agree": ({"step": "agree"}, NOBODY),
            "sign": ({"step": "finalise"}, NOBODY),
        },
        "old": {  # Fiona's: Theo reads it as the current supervisor but did not write it
            "edit": ({"step": "addendum", "reason": "Correction", "text": "Added"}, frozenset({"sally"})),
            "share": ({"step": "share"}, NOBODY),
            "agree": ({"step": "agree"}, NOBODY),
            "sign": ({"step": "finalise"}, NOBODY),
        },
    }
    confidential_readers = {
        "draft": CONFIDENTIAL,
        "shared": SALLY_PERSONAL,  # consent
        "agreed": CONFIDENTIAL,
        "final": SALLY_PERSONAL,  # override
        "old": frozenset({"sally"}),
    }
    for state, writes in record_writes.items():
        record = o[f"record_{state}"]
        rurl = f"/records/{record.pk}/"
        marker = f"MKR-{state.upper()}-RECORD"
        add(Probe("records:detail", f"record_{state}", "view", "get", rurl, SALLY_PERSONAL, SALLY_PERSONAL, "read", (marker,)))
        add(Probe("people:file", f"record_{state}", "list", "get", file_url, SALLY_FILE, SALLY_PERSONAL, "list", (f'href="{rurl}"',)))
        for action, (data, allowed) in writes.items():
            if data.get("step") == "save":
                data = {**data, "version": record.version}
            add(Probe("records:detail", f"record_{state}", action, "post", rurl, SALLY_PERSONAL, allowed, "write", data=data))
        probes += not_applicable(f"record_{state}", "records:detail", rurl, SALLY_PERSONAL, {"view", "list", *writes})
        conf = f"confidential_{state}"
        add(Probe("records:detail", conf, "view", "get", rurl, SALLY_PERSONAL, confidential_readers[state], "read", (f"MKR-CONF-{state.upper()}",)))
        add(Probe("people:file", conf, "list", "get", file_url, SALLY_FILE, NOBODY, "list", (f"MKR-CONF-{state.upper()}",)))
        consent_allowed = NOBODY if state == "shared" else frozenset({"sally"})  # the shared one has it already
        add(Probe("access:consent_record", conf, "agree", "post", f"/access/records/{record.pk}/consent/", SALLY_PERSONAL, consent_allowed, "write", data={}))
        override = {"reason": "A child-protection concern"}
        add(Probe("access:override", conf, "sign", "post", f"/access/records/{record.pk}/override/", SALLY_PERSONAL, frozenset({"maria"}), "write", data=override))
        probes += not_applicable(conf, "records:detail", rurl, SALLY_PERSONAL, {"view", "list", "agree", "sign"}, step_suffix="-confidential")

    # Agreements: Theo's (signed by both) and Cara's (waiting), and the arrangement itself.
    signed = o["agreement_signed"].pk
    aurl = f"/agreements/{signed}/"
    add(Probe("supervision:agreement", "agreement_signed", "view", "get", aurl, AGREEMENT_THEO, AGREEMENT_THEO, "read", ("MKR-SIGNED-AGREEMENT",)))
    add(Probe("people:file", "agreement_signed", "list", "get", file_url, SALLY_FILE, AGREEMENT_THEO, "list", (f'href="{aurl}"',)))
    review = {**date_fields("on", TODAY), "notes": "Reviewed"}
    add(Probe("supervision:agreement_review", "agreement_signed", "edit", "post", aurl + "review/", AGREEMENT_THEO, frozenset({"theo", "sally"}), "write", data=review))
    add(Probe("supervision:agreement_sign", "agreement_signed", "sign", "post", aurl + "sign/", AGREEMENT_THEO, NOBODY, "write", data={}))  # both signed
    probes += not_applicable("agreement_signed", "supervision:agreement", aurl, AGREEMENT_THEO, {"view", "list", "edit", "sign"})
    add(Probe("supervision:agreement", "confidential_agreement", "view", "get", aurl, AGREEMENT_THEO, CONFIDENTIAL, "read", ("MKR-CONF-AGREEMENT",)))
    waiting = o["agreement_unsigned"].pk
    wurl = f"/agreements/{waiting}/"
    add(Probe("supervision:agreement", "agreement_unsigned", "view", "get", wurl, AGREEMENT_CARA, AGREEMENT_CARA, "read", ("MKR-WAITING-AGREEMENT",)))
    add(Probe("people:file", "agreement_unsigned", "list", "get", file_url, SALLY_FILE, AGREEMENT_CARA, "list", (f'href="{wurl}"',)))
    add(Probe("supervision:agreement_sign", "agreement_unsigned", "sign", "post", wurl + "sign/", AGREEMENT_CARA, frozenset({"cara", "sally"}), "write", data={}))
    add(Probe("supervision:agreement_review", "agreement_unsigned", "edit", "post", wurl + "review/", AGREEMENT_CARA, NOBODY, "write", data=review))  # unsigned
    probes += not_applicable("agreement_unsigned", "supervision:agreement", wurl, AGREEMENT_CARA, {"view", "list", "edit", "sign"})
    rel = o["relationship"].pk
    new_agreement = {"parties": "A new agreement", "check_in": ""}
    add(Probe("supervision:agreement_new", "relationship", "edit", "post", f"/relationships/{rel}/agreement/new/", AGREEMENT_THEO, frozenset({"theo"}), "write", data=new_agreement))
    change = {"new_supervisor": p["omar"].pk, **date_fields("on", date(2026, 3, 16))}
    add(Probe("supervision:change", "relationship", "edit", "post", f"/relationships/{rel}/change/", AGREEMENT_THEO, frozenset({"maria"}), "write", data=change))

    # A child and a case review (case supervision: Cara and Theo supervise it).
    child = o["child"].pk
    add(Probe("cases:caseload", "child", "list", "get", f"/people/{S}/children/", SALLY_CASE, SALLY_CASE, "list", ("MOS-1234",)))
    new_review = {**date_fields("on", TODAY), "direction": "Visit within the week", "session": ""}
    add(Probe("cases:review_new", "child", "edit", "post", f"/children/{child}/review/new/", SALLY_CASE, frozenset({"theo", "cara"}), "write", data=new_review))
    reviewed = o["case_review"].pk
    crurl = f"/case-reviews/{reviewed}/"
    add(Probe("cases:review", "case_review", "view", "get", crurl, SALLY_CASE, SALLY_CASE, "read", ("MKR-DIRECTION",)))
    add(Probe("cases:caseload", "case_review", "list", "get", f"/people/{S}/children/", SALLY_CASE, SALLY_CASE, "list", (f'href="{crurl}"',)))
    add(Probe("cases:review", "case_review", "edit", "post", crurl, SALLY_CASE, frozenset({"sally", "theo", "cara"}), "write", data=date_fields("on", TODAY)))
    add(Probe("cases:case_note_txt", "case_review", "export", "get", crurl + "case-note.txt", SALLY_CASE, SALLY_CASE, "export", ("MKR-DIRECTION",)))
    add(Probe("cases:case_note_pdf", "case_review", "export", "get", crurl + "case-note.pdf", SALLY_CASE, SALLY_CASE, "export"))
    probes += not_applicable("case_review", "cases:review", crurl, SALLY_CASE, {"view", "list", "edit", "export"})

    # The audit page: who read or changed my file, for the supervisee herself.
    add(Probe("audit:my_file", "audit_sally", "view", "get", "/audit/my-file/", MEMBERS, frozenset({"sally"}), "read", ("Sally Social",)))
    probes += not_applicable("audit_sally", "audit:my_file", "/audit/my-file/", MEMBERS, {"view"})

    # A grant: the holder and the organisation's senior managers; created and revoked by the latter.
    grant = o["grant"].pk
    gurl = f"/access/grants/{grant}/"
    add(Probe("access:grant", "grant", "view", "get", gurl, GRANT_READERS, GRANT_READERS, "read", ("MKR-GRANT-REASON",)))
    add(Probe("access:grants", "grant", "list", "get", "/access/grants/", KNOWN, GRANT_READERS, "list", (f'href="{gurl}"',)))
    new_grant = {
        "kind": "investigator",
        "email": "officer@example.org",
        "name": "Olu Officer",
        "subject": p["asha"].pk,
        "reason": "Investigation",
        **date_fields("expires", TODAY + timedelta(days=10)),
    }
    add(Probe("access:grant_new", "grant", "edit", "post", "/access/grants/new/", frozenset({"maria"}), frozenset({"maria"}), "write", data=new_grant))
    add(Probe("access:grant_revoke", "grant", "delete", "post", gurl + "revoke/", GRANT_READERS, frozenset({"maria"}), "write", data={"reason": "Inspection over"}))
    probes += not_applicable("grant", "access:grant", gurl, GRANT_READERS, {"view", "list", "edit", "delete"})

    # Lena, who has left: her own file, HR, and the service-wide readers.
    add(Probe("people:file", "lena_file", "view", "get", lena_url, LENA_FILE, LENA_FILE, "read", ("Lena Leaver",)))
    add(Probe("access:files", "lena_file", "list", "get", "/access/files/", KNOWN, LENA_FILE, "list", (f'href="{lena_url}"',)))
    lsurl = f"/sessions/{o['session_lena'].pk}/"
    add(Probe("sessions:detail", "lena_session", "view", "get", lsurl, LENA_FILE, LENA_FILE, "read", ("MKR-LENA-PLACE",)))
    lrurl = f"/records/{o['record_lena'].pk}/"
    add(Probe("records:detail", "lena_record", "view", "get", lrurl, LENA_FILE, LENA_FILE, "read", ("MKR-LENA-RECORD",)))
    add(Probe("records:detail", "lena_record", "edit", "post", lrurl, LENA_FILE, frozenset({"lena"}), "write", data={"step": "addendum", "reason": "Note", "text": "Added"}))
    probes += not_applicable("lena_record", "records:detail", lrurl, LENA_FILE, {"view", "edit"})
    for module in extra_matrices():
        probes += module.probes(w)

    if not retention_installed():
        return probes
    # Retention and subject access (HR): a leaver's file past its period, legal holds, requests.
    hr = frozenset({"hr"})
    add(Probe("retention:home", "retention", "view", "get", "/retention/", hr, hr, "read", ("MKR-HOLD-REASON",)))
    add(Probe("retention:hold_lift", "retention", "edit", "post", f"/retention/holds/{o['hold'].pk}/lift/", hr, hr, "write", data={}))
    add(Probe("retention:sars", "retention", "list", "get", "/subject-access/", hr, hr, "page"))
    add(Probe("retention:sar", "retention", "view", "get", f"/subject-access/{o['sar'].pk}/", hr, hr, "read", ("Lena Leaver",)))
    # Lena's own subject access request: the bundle HR sends her holds her confidential check-in
    # and her confidential self-care plan too (tests/matrix_files.py): they are hers.
    lena_asked = {"MKR-CONF-LENA": hr, "MKR-FILE-LENA-CONF": hr}
    add(Probe("retention:sar_download", "retention", "export", "get", f"/subject-access/{o['sar'].pk}/bundle.json", hr, hr, "export", ("MKR-LENA-RECORD",), also_shows=lena_asked))
    return probes
# fmt: on


# Every named URL pattern, with the objects and actions the walk takes it through. A page added
# without a row here fails test_every_url_pattern_is_in_the_matrix.
URL_TABLE: dict[str, str] = {
    "start": "public",
    "home": "Sally's file (list)",
    "policies:list": "public",
    "policies:compare": "public",
    "policies:detail": "public",
    "people:file": "Sally's and Lena's files; the sessions, records and agreements listed in them",
    "staff:new": "staff records (edit)",
    "staff:edit": "staff records (edit)",
    "staff:leaving": "staff records (edit)",
    "staff:absences": "staff records (edit)",
    "staff:absence_end": "staff records (edit)",
    "staff:hours": "staff records (edit)",
    "staff:asye_reviews": "staff records (edit)",
    "sessions:schedule": "Sally's file (edit: book a session)",
    "sessions:detail": "sessions (view, and the actions that do not apply)",
    "sessions:hold": "sessions (edit)",
    "sessions:cancel": "sessions (edit)",
    "sessions:move": "sessions (edit)",
    "records:detail": "records and confidential sections (view, edit, share, agree, sign)",
    "audit:my_file": "the audit page (view)",
    "supervision:agreement_new": "the supervision arrangement (edit)",
    "supervision:change": "the supervision arrangement (edit)",
    "supervision:agreement": "agreements (view)",
    "supervision:agreement_sign": "agreements (sign)",
    "supervision:agreement_review": "agreements (edit)",
    "cases:caseload": "a child, case reviews (list)",
    "cases:review_new": "a child (edit)",
    "cases:review": "case reviews (view, edit)",
    "cases:case_note_txt": "case reviews (export)",
    "cases:case_note_pdf": "case reviews (export)",
    "access:files": "files (list)",
    "access:purpose": "Sally's file (the purpose asked before a read)",
    "access:consent_record": "confidential sections (agree: consent)",
    "access:override": "confidential sections (sign: child-protection override)",
    "access:grants": "grants (list)",
    "access:grant_new": "grants (edit: create)",
    "access:grant": "grants (view)",
    "access:grant_revoke": "grants (delete: revoke)",
}
RETENTION_URL_TABLE: dict[str, str] = {
    "retention:home": "retention (view)",
    "retention:hold_lift": "retention (edit)",
    "retention:sars": "retention (list)",
    "retention:sar": "retention (view)",
    "retention:sar_download": "retention (export)",
}


def extra_matrices() -> list[Any]:
    """The matrix parts of later apps: each ``tests/matrix_<app>.py`` has its own ``URL_TABLE``
    and ``probes(world) -> list[Probe]``, built from this module's personas and ``Probe``."""
    import importlib
    import pkgutil

    import tests

    return [
        importlib.import_module(f"tests.{m.name}")
        for m in sorted(pkgutil.iter_modules(tests.__path__), key=lambda m: m.name)
        if m.name.startswith("matrix_")
    ]


def extra_fingerprints() -> list[Callable[[], Any]]:
    """What later apps' writes change, for the walk's fingerprint: ``fingerprint()`` in a
    ``tests/matrix_<app>.py`` that has one (their tables are not in ``fingerprint`` above)."""
    return [module.fingerprint for module in extra_matrices() if hasattr(module, "fingerprint")]


def url_table() -> dict[str, str]:
    table = {**URL_TABLE, **RETENTION_URL_TABLE} if retention_installed() else dict(URL_TABLE)
    for module in extra_matrices():
        table.update(module.URL_TABLE)
    return table


# Sign-in, the admin site and static files are not supervision content.
EXCLUDED_MODULES = (
    "oversight.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.staticfiles",
    "django.views.static",
    "mozilla_django_oidc",
)


def named_patterns() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                module = getattr(pattern.callback, "__module__", "")
                if any(module.startswith(m) for m in EXCLUDED_MODULES):
                    continue
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_pattern_is_in_the_matrix(world: World) -> None:
    patterns = named_patterns()
    table = url_table()
    missing = sorted(patterns - set(table))
    assert not missing, (
        f"URL patterns missing from the access matrix (add them to URL_TABLE and build_probes): {missing}"
    )
    walked = {probe.url_name for probe in build_probes(world)}
    assert sorted(set(table) - walked) == [], "URL_TABLE rows the walk never takes"
    assert sorted(set(table) - patterns) == [], "URL_TABLE rows with no URL pattern"
    assert walked <= set(table), "the walk takes pages the table does not name"


# --- the walk ------------------------------------------------------------------------------------


class Rollback(Exception):
    pass


@dataclass
class Tally:
    cases: int = 0
    leaks: list[str] = field(default_factory=list)
    denials: list[str] = field(default_factory=list)


def clients(w: World) -> dict[str, Client]:
    made = {}
    for persona in PERSONAS:
        client = Client()
        if persona != "anon":
            client.force_login(w.users[persona])
        made[persona] = client
    return made


def with_purpose(url: str, persona: str) -> str:
    if persona not in PURPOSE_ASKED:
        return url
    return url + ("&" if "?" in url else "?") + urlencode({"purpose": PURPOSE})


def body_of(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    content: bytes = response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        return ""
    return content.decode("utf-8", "replace")


def markers_seen(body: str) -> set[str]:
    return {marker for marker in MARKERS if marker in body}


def run_probe(client: Client, persona: str, probe: Probe, tally: Tally) -> None:
    # A GET changes nothing here (the one exception, agreement by silence, has nothing due in
    # this world); the fingerprint is taken around the other methods.
    writes = probe.method != "get"
    before = fingerprint() if writes else None
    url = with_purpose(probe.url, persona)
    call: Callable[..., Any] = getattr(client, probe.method)
    if probe.method == "post":
        response = call(url, probe.data or {})
    else:
        response = call(url)
    after = fingerprint() if writes else None
    body = body_of(response)
    status = response.status_code
    changed = before != after
    attachment = "attachment" in response.get("Content-Disposition", "")
    label = (
        f"{persona} {probe.action} {probe.obj} via {probe.url_name} ({probe.method.upper()} {probe.url}) -> {status}"
    )
    tally.cases += 1

    for marker in markers_seen(body):
        if persona not in MARKERS[marker] and persona not in probe.also_shows.get(marker, ()):
            tally.leaks.append(f"{label}: shows {marker.strip()}")

    if persona == "anon" and not probe.public:
        if not (status == 302 and response["Location"].startswith("/sign-in/")) or changed:
            tally.leaks.append(f"{label}: the anonymous visitor is not sent to sign in")
        return
    if persona not in probe.reach:
        if status not in (404, 405) or changed or attachment:
            tally.leaks.append(f"{label}: an outsider must get 404")
        return
    if persona not in probe.allowed:
        refused_status = status in (200, 302, 404, 405)
        shown = probe.how in ("read", "list") and all(s in body for s in probe.shows) and status == 200
        if changed or attachment or shown or not refused_status:
            tally.leaks.append(
                f"{label}: should be refused (changed={changed}, attachment={attachment}, shown={shown})"
            )
        return
    # Allowed: it must work.
    if probe.how == "write":
        ok = changed and status in (200, 302)
    elif probe.how == "export":
        ok = status == 200 and attachment and all(s in body for s in probe.shows)
    elif probe.how == "page":
        ok = status == 200
    else:
        ok = status == 200 and all(s in body for s in probe.shows)
    if not ok:
        tally.denials.append(f"{label}: should succeed (changed={changed}, attachment={attachment})")


def test_access_matrix(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    probes = build_probes(world)
    walkers = clients(world)
    tally = Tally()
    for persona in PERSONAS:
        for probe in probes:
            try:
                with transaction.atomic():
                    run_probe(walkers[persona], persona, probe, tally)
                    raise Rollback
            except Rollback:
                pass
    with capsys.disabled():
        print(f"\naccess matrix: {tally.cases} cases, {len(tally.leaks)} leaks, {len(tally.denials)} wrongful denials")
    problems = [f"LEAK {line}" for line in tally.leaks] + [f"DENIED {line}" for line in tally.denials]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:80])
    assert tally.cases >= 1000


# --- one policy: may(view) agrees with the visible queryset -------------------------------------

KINDS = {
    "person": Person,
    "session": Session,
    "record": Record,
    "relationship": Relationship,
    "agreement": Agreement,
    "child": Child,
    "case_review": CaseReview,
    "grant": Grant,
}


def test_may_view_agrees_with_the_visible_queryset_for_every_persona_and_object(world: World) -> None:
    checked = 0
    disagreements = []
    for persona in PERSONAS:
        user = world.users.get(persona)
        person = world.people.get(persona)
        viewer = Viewer(user=user if user is not None else _anonymous(), person=person, on=TODAY, now=NOW)
        for kind, model in KINDS.items():
            seen = set(policy.visible(viewer, kind).values_list("pk", flat=True))
            for obj in model.objects.all():
                checked += 1
                if policy.may(viewer, "view", obj) != (obj.pk in seen):
                    disagreements.append(f"{persona} {kind} #{obj.pk}: may={obj.pk not in seen}")
    assert not disagreements, disagreements[:40]
    assert checked > 500


def _anonymous() -> Any:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_the_table_and_the_policy_agree_on_who_reads_sallys_file(world: World) -> None:
    """The hand table's readers of Sally's file, against the policy's answer for each persona."""
    sally = world.people["sally"]
    for persona in PERSONAS:
        user = world.users.get(persona) or _anonymous()
        viewer = Viewer(user=user, person=world.people.get(persona), on=TODAY, now=NOW)
        assert policy.may(viewer, "view", sally) == (persona in SALLY_FILE), persona
