"""The shape of the simulated service: team types and their members, the roles that
supervise, observe and educate, children's statuses, turnover and default periods.

Role candidates are tried in order and the first one the pack accepts is used, so one
shape serves every council's vocabulary. Proportions from ``../shared/SCALE.md``.
"""

from __future__ import annotations

from ..pack import Period

# --- the shape of the organisation ----------------------------------------------

# A member entry: (role candidates, first one the pack accepts; weight; whose
# children the post holds; chance the post is casual).
MemberSpec = tuple[tuple[str, ...], float, "str | None", float]

# A team type: (name; weight; manager role candidates; its members).
TeamType = tuple[str, float, tuple[str, ...], tuple[MemberSpec, ...]]

TEAM_TYPES: tuple[TeamType, ...] = (
    (
        "fieldwork",
        0.46,
        ("team_manager",),
        (
            (("social_worker",), 0.47, "statutory", 0.02),
            (("senior_social_worker",), 0.16, "statutory", 0.0),
            (("advanced_practitioner",), 0.07, "statutory", 0.0),
            (("family_support_worker",), 0.13, None, 0.06),
            (("consultant_social_worker", "social_worker"), 0.05, "statutory", 0.0),
            (("non_qualified_social_work_staff", "family_support_worker"), 0.04, None, 0.05),
            (("practice_lead", "senior_social_worker"), 0.03, "statutory", 0.0),
            (("unit_coordinator", "business_support"), 0.03, None, 0.0),
        ),
    ),
    (
        "early_help",
        0.12,
        ("team_manager",),
        (
            (("family_support_worker",), 0.55, "early_help", 0.08),
            (
                ("early_help_worker", "alternatively_qualified_practitioner", "family_support_worker"),
                0.30,
                "early_help",
                0.05,
            ),
            (("social_worker",), 0.15, "early_help", 0.0),
        ),
    ),
    (
        "leaving_care",
        0.07,
        ("team_manager",),
        (
            (("personal_adviser", "social_worker"), 0.60, "leaving_care", 0.0),
            (("social_worker",), 0.25, "leaving_care", 0.0),
            (("senior_social_worker",), 0.15, "leaving_care", 0.0),
        ),
    ),
    (
        "fostering",
        0.06,
        ("team_manager",),
        (
            (("supervising_fostering_social_worker", "supervising_social_worker", "social_worker"), 0.85, None, 0.0),
            (("senior_social_worker",), 0.15, None, 0.0),
        ),
    ),
    (
        "reviewing",
        0.04,
        ("team_manager",),
        (
            (("iro_cp_chair", "iro", "advanced_practitioner"), 0.6, None, 0.0),
            (("iro_cp_chair", "cp_chair", "advanced_practitioner"), 0.4, None, 0.0),
        ),
    ),
    (
        "front_door",
        0.07,
        ("team_manager",),
        (
            (("first_response_advisor", "social_worker"), 0.6, None, 0.0),
            (("social_worker",), 0.25, None, 0.0),
            (("family_support_worker",), 0.15, None, 0.05),
        ),
    ),
    (
        "residential",
        0.06,
        ("registered_manager",),
        (
            (("residential_practitioner",), 0.8, None, 0.30),
            (("residential_senior_practitioner",), 0.2, None, 0.0),
        ),
    ),
    (
        "business_support",
        0.09,
        ("team_manager",),
        (
            (("business_support",), 0.9, None, 0.03),
            (("unit_coordinator", "business_support"), 0.1, None, 0.0),
        ),
    ),
)
DEPUTY_ROLES = ("deputy_team_manager", "assistant_team_manager")
TOP_ROLES = ("chief_officer", "assistant_director", "service_director")
EDUCATORS = ("senior_social_worker", "advanced_practitioner", "practice_lead", "consultant_social_worker")
OBSERVERS = (
    "team_manager",
    "advanced_practitioner",
    "senior_social_worker",
    "practice_lead",
    "consultant_social_worker",
    "deputy_team_manager",
    "assistant_team_manager",
)

# Children: share of each status, mean days since allocation to the current worker.
STATUSES = (
    ("cin", 0.36, 200),
    ("cp", 0.13, 270),
    ("cla", 0.26, 700),
    ("cla_matched", 0.03, 1100),
    ("sixteen_plus", 0.06, 500),
    ("care_leaver", 0.09, 600),
    ("early_help", 0.07, 150),
)
CASELOAD_WEIGHT = {
    "advanced_practitioner": 0.6,
    "practice_lead": 0.6,
    "consultant_social_worker": 0.9,
    "personal_adviser": 1.2,
}
RATIONALES = (
    "Plan stable; 12-weekly oversight agreed at transfer",
    "Escalating concerns: 4-weekly oversight until the next conference",
    "New to the team: 6-weekly until the plan is reviewed",
    "Placement settled; review at the 12-week ceiling",
    "Court timetable: 8-weekly oversight",
    "Pre-birth assessment under way: 4-weekly",
)

TURNOVER = {"permanent": 0.10, "manager": 0.09, "temporary": 0.3, "casual": 0.45}
DEFAULT_RECORD = Period(working_days=10)
DEFAULT_DIRECTION = Period(working_days=5)
DEFAULT_CASE_REVIEW = Period(months=3)
MONTH = Period(months=1)
FOUR_WEEKS = Period(weeks=4)
