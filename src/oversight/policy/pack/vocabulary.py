"""The words a pack is written in: kinds of session, children's statuses, employment types,
the roles every council knows and the events on a supervision file; and the strict base of
every part of a pack (unknown fields are errors, a loaded pack does not change)."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict

SESSION_KINDS = ("personal", "case", "group", "observation")
SUPERVISION_KINDS: tuple[SessionKind, ...] = ("personal", "case", "group")
CHILD_STATUSES = ("cin", "cp", "cla", "cla_matched", "sixteen_plus", "care_leaver", "early_help")
EMPLOYMENT_TYPES = ("permanent", "temporary", "casual", "student")
COMMON_ROLES = (
    "student_social_worker",
    "nqsw_asye",
    "social_worker",
    "senior_social_worker",
    "advanced_practitioner",
    "family_support_worker",
    "team_manager",
    "service_manager",
    "head_of_service",
    "business_support",
)

SessionKind = Literal["personal", "case", "group", "observation"]
SupervisionKind = Literal["personal", "case", "group"]
ChildStatus = Literal["cin", "cp", "cla", "cla_matched", "sixteen_plus", "care_leaver", "early_help"]
EmploymentType = Literal["permanent", "temporary", "casual", "student"]

# Events on a person's supervision file and in the quality loop, as the file and quality
# apps record them and a scenario's ``file_events`` carries them. Training, observation of
# one's supervision and audit of one's supervision files are about the supervisor; the
# self-care plan, its review and objectives set are about the supervisee or staff member.
FileEventKind = Literal[
    "training", "supervision_observed", "file_audit", "self_care_plan", "self_care_review", "objectives_set"
]
FILE_EVENT_KINDS: tuple[str, ...] = get_args(FileEventKind)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
