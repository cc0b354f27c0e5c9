"""Each council's questions, as data: ``data/<pack id>.yaml``, validated here and loaded once.

Per council: the supervisee's feedback on a record (which of the council's templates ask for
it, and the questions), the survey of staff (title, the section that asks for it, the
questions), and the role bands the survey's results are broken down by. Every question and
band carries the ``source`` it comes from. Survey questions are closed (a choice of answers):
free text in an anonymous survey can name its writer, and cannot be counted.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from oversight.policy import shipped_packs
from oversight.policy.pack import format_loc

ID = r"^[a-z][a-z0-9_]*$"
TEXT_LIMIT = 2000  # characters in a free-text answer (record feedback only)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    id: str = Field(pattern=ID)
    label: str


class Question(_Strict):
    id: str = Field(pattern=ID)
    text: str
    hint: str = ""
    kind: Literal["choice", "text"] = "choice"
    options: list[Option] = Field(default_factory=list)
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _options_fit_the_kind(self) -> Question:
        if self.kind == "choice" and len(self.options) < 2:
            raise ValueError("a choice question needs at least two options")
        if self.kind == "text" and self.options:
            raise ValueError("a text question has no options")
        if len({o.id for o in self.options}) != len(self.options):
            raise ValueError("an option id is used twice")
        return self

    def label_of(self, option_id: str) -> str:
        return next((o.label for o in self.options if o.id == option_id), option_id)


def _unique(questions: list[Question]) -> None:
    ids = [q.id for q in questions]
    if len(ids) != len(set(ids)):
        raise ValueError("a question id is used twice")


class RecordFeedbackSpec(_Strict):
    source: str = Field(min_length=1)
    templates: list[str] = Field(min_length=1)
    intro: str
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids(self) -> RecordFeedbackSpec:
        _unique(self.questions)
        return self


class SurveySpec(_Strict):
    title: str
    source: str = Field(min_length=1)
    interpretation: str = ""
    intro: str
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _closed_questions(self) -> SurveySpec:
        _unique(self.questions)
        for index, question in enumerate(self.questions):
            if question.kind != "choice":
                raise ValueError(f"questions[{index}]: an anonymous survey asks closed questions only")
        return self


class RoleBand(_Strict):
    id: str = Field(pattern=ID)
    label: str
    roles: list[str] = Field(min_length=1)
    source: str = Field(min_length=1)


class CouncilQuestions(_Strict):
    pack: str
    scales: dict[str, Any] = Field(default_factory=dict)  # YAML anchors for the option lists
    record_feedback: RecordFeedbackSpec | None
    no_record_feedback: str = ""
    survey: SurveySpec
    role_bands: list[RoleBand] = Field(min_length=1)

    @model_validator(mode="after")
    def _against_the_pack(self) -> CouncilQuestions:
        packs = shipped_packs()
        if self.pack not in packs:
            raise ValueError(f"pack: unknown policy pack {self.pack!r}")
        pack = packs[self.pack]
        if self.record_feedback is None and not self.no_record_feedback:
            raise ValueError("no_record_feedback: say why the council's templates ask for no feedback")
        for template_id in self.record_feedback.templates if self.record_feedback else []:
            if pack.template(template_id) is None:
                raise ValueError(f"record_feedback.templates: no template {template_id!r} in {self.pack}")
        banded: dict[str, str] = {}
        for band in self.role_bands:
            for role in band.roles:
                if role not in pack.roles:
                    raise ValueError(f"role_bands: unknown role {role!r} for {self.pack}")
                if role in banded:
                    raise ValueError(f"role_bands: role {role!r} is in {banded[role]!r} and {band.id!r}")
                banded[role] = band.id
        missing = sorted(set(pack.roles) - set(banded))
        if missing:
            raise ValueError(f"role_bands: roles in no band: {', '.join(missing)}")
        return self

    def band_of(self, role: str) -> RoleBand | None:
        return next((b for b in self.role_bands if role in b.roles), None)

    def asks_feedback_on(self, template_id: str) -> bool:
        return self.record_feedback is not None and template_id in self.record_feedback.templates


class QuestionsError(Exception):
    def __init__(self, pack_id: str, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__(f"surveys/data/{pack_id}.yaml: " + "; ".join(f"{p}: {m}" for p, m in errors))


def parse_questions(pack_id: str, data: Any) -> CouncilQuestions:
    try:
        return CouncilQuestions.model_validate(data)
    except ValidationError as exc:
        errors = [(format_loc(tuple(err["loc"])), err["msg"].removeprefix("Value error, ")) for err in exc.errors()]
        raise QuestionsError(pack_id, errors) from None


@cache
def questions_for(pack_id: str) -> CouncilQuestions:
    """The council's questions for ``pack_id``, validated (once per process)."""
    path = resources.files("oversight.surveys").joinpath("data", f"{pack_id}.yaml")
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    loaded = parse_questions(pack_id, data)
    if loaded.pack != pack_id:
        raise QuestionsError(pack_id, [("pack", f"the file is for {loaded.pack!r}")])
    return loaded
