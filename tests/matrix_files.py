"""The supervision file's items (oversight.files) in the access matrix (tests/test_access_matrix.py).

Sally's file (Lambeth's kinds) holds her preparation form for Theo's planned session
(MKR-FILE-PREP), her confidential health and wellbeing plan (MKR-FILE-CONF) and Theo's
performance improvement plan (MKR-FILE-PLAN). Lena's, now she has left, holds an objective
(MKR-FILE-LENA) and a confidential plan (MKR-FILE-LENA-CONF) written while she was here.

Readers: everyone with a standing on the file reads its non-confidential items (Sally, Theo and
Cara her current supervisors, Maria above them, and quality assurance, the inspector and the
investigator, read only); a confidential item only Sally, Theo and Cara. Fiona, her previous
supervisor, and every outsider get a 404. Writers: each kind's own (the preparation form
Sally's; the wellbeing plan Sally's and her supervisors'; the improvement plan her supervisors'
and Maria's; a change of supervisor Maria's). Lena's file is closed to writing.

The items' markers join the walk's global scan (``MARKERS``), so no page anywhere may show
them to anyone else; this module's ``fingerprint`` lets the walk see writes to the items.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from oversight.files.models import FileItem, FileItemEvent, FileItemVersion
from oversight.files.services import item_create

from .test_access_matrix import (
    LENA_FILE,
    MARKERS,
    NOBODY,
    SALLY_FILE,
    SALLY_PERSONAL,
    SALLY_WORKING_LIST,
    TODAY,
    Probe,
    date_fields,
    not_applicable,
)

URL_TABLE: dict[str, str] = {
    "files:index": "Sally's and Lena's supervision file items (view, list)",
    "files:new": "a new item of each kind (edit); a change of supervisor (edit)",
    "files:item": "an item (view), confidential or not",
    "files:edit": "an item (edit: a new version)",
    "files:review": "an item (edit: a review)",
    "files:step": "an item (edit: a step, escalated to HR)",
    "files:version": "an item's history (view an earlier version)",
    "api:person-file-items": "Sally's and Lena's supervision file items (list), through the API",
}

IN_CONFIDENCE = frozenset({"sally", "theo", "cara"})  # the supervisee and her current supervisors
FILE_MARKERS: dict[str, frozenset[str]] = {
    "MKR-FILE-PREP": SALLY_FILE,
    "MKR-FILE-PLAN": SALLY_FILE,
    "MKR-FILE-CONF": IN_CONFIDENCE,
    "MKR-FILE-LENA": LENA_FILE,
    "MKR-FILE-LENA-CONF": frozenset({"lena"}),
}


def fingerprint() -> tuple[Any, ...]:
    return (
        tuple(FileItem.objects.order_by("pk").values_list("pk", "version", "closed_on")),
        FileItemVersion.objects.count(),
        FileItemEvent.objects.count(),
    )


# fmt: off
def probes(w: Any) -> list[Probe]:
    MARKERS.update(FILE_MARKERS)  # every response of the walk is scanned for them
    o, p = w.objects, w.people
    sally, lena, theo = p["sally"], p["lena"], p["theo"]
    S, L = sally.pk, lena.pk
    planned = o["session_planned"]
    prep = item_create(subject=sally, kind_id="preparation", by=sally, on=TODAY, session=planned,
                       content={"agenda_items": ["MKR-FILE-PREP workload after the duty week"]})
    conf = item_create(subject=sally, kind_id="self_care_plan", by=sally, on=TODAY - timedelta(days=7),
                       content={"looking_after_myself": "MKR-FILE-CONF walking at lunchtime"})
    plan = item_create(subject=sally, kind_id="improvement_plan", by=theo, on=TODAY - timedelta(days=30),
                       content={"concern": "MKR-FILE-PLAN late assessments", "goals": ["On time"], "review_by": TODAY})
    then = date(2025, 11, 4)  # while Lena was still here
    lena_objective = item_create(subject=lena, kind_id="objectives", by=theo, on=then, today=then,
                                 content={"objective": "MKR-FILE-LENA chair core groups"})
    lena_conf = item_create(subject=lena, kind_id="self_care_plan", by=lena, on=then, today=then,
                            content={"looking_after_myself": "MKR-FILE-LENA-CONF rest"})

    index, lena_index = f"/people/{S}/file/", f"/people/{L}/file/"
    prep_url, conf_url, plan_url = (f"{index}items/{i.pk}/" for i in (prep, conf, plan))
    lena_url, lena_conf_url = f"{lena_index}items/{lena_objective.pk}/", f"{lena_index}items/{lena_conf.pk}/"
    on = date_fields("on", TODAY)
    sally_only = frozenset({"sally"})
    plan_writers = frozenset({"theo", "cara", "maria"})
    for_session = SALLY_WORKING_LIST & SALLY_PERSONAL  # the pack of Theo's planned 1:1
    change = {"relationship": o["relationship"].pk, "new_supervisor": p["omar"].pk, **date_fields("starts", date(2026, 3, 16)),
              "what_was_tried": "Conversation; meeting with Maria", "why": "Trust not restored"}
    new_plan = {**on, "concern": "Recording", "goals": "Up to date", **date_fields("review_by", TODAY + timedelta(days=28))}
    probes = [
        # The file's list: non-confidential items for every reader, confidential ones in confidence.
        Probe("files:index", "file_sally", "view", "get", index, SALLY_FILE, SALLY_FILE, "read", ("MKR-FILE-PREP", "MKR-FILE-PLAN")),
        Probe("files:index", "file_conf", "list", "get", index, SALLY_FILE, IN_CONFIDENCE, "list", (f'href="{conf_url}"',)),
        Probe("people:file", "file_sally", "list", "get", f"/people/{S}/", SALLY_FILE, SALLY_FILE, "list", (f'href="{prep_url}"', "MKR-FILE-PLAN")),
        Probe("people:file", "file_conf", "list", "get", f"/people/{S}/", SALLY_FILE, IN_CONFIDENCE, "list", (f'href="{conf_url}"',)),
        # The preparation form: on its item page, its session's page and the pack for that session.
        Probe("files:item", "file_prep", "view", "get", prep_url, SALLY_FILE, SALLY_FILE, "read", ("MKR-FILE-PREP",)),
        Probe("files:version", "file_prep", "view", "get", prep_url + "history/1/", SALLY_FILE, SALLY_FILE, "read", ("MKR-FILE-PREP",)),
        Probe("sessions:detail", "file_prep", "list", "get", f"/sessions/{planned.pk}/", SALLY_PERSONAL, SALLY_PERSONAL, "list", ("MKR-FILE-PREP",)),
        Probe("preparation:pack", "file_prep", "list", "get", f"/people/{S}/preparation/?session={planned.pk}", SALLY_WORKING_LIST, for_session, "list", ("MKR-FILE-PREP",)),
        Probe("files:edit", "file_prep", "edit", "post", prep_url + "edit/", sally_only, sally_only, "write",
              data={**on, "version": 1, "session": planned.pk, "agenda_items": "Edited agenda"}),
        # The confidential plan: 404 to everyone outside the confidence, whatever the page.
        Probe("files:item", "file_conf", "view", "get", conf_url, IN_CONFIDENCE, IN_CONFIDENCE, "read", ("MKR-FILE-CONF",)),
        Probe("files:version", "file_conf", "view", "get", conf_url + "history/1/", IN_CONFIDENCE, IN_CONFIDENCE, "read", ("MKR-FILE-CONF",)),
        Probe("files:edit", "file_conf", "edit", "post", conf_url + "edit/", IN_CONFIDENCE, IN_CONFIDENCE, "write",
              data={**date_fields("on", conf.on), "version": 1, "looking_after_myself": "Edited plan"}),
        Probe("files:review", "file_conf", "edit", "post", conf_url + "review/", IN_CONFIDENCE, IN_CONFIDENCE, "write",
              data={**on, "note": "Still working"}),
        # The improvement plan: read by the file's readers, written and escalated by her supervisors and Maria.
        Probe("files:item", "file_plan", "view", "get", plan_url, SALLY_FILE, SALLY_FILE, "read", ("MKR-FILE-PLAN",)),
        Probe("files:step", "file_plan", "sign", "post", plan_url + "steps/escalated_to_hr/", plan_writers, plan_writers, "write", data={**on, "note": ""}),
        Probe("files:step", "file_plan", "share", "post", plan_url + "steps/no_such_step/", NOBODY, NOBODY, "write", data={**on, "note": ""}),
        Probe("files:review", "file_plan", "edit", "post", plan_url + "review/", plan_writers, plan_writers, "write", data={**on, "note": "Better"}),
        Probe("files:edit", "file_plan", "edit", "post", plan_url + "edit/", plan_writers, plan_writers, "write",
              data={**date_fields("on", plan.on), "version": 1, "concern": "Edited concern", "goals": "On time", **date_fields("review_by", TODAY)}),
        # New items: each kind's writers only.
        Probe("files:new", "file_sally", "edit", "post", f"{index}new/preparation/", sally_only, sally_only, "write",
              data={**on, "session": "", "agenda_items": "Leave"}),
        Probe("files:new", "file_sally", "edit", "post", f"{index}new/self_care_plan/", IN_CONFIDENCE, IN_CONFIDENCE, "write",
              data={**on, "looking_after_myself": "Rest"}),
        Probe("files:new", "file_sally", "edit", "post", f"{index}new/improvement_plan/", plan_writers, plan_writers, "write", data=new_plan),
        Probe("files:new", "file_sally", "edit", "post", f"{index}new/change_of_supervisor/", frozenset({"maria"}), frozenset({"maria"}), "write", data=change),
        Probe("files:new", "file_sally", "view", "get", f"{index}new/improvement_plan/", plan_writers, plan_writers, "read", ("Performance improvement action plan",)),
        # Lena, who has left: her file is read as the other pages read it, and closed to writing.
        Probe("files:index", "file_lena", "view", "get", lena_index, LENA_FILE, LENA_FILE, "read", ("MKR-FILE-LENA",)),
        Probe("files:item", "file_lena", "view", "get", lena_url, LENA_FILE, LENA_FILE, "read", ("MKR-FILE-LENA",)),
        Probe("files:item", "file_lena_conf", "view", "get", lena_conf_url, frozenset({"lena"}), frozenset({"lena"}), "read", ("MKR-FILE-LENA-CONF",)),
        Probe("files:new", "file_lena", "edit", "post", f"{lena_index}new/self_care_plan/", NOBODY, NOBODY, "write", data={**on, "looking_after_myself": "x"}),
        Probe("files:review", "file_lena_conf", "edit", "post", lena_conf_url + "review/", NOBODY, NOBODY, "write", data={**on, "note": "x"}),
        # The API's list of a file's items: the same readers, the confidential items in confidence,
        # everyone else (and no credentials at all) a 404.
        Probe("api:person-file-items", "file_sally", "list", "get", f"/api/people/{S}/file-items/", SALLY_FILE, SALLY_FILE, "list", ("MKR-FILE-PREP", "MKR-FILE-PLAN"), public=True),
        Probe("api:person-file-items", "file_conf", "list", "get", f"/api/people/{S}/file-items/", SALLY_FILE, IN_CONFIDENCE, "list", ("MKR-FILE-CONF",), public=True),
        Probe("api:person-file-items", "file_lena", "list", "get", f"/api/people/{L}/file-items/", LENA_FILE, LENA_FILE, "list", ("MKR-FILE-LENA",), public=True),
        Probe("api:person-file-items", "file_lena_conf", "list", "get", f"/api/people/{L}/file-items/", LENA_FILE, frozenset({"lena"}), "list", ("MKR-FILE-LENA-CONF",), public=True),
    ]
    probes += not_applicable("file_prep", "files:item", prep_url, SALLY_FILE, {"view", "edit"})
    probes += not_applicable("file_conf", "files:item", conf_url, IN_CONFIDENCE, {"view", "edit"})
    probes += not_applicable("file_sally", "files:index", index, SALLY_FILE, {"view", "list", "edit"})
    return probes
# fmt: on
