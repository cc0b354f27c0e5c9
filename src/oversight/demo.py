"""The local demo: one authority per policy pack, each with a service manager,
two team managers and about fifteen staff in the roles its policy names, a
year of history (some sessions late or cancelled, records in every state) and
children across statuses. Built through the service functions, so the audit
trail is real too. Local demo only: every login's password is ``demo``.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

import msgspec
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from oversight.capacity.demo import seed_demo as seed_capacity
from oversight.cases.models import Child
from oversight.cases.services import case_direction_mark_entered, case_review_record
from oversight.compliance.store import refresh_organisation
from oversight.dashboards.coverage_demo import seed_demo as seed_coverage
from oversight.files.demo import seed_demo as seed_file_items
from oversight.guard.demo import seed_demo as seed_guard
from oversight.organisations.models import Organisation
from oversight.people.models import AsyeReview, HoursWorked, Person, Service, Team
from oversight.policy.engine import interval_for, rules_for
from oversight.policy.scenario import Person as EnginePerson
from oversight.quality.demo import seed_demo as seed_quality
from oversight.records.models import Record
from oversight.records.services import (
    action_add,
    action_complete,
    record_agree,
    record_dispute,
    record_finalise,
    record_save_draft,
    record_share,
)
from oversight.sessions.services import session_cancel, session_hold, session_schedule
from oversight.supervision.services import agreement_create, agreement_sign, relationship_start
from oversight.surveys.demo import seed_demo as seed_surveys

DEMO_PASSWORD = "demo"

COUNCILS = [
    ("bristol-2020", "Bristol City Council (demo)", "bristol"),
    ("leeds-2023", "Leeds City Council (demo)", "leeds"),
    ("lambeth-2021", "London Borough of Lambeth (demo)", "lambeth"),
    ("buckinghamshire-2024", "Buckinghamshire Council (demo)", "bucks"),
    ("blackpool-2020", "Blackpool Council (demo)", "blackpool"),
]

NAMES = [
    "Amara Okafor",
    "Ben Hughes",
    "Chloe Patel",
    "Daniel Reid",
    "Ella Morgan",
    "Farah Khan",
    "George Ellis",
    "Hannah Price",
    "Isaac Mensah",
    "Jade Turner",
    "Kieran Walsh",
    "Leah Fraser",
    "Mohammed Ali",
    "Nadia Brooks",
    "Owen Davies",
    "Priya Shah",
    "Rosa Bennett",
    "Sam Carter",
]

# (key, role, employment, team index or None for managers)
STAFF = [
    ("sm", "service_manager", "permanent", None),
    ("tm1", "team_manager", "permanent", 0),
    ("tm2", "team_manager", "permanent", 1),
    ("sw1", "social_worker", "permanent", 0),
    ("sw2", "social_worker", "permanent", 0),
    ("sw3", "senior_social_worker", "permanent", 0),
    ("asye1", "nqsw_asye", "permanent", 0),
    ("student1", "student_social_worker", "student", 0),
    ("sw4", "social_worker", "temporary", 0),
    ("sw5", "social_worker", "permanent", 1),
    ("sw6", "social_worker", "permanent", 1),
    ("ap1", "advanced_practitioner", "permanent", 1),
    ("fsw1", "family_support_worker", "permanent", 1),
    ("fsw2", "family_support_worker", "casual", 1),
    ("bs1", "business_support", "permanent", 1),
    ("sw7", "social_worker", "permanent", 0),
    ("sw8", "social_worker", "permanent", 1),
    ("fsw3", "family_support_worker", "permanent", 0),
]

CASE_HOLDING = {"social_worker", "senior_social_worker", "nqsw_asye", "advanced_practitioner", "family_support_worker"}
STATUSES = ["cin", "cp", "cla", "cla_matched", "sixteen_plus", "care_leaver", "early_help"]


def _engine_person(person: Person) -> EnginePerson:
    return msgspec.convert(
        {
            "id": str(person.pk),
            "role": person.role,
            "started": person.started,
            "employment": person.employment,
            "asye_start": person.asye_start,
        },
        type=EnginePerson,
    )


def _fill(pack: Any, template_id: str, rng: random.Random) -> dict[str, str]:
    template = pack.template(template_id)
    if template is None:
        return {}
    lines = [
        "Discussed and agreed; see actions.",
        "Reflected on workload and wellbeing; no concerns raised today.",
        "Talked through learning from recent training and how it applies to practice.",
        "Reviewed progress since the last session; on track.",
    ]
    return {s.id: rng.choice(lines) for s in template.sections if not s.signature and not s.per_child}


def load_demo(*, today: date | None = None, seed: int = 7, only: tuple[str, ...] = ()) -> list[Organisation]:
    """Create the demo authorities (all five, or the packs named in ``only``);
    idempotent: existing ones are left alone."""
    today = today or timezone.localdate()
    created = []
    for pack_id, name, slug in COUNCILS:
        if (only and pack_id not in only) or Organisation.objects.filter(slug=slug).exists():
            continue
        with transaction.atomic():
            org = _build(pack_id, name, slug, today, random.Random(f"{seed}-{slug}"))
            seed_quality(org, today)  # audits, observations and training (oversight.quality.demo)
            seed_file_items(org, today)  # supervision file items of every part (oversight.files.demo)
            seed_surveys(org, today)  # a closed survey and feedback on records (oversight.surveys.demo)
            seed_guard(org, today)  # names as keyed hashes, a record the guard flags (oversight.guard.demo)
            seed_capacity(org)  # contracted hours for capacity planning (oversight.capacity.demo)
            seed_coverage(org, today)  # 4x4x4 tags on records, with gaps (oversight.dashboards.coverage_demo)
            refresh_organisation(org, today)  # the obligation store, which the pages read
            created.append(org)
    return created


def _build(pack_id: str, name: str, slug: str, today: date, rng: random.Random) -> Organisation:
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)  # hashed once: the demo has many logins
    org = Organisation.objects.create(name=name, slug=slug, policy_pack=pack_id)
    pack = org.pack
    service = Service.objects.create(organisation=org, name="Children's social work")
    teams = [
        Team.objects.create(organisation=org, service=service, name=n)
        for n in ("Assessment team", "Family support team")
    ]
    year_ago = today - timedelta(days=365)
    people: dict[str, Person] = {}
    for index, (key, role, employment, team_index) in enumerate(STAFF):
        started = year_ago - timedelta(days=rng.randint(200, 3000))
        asye_start = None
        if role == "nqsw_asye":
            started = asye_start = today - timedelta(days=rng.randint(150, 250))
        if role == "student_social_worker":
            started = today - timedelta(days=rng.randint(60, 120))
        user = User.objects.create(username=f"{slug}.{key}", password=password, first_name=NAMES[index])
        people[key] = Person.objects.create(
            organisation=org,
            user=user,
            staff_id=f"{slug.upper()}-{1000 + index}",
            name=NAMES[index],
            role=role,
            employment=employment,
            team=teams[team_index] if team_index is not None else None,
            started=started,
            asye_start=asye_start,
        )
    sm, tm1, tm2 = people["sm"], people["tm1"], people["tm2"]
    for key, person in people.items():
        if key == "sm":
            continue
        person.line_manager = sm if key in ("tm1", "tm2") else (tm1 if person.team == teams[0] else tm2)
        person.save(update_fields=["line_manager"])
    asye = people["asye1"]
    assert asye.asye_start is not None  # asye1 is an nqsw_asye, given an ASYE start above
    if pack.asye_reviews:
        for months in pack.asye_reviews.months[:2]:
            due = asye.asye_start + timedelta(days=30 * months)
            if due <= today:
                AsyeReview.objects.create(person=asye, date=due + timedelta(days=rng.randint(0, 9)))
    for offset in range(0, 365, 3):
        HoursWorked.objects.create(
            person=people["fsw2"], date=year_ago + timedelta(days=offset), hours=rng.choice([0, 6, 7.5])
        )

    # relationships and agreements
    relationships = []
    for key, person in people.items():
        if person.line_manager is None:
            continue
        start = max(person.started, year_ago)
        rel = relationship_start(
            organisation=org, by=sm, supervisor=person.line_manager, supervisee=person, start=start
        )
        relationships.append(rel)
        if key == "sw8":
            continue  # an agreement still missing: shows on the dashboard
        agreement = agreement_create(relationship=rel, by=rel.supervisor, content={})
        signed = datetime.combine(
            start + timedelta(days=rng.randint(0, 40)), time(10), tzinfo=timezone.get_current_timezone()
        )
        agreement_sign(agreement=agreement, by=rel.supervisor, at=signed)
        agreement_sign(agreement=agreement, by=person, at=signed + timedelta(hours=3))

    # one-to-one sessions at the pack's frequency, with some late and cancelled
    for rel in relationships:
        supervisee = rel.supervisee
        rules = rules_for(pack, _engine_person(supervisee), supervisee.role in CASE_HOLDING)
        for kind, rule in rules.items():
            if kind == "group":
                continue
            day = rel.start + timedelta(days=rng.randint(1, 6))
            while day <= today + timedelta(days=20):
                _one_session(org, pack, rel.supervisor, supervisee, kind, day, today, rng)
                interval = interval_for(rule, _engine_person(supervisee), day)
                nxt = interval.add_to(day)
                if rng.random() < 0.15:
                    nxt += timedelta(days=rng.randint(3, 10))  # late
                else:
                    nxt -= timedelta(days=rng.randint(0, 3))
                day = max(nxt, day + timedelta(days=5))
                while day.weekday() >= 5:
                    day += timedelta(days=1)

    # group sessions per team where the pack asks for them
    for team, lead in ((teams[0], tm1), (teams[1], tm2)):
        members = [p for p in people.values() if p.team == team and p.line_manager == lead]
        group_rule = next((r for r in pack.supervision if r.kind == "group"), None)
        attendees = [p for p in members if group_rule and p.role in group_rule.roles]
        if not attendees or group_rule is None:
            continue
        day = year_ago + timedelta(days=7)
        while day <= today:
            session = session_schedule(
                organisation=org,
                by=lead,
                kind="group",
                supervisor=lead,
                date=day,
                attendees=[a for a in attendees if a.started <= day],
                group_model="Signs of Safety",
            )
            session_hold(session=session, by=lead, today=today)
            day = interval_for(group_rule, _engine_person(attendees[0]), day).add_to(day)
            while day.weekday() >= 5:
                day += timedelta(days=1)

    # observations where the pack counts them
    if pack.observations:
        for key in ("sw1", "sw3", "asye1", "ap1"):
            person = people[key]
            manager = person.line_manager
            assert manager is not None  # everyone but the service manager has one (set above)
            for n in range(rng.randint(2, 7)):
                day = today - timedelta(days=rng.randint(5, 360))
                if day < person.started:
                    continue
                observer = manager if n % 3 == 0 else people["sw3"] if key != "sw3" else tm2
                session = session_schedule(
                    organisation=org,
                    by=manager,
                    kind="observation",
                    supervisor=manager,
                    supervisee=person,
                    observer=observer,
                    date=day,
                )
                session_hold(session=session, by=manager, today=today)

    # leavers past the council's retention period, one of them under a legal hold
    if pack.retention:
        _leavers(org, pack, sm, today)

    # children and case reviews
    n = 0
    for person in people.values():
        if person.role not in CASE_HOLDING or person.employment == "casual":
            continue
        manager = person.line_manager
        assert manager is not None  # case holders are never the service manager
        for _ in range(rng.randint(3, 6)):
            n += 1
            status = STATUSES[n % len(STATUSES)]
            if pack.id == "lambeth-2021" and status == "early_help":
                status = "cin"
            allocated = max(person.started, today - timedelta(days=rng.randint(20, 400)))
            child = Child.objects.create(
                organisation=org,
                case_id=f"{'LCS' if slug != 'lambeth' else 'MOS'}{rng.randint(100000, 999999)}",
                status=status,
                worker=person,
                allocated=allocated,
                review_every_weeks=rng.choice([None, 4, 6, 8]) if pack.id == "buckinghamshire-2024" else None,
                rationale=rng.choice(["", "Risk reduced; plan stable."]) if pack.id == "buckinghamshire-2024" else "",
            )
            day = allocated + timedelta(days=rng.randint(20, 70))
            while day <= today - timedelta(days=3):
                review = case_review_record(
                    child=child,
                    by=manager,
                    on=day,
                    direction="Continue the plan; next review at the core group.",
                )
                if rng.random() < 0.9:
                    case_direction_mark_entered(
                        review=review, by=manager, on=day + timedelta(days=rng.choice([0, 1, 1, 2, 4]))
                    )
                day += timedelta(days=rng.randint(25, 80))
    return org


def _leavers(org: Organisation, pack: Any, manager: Person, today: date) -> None:
    """Two former workers who left longer ago than the pack keeps files (Leeds 4.15: 6 years;
    Buckinghamshire: 7), each with a supervision file; one is under a legal hold."""
    from oversight.people.services import person_record_leaving
    from oversight.retention.services import legal_hold_place

    keep_years = max(rule.keep.years or 0 for rule in pack.retention)
    for n, (name, hold) in enumerate([("Former Worker", False), ("Former Colleague", True)]):
        left = date(today.year - keep_years - 1, 3, 31)
        started = date(left.year - 4, 9, 1)
        person = Person.objects.create(
            organisation=org,
            staff_id=f"{org.slug.upper()}-90{n}",
            name=name,
            role="social_worker",
            started=started,
            line_manager=manager,
        )
        rel = relationship_start(organisation=org, by=manager, supervisor=manager, supervisee=person, start=started)
        agreement = agreement_create(relationship=rel, by=manager, content={})
        signed = datetime.combine(started + timedelta(days=10), time(10), tzinfo=timezone.get_current_timezone())
        agreement_sign(agreement=agreement, by=manager, at=signed)
        agreement_sign(agreement=agreement, by=person, at=signed)
        person_record_leaving(person=person, by=manager, left=left)
        if hold:
            legal_hold_place(person=person, by=manager, reason="Employment tribunal claim: keep until it concludes.")


def _one_session(
    org: Organisation,
    pack: Any,
    supervisor: Person,
    supervisee: Person,
    kind: str,
    day: date,
    today: date,
    rng: random.Random,
) -> None:
    if supervisee.started > day:
        return
    session = session_schedule(
        organisation=org,
        by=supervisor,
        kind=kind,
        supervisor=supervisor,
        supervisee=supervisee,
        date=day,
        start_time=time(rng.choice([9, 10, 13, 14])),
        place=rng.choice(["Room 2", "Team room", ""]),
        video=rng.random() < 0.3,
    )
    if day > today:
        return
    if rng.random() < 0.08:
        reason = rng.choice(["sickness", "leave", "other"])
        cancelled_on = day - timedelta(days=rng.randint(0, 2))
        session_cancel(
            session=session,
            by=rng.choice([supervisor, supervisee]),
            cancelled_on=cancelled_on,
            reason=reason,
            detail="Cancelled at short notice.",
            return_to_work=day + timedelta(days=3) if reason != "other" else None,
        )
        return
    session_hold(session=session, by=supervisor, today=today)
    record = Record.objects.filter(session=session).first()
    if record is None:
        return  # the council keeps no personal record of this kind
    record = record_save_draft(
        record=record, by=supervisor, content=_fill(pack, record.template_id, rng), expected_version=record.version
    )
    action = action_add(
        record=record,
        by=supervisor,
        text="Update the chronology and plan.",
        owner=supervisee,
        due=day + timedelta(days=14),
    )
    if (today - day).days < 4:
        return  # recent: still a draft
    shared = day + timedelta(days=rng.choice([0, 1, 2, 2, 3, 5, 8, 12]))
    if shared > today:
        return
    record = record_share(record=record, by=supervisor, on=shared)
    if (today - shared).days < 3:
        return
    if rng.random() < 0.06:
        record = record_dispute(
            record=record,
            by=supervisee,
            view="I remember the discussion about my caseload differently.",
            on=shared + timedelta(days=2),
        )
    else:
        record = record_agree(record=record, by=supervisee, on=shared + timedelta(days=rng.randint(0, 6)))
    record_finalise(record=record, by=supervisor)
    if day + timedelta(days=14) < today and rng.random() < 0.8:
        action_complete(action=action, by=supervisee, on=day + timedelta(days=rng.randint(3, 14)))
