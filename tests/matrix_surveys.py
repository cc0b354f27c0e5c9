"""Surveys and feedback on records in the access matrix (tests/test_access_matrix.py).

Surveys are managed (opened, closed, results read) by the council's senior managers and quality
assurance: Maria, and Quinn and Quentin (quality assurance in either service). They are answered
by staff in supervision: here Sally and Asha. Every other member of staff reaches the list page
only (their own answers to give, none); anyone without a staff record gets a 404, as outsiders
do everywhere.

Lambeth's recording templates ask for no feedback from the supervisee (its data file says why),
so the feedback page of a Lambeth record is a 404 for everyone, Sally included; who reaches it
where a council does ask (the supervisee only) is walked in tests/test_surveys_feedback.py.

The matrix's fingerprint does not cover this app's tables, so its writes (opening, answering,
closing) are walked for reach only here; that they work for those allowed, and change nothing
for anyone else, is tested in tests/test_surveys.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from oversight.surveys.services import survey_close, survey_open, survey_respond

from .test_access_matrix import MEMBERS, NOBODY, TODAY, Probe, date_fields, not_applicable

URL_TABLE: dict[str, str] = {
    "surveys:list": "surveys (list: to answer, to manage)",
    "surveys:new": "surveys (edit: open one)",
    "surveys:respond": "a survey (view, edit: answer it)",
    "surveys:results": "a survey's results (view)",
    "surveys:close": "a survey (edit: close it)",
    "surveys:record_feedback": "feedback on a record (view, edit)",
}

MANAGERS = frozenset({"maria", "qa_in", "qa_out"})
IN_SUPERVISION = frozenset({"sally", "asha"})


# fmt: off
def probes(w: Any) -> list[Probe]:
    o, p = w.objects, w.people
    org = w.cast.org
    open_survey = survey_open(organisation=org, by=p["maria"], opens_on=TODAY, closes_on=TODAY + timedelta(days=14), today=TODAY)
    closed = survey_open(organisation=org, by=p["qa_in"], opens_on=TODAY, closes_on=TODAY + timedelta(days=7), today=TODAY, title="MKR-CLOSED-SURVEY")
    for person in (p["sally"], p["asha"]):
        answers = {q["id"]: q["options"][0]["id"] for q in closed.questions}
        survey_respond(survey=closed, person=person, answers=answers, today=TODAY)
    survey_close(survey=closed, by=p["maria"], today=TODAY)
    first = open_survey.questions[0]
    answer = {q["id"]: q["options"][1]["id"] for q in open_survey.questions}
    opened, done = open_survey.pk, closed.pk
    new = {"title": "", **date_fields("opens_on", TODAY), **date_fields("closes_on", TODAY + timedelta(days=10))}
    feedback = f"/records/{o['record_shared'].pk}/feedback/"
    probes = [
        Probe("surveys:list", "surveys", "list", "get", "/surveys/", MEMBERS, MEMBERS, "page"),
        Probe("surveys:list", "survey_open", "list", "get", "/surveys/", MEMBERS, IN_SUPERVISION, "list", (f'href="/surveys/{opened}/respond/"',)),
        Probe("surveys:list", "survey_open", "list", "get", "/surveys/", MEMBERS, MANAGERS, "list", (f'href="/surveys/{opened}/results/"',)),
        Probe("surveys:new", "surveys", "view", "get", "/surveys/new/", MANAGERS, MANAGERS, "read", (first["text"],)),
        Probe("surveys:new", "surveys", "edit", "post", "/surveys/new/", MANAGERS, NOBODY, "write", data=new),
        Probe("surveys:respond", "survey_open", "view", "get", f"/surveys/{opened}/respond/", IN_SUPERVISION, IN_SUPERVISION, "read", (first["text"],)),
        Probe("surveys:respond", "survey_open", "edit", "post", f"/surveys/{opened}/respond/", IN_SUPERVISION, NOBODY, "write", data=answer),
        Probe("surveys:respond", "survey_closed", "view", "get", f"/surveys/{done}/respond/", IN_SUPERVISION, IN_SUPERVISION, "read", ("You have answered this survey",)),
        Probe("surveys:results", "survey_open", "view", "get", f"/surveys/{opened}/results/", MANAGERS, MANAGERS, "read", ("Results are shown once the survey closes",)),
        Probe("surveys:results", "survey_closed", "view", "get", f"/surveys/{done}/results/", MANAGERS, MANAGERS, "read", ("MKR-CLOSED-SURVEY", "Fewer than 5 responses")),
        Probe("surveys:results", "survey_closed", "view", "get", f"/surveys/{done}/results/?by=team", MANAGERS, MANAGERS, "read", ("Answers by team",)),
        Probe("surveys:close", "survey_open", "edit", "post", f"/surveys/{opened}/close/", MANAGERS, NOBODY, "write", data={}),
        Probe("surveys:record_feedback", "record_shared", "view", "get", feedback, NOBODY, NOBODY, "read", ("Your feedback on supervision",)),
        Probe("surveys:record_feedback", "record_shared", "edit", "post", feedback, NOBODY, NOBODY, "write", data={"working_well": "x"}),
    ]
    probes += not_applicable("survey_closed", "surveys:results", f"/surveys/{done}/results/", MANAGERS, {"view"})
    return probes
# fmt: on
