"""The policy pack: a council's supervision policy as validated data.

A pack is a YAML file (``packs/<id>.yaml``) whose every rule names its ``source``
(a section of the council's document, the seed file) and, where the text can be
read two ways, the ``interpretation`` taken. This package validates packs with
Pydantic and loads the ones shipped with Oversight. It never imports Django.

The package's modules: ``vocabulary`` (kinds, statuses, roles, the strict base model),
``period`` (clocks), ``rules`` (one model per kind of rule), ``model`` (``PolicyPack``,
checked across fields) and ``loading`` (``parse_pack``, ``load_pack_file``, the shipped
packs). Everything is imported from here: ``from oversight.policy.pack import Period``.
"""

from __future__ import annotations

from .loading import PackError, format_loc, get_pack, load_pack_file, parse_pack, shipped_packs
from .loading import _yaml_load as _yaml_load  # private, used by ``oversight.policy.reflective``
from .model import Conflict, ExtraRole, PolicyPack, Template, TemplateSection
from .period import Period
from .rules import (
    AbsenceCoverRule,
    AgreementRule,
    AsyeReviewRule,
    CaseDirectionRule,
    CaseReviewRule,
    FileClockRule,
    ObservationRule,
    OtherRule,
    Phase,
    RatioRule,
    RearrangeRule,
    RecordRule,
    RetentionRule,
    Rule,
    SupervisionRule,
)
from .vocabulary import (
    CHILD_STATUSES,
    COMMON_ROLES,
    EMPLOYMENT_TYPES,
    FILE_EVENT_KINDS,
    SESSION_KINDS,
    SUPERVISION_KINDS,
    ChildStatus,
    EmploymentType,
    FileEventKind,
    SessionKind,
    SupervisionKind,
)
from .vocabulary import _Strict as _Strict  # private, used by ``oversight.policy.reflective``

__all__ = [
    "CHILD_STATUSES",
    "COMMON_ROLES",
    "EMPLOYMENT_TYPES",
    "FILE_EVENT_KINDS",
    "SESSION_KINDS",
    "SUPERVISION_KINDS",
    "AbsenceCoverRule",
    "AgreementRule",
    "AsyeReviewRule",
    "CaseDirectionRule",
    "CaseReviewRule",
    "ChildStatus",
    "Conflict",
    "EmploymentType",
    "ExtraRole",
    "FileClockRule",
    "FileEventKind",
    "ObservationRule",
    "OtherRule",
    "PackError",
    "Period",
    "Phase",
    "PolicyPack",
    "RatioRule",
    "RearrangeRule",
    "RecordRule",
    "RetentionRule",
    "Rule",
    "SessionKind",
    "SupervisionKind",
    "SupervisionRule",
    "Template",
    "TemplateSection",
    "format_loc",
    "get_pack",
    "load_pack_file",
    "parse_pack",
    "shipped_packs",
]
