"""The API's rows of the access matrix (tests/test_access_matrix.py picks this module up).

The API answers as the pages do, in JSON: an object outside the caller's reach is a 404, lists
hold only what the caller may read, a change the policy does not give the caller is a 404 and
changes nothing. A request with no credentials at all is an outsider too: a 404, not a redirect
to sign in (so every probe here is ``public``: the anonymous visitor must get the outsider's 404,
and nothing else). The schema and its documentation page describe the API and hold no data:
open to all.
"""

from __future__ import annotations

from typing import Any

from oversight.compliance.store import refresh_organisation
from oversight.imports.hr import plan_hr
from oversight.imports.services import upload_store

from .test_access_matrix import (
    AGREEMENT_CARA,
    AGREEMENT_THEO,
    EVERYONE,
    KNOWN,
    LENA_FILE,
    MEMBERS,
    SALLY_CASE,
    SALLY_FILE,
    SALLY_PERSONAL,
    SALLY_WORKING_LIST,
    TODAY,
    Probe,
)

URL_TABLE: dict[str, str] = {
    "api:schema": "the API's schema (public: no data)",
    "api:docs": "the API's documentation page (public: no data)",
    "api:person-list": "files (list), through the API",
    "api:person-detail": "Sally's and Lena's files (view), through the API",
    "api:relationship-list": "the supervision arrangement (list), through the API",
    "api:relationship-detail": "the supervision arrangement (view), through the API",
    "api:agreement-list": "agreements (list), through the API",
    "api:agreement-detail": "agreements and their confidential section (view), through the API",
    "api:agreement-sign": "agreements (sign), through the API",
    "api:agreement-review": "agreements (edit: review), through the API",
    "api:session-list": "sessions (list), through the API",
    "api:session-detail": "sessions (view), through the API",
    "api:session-schedule": "Sally's file (edit: book a session), through the API",
    "api:session-hold": "sessions (edit: hold), through the API",
    "api:session-cancel": "sessions (edit: cancel), through the API",
    "api:session-move": "sessions (edit: move), through the API",
    "api:record-list": "records (list), through the API",
    "api:record-detail": "records and confidential sections (view), through the API",
    "api:record-save-draft": "records (edit), through the API",
    "api:record-share": "records (share), through the API",
    "api:record-agree": "records (agree), through the API",
    "api:record-dispute": "records (agree: dispute), through the API",
    "api:record-finalise": "records (sign: finalise), through the API",
    "api:case-direction-list": "case reviews (list), through the API",
    "api:case-direction-detail": "case reviews and their directions (view), through the API",
    "api:case-direction-entered": "case reviews (edit: direction entered), through the API",
    "api:obligation-list": "what is owed on Sally's file (list), through the API",
    "api:import-dry-run": "imports (edit: a dry run keeps the file, changes nothing else), through the API",
    "api:import-apply": "imports (edit: apply), through the API",
}
IMPORTERS = frozenset({"maria", "hr"})  # a senior manager and HR (oversight.imports.access)
NEW_STARTER = "Employee ID,Name,Role,Team,Manager ID,Started\nN1,Nia New,Social worker,Team A,T1,2026-01-05\n"

THEO = frozenset({"theo"})
SALLY = frozenset({"sally"})


def _api(url_name: str, obj: str, action: str, method: str, url: str, reach: Any, allowed: Any, how: str, shows: tuple[str, ...] = (), data: dict[str, Any] | None = None) -> Probe:  # fmt: skip
    # public: the anonymous visitor is an outsider (404) like anyone outside ``reach``.
    return Probe(url_name, obj, action, method, url, reach, allowed, how, shows, data=data, public=True)


# One probe a line, as the main table reads.
# fmt: off
def probes(w: Any) -> list[Probe]:
    o, p = w.objects, w.people
    S, L = p["sally"].pk, p["lena"].pk
    refresh_organisation(w.cast.org, TODAY)  # the obligation store, as the nightly job leaves it
    out: list[Probe] = []
    add = out.append
    today = TODAY.isoformat()

    add(Probe("api:schema", "public", "view", "get", "/api/schema/", EVERYONE, EVERYONE, "page", public=True))
    add(Probe("api:docs", "public", "view", "get", "/api/docs/", EVERYONE, EVERYONE, "page", public=True))

    # People: the list holds the files the caller may open; one file is a 404 to everyone else.
    add(_api("api:person-list", "sally_file", "list", "get", "/api/people/", KNOWN, SALLY_FILE, "list", (f'"id":{S},"organisation"',)))
    add(_api("api:person-list", "lena_file", "list", "get", "/api/people/", KNOWN, LENA_FILE, "list", (f'"id":{L},"organisation"',)))
    add(_api("api:person-detail", "sally_file", "view", "get", f"/api/people/{S}/", SALLY_FILE, SALLY_FILE, "read", ("Sally Social",)))
    add(_api("api:person-detail", "lena_file", "view", "get", f"/api/people/{L}/", LENA_FILE, LENA_FILE, "read", ("Lena Leaver",)))

    # Relationships and agreements.
    rel = o["relationship"].pk
    add(_api("api:relationship-list", "relationship", "list", "get", "/api/relationships/", KNOWN, AGREEMENT_THEO, "list", (f'"id":{rel},"organisation"',)))
    add(_api("api:relationship-detail", "relationship", "view", "get", f"/api/relationships/{rel}/", AGREEMENT_THEO, AGREEMENT_THEO, "read", ('"supervisor_name":"Theo Team"',)))
    signed, waiting = o["agreement_signed"].pk, o["agreement_unsigned"].pk
    add(_api("api:agreement-list", "agreement_signed", "list", "get", "/api/agreements/", KNOWN, AGREEMENT_THEO, "list", (f'"id":{signed},"relationship"',)))
    add(_api("api:agreement-list", "agreement_unsigned", "list", "get", "/api/agreements/", KNOWN, AGREEMENT_CARA, "list", (f'"id":{waiting},"relationship"',)))
    add(_api("api:agreement-detail", "agreement_signed", "view", "get", f"/api/agreements/{signed}/", AGREEMENT_THEO, AGREEMENT_THEO, "read", ("MKR-SIGNED-AGREEMENT",)))
    add(_api("api:agreement-detail", "agreement_unsigned", "view", "get", f"/api/agreements/{waiting}/", AGREEMENT_CARA, AGREEMENT_CARA, "read", ("MKR-WAITING-AGREEMENT",)))
    add(_api("api:agreement-sign", "agreement_unsigned", "sign", "post", f"/api/agreements/{waiting}/sign/", AGREEMENT_CARA, frozenset({"sally", "cara"}), "write", data={}))
    add(_api("api:agreement-review", "agreement_signed", "edit", "post", f"/api/agreements/{signed}/review/", AGREEMENT_THEO, frozenset({"sally", "theo"}), "write", data={"on": today, "notes": "Reviewed"}))

    # Sessions: the planned one (personal), Cara's case session, Fiona's old one and Lena's.
    planned = o["session_planned"].pk
    for key, readers, marker in (
        ("session_planned", SALLY_PERSONAL, "MKR-PLANNED-PLACE"),
        ("session_case", SALLY_CASE, "MKR-CASE-PLACE"),
        ("session_old", SALLY_PERSONAL, "MKR-OLD-PLACE"),
        ("session_lena", LENA_FILE, "MKR-LENA-PLACE"),
    ):
        add(_api("api:session-list", key, "list", "get", "/api/sessions/", KNOWN, readers, "list", (marker,)))
        add(_api("api:session-detail", key, "view", "get", f"/api/sessions/{o[key].pk}/", readers, readers, "read", (marker,)))
    book = {"kind": "case", "supervisee": S, "date": "2026-03-20"}
    add(_api("api:session-schedule", "sally_file", "edit", "post", "/api/sessions/schedule/", MEMBERS, SALLY_WORKING_LIST - SALLY, "write", data=book))
    add(_api("api:session-hold", "session_planned", "edit", "post", f"/api/sessions/{planned}/hold/", SALLY_PERSONAL, THEO, "write", data={}))
    add(_api("api:session-cancel", "session_planned", "edit", "post", f"/api/sessions/{planned}/cancel/", SALLY_PERSONAL, THEO | SALLY, "write", data={"reason": "sickness"}))
    add(_api("api:session-move", "session_planned", "edit", "post", f"/api/sessions/{planned}/move/", SALLY_PERSONAL, THEO, "write", data={"date": "2026-03-24"}))
    add(_api("api:session-move", "session_lena", "edit", "post", f"/api/sessions/{o['session_lena'].pk}/move/", LENA_FILE, frozenset(), "write", data={"date": "2026-03-24"}))

    # Records: the list carries no text; each record's text (and its confidential check-in, as
    # the policy allows: the global marker scan) is in its detail.
    for key, readers, marker in (
        ("record_draft", SALLY_PERSONAL, "MKR-DRAFT-RECORD"),
        ("record_shared", SALLY_PERSONAL, "MKR-SHARED-RECORD"),
        ("record_agreed", SALLY_PERSONAL, "MKR-AGREED-RECORD"),
        ("record_final", SALLY_PERSONAL, "MKR-FINAL-RECORD"),
        ("record_old", SALLY_PERSONAL, "MKR-OLD-RECORD"),
        ("record_lena", LENA_FILE, "MKR-LENA-RECORD"),
    ):
        pk = o[key].pk
        add(_api("api:record-list", key, "list", "get", "/api/records/", KNOWN, readers, "list", (f'"id":{pk},"session"',)))
        add(_api("api:record-detail", key, "view", "get", f"/api/records/{pk}/", readers, readers, "read", (marker,)))
    draft, shared, agreed = o["record_draft"], o["record_shared"].pk, o["record_agreed"].pk
    save = {"content.health_wellbeing": "Rewritten", "content.check_in": "", "expected_version": draft.version}
    add(_api("api:record-save-draft", "record_draft", "edit", "post", f"/api/records/{draft.pk}/save-draft/", SALLY_PERSONAL, THEO, "write", data=save))
    add(_api("api:record-share", "record_draft", "share", "post", f"/api/records/{draft.pk}/share/", SALLY_PERSONAL, THEO, "write", data={}))
    add(_api("api:record-agree", "record_shared", "agree", "post", f"/api/records/{shared}/agree/", SALLY_PERSONAL, SALLY, "write", data={}))
    add(_api("api:record-dispute", "record_shared", "agree", "post", f"/api/records/{shared}/dispute/", SALLY_PERSONAL, SALLY, "write", data={"view": "That is not what I said"}))
    add(_api("api:record-finalise", "record_agreed", "sign", "post", f"/api/records/{agreed}/finalise/", SALLY_PERSONAL, THEO, "write", data={}))
    add(_api("api:record-finalise", "record_lena", "sign", "post", f"/api/records/{o['record_lena'].pk}/finalise/", LENA_FILE, frozenset(), "write", data={}))

    # Case directions: case supervision of the worker (Cara too, not Sally's personal readers only).
    review = o["case_review"].pk
    add(_api("api:case-direction-list", "case_review", "list", "get", "/api/case-directions/", KNOWN, SALLY_CASE, "list", ('"case_id":"MOS-1234"',)))
    add(_api("api:case-direction-detail", "case_review", "view", "get", f"/api/case-directions/{review}/", SALLY_CASE, SALLY_CASE, "read", ("MKR-DIRECTION",)))
    add(_api("api:case-direction-entered", "case_review", "edit", "post", f"/api/case-directions/{review}/entered/", SALLY_CASE, frozenset({"sally", "theo", "cara"}), "write", data={"on": today}))

    # What is owed: the obligations of the people whose files the caller may open.
    add(_api("api:obligation-list", "sally_file", "list", "get", "/api/obligations/?page_size=200", KNOWN, SALLY_FILE, "list", (f'"person":{S},',)))
    add(_api("api:obligation-list", "lena_file", "list", "get", "/api/obligations/?page_size=200", KNOWN, LENA_FILE, "list", (f'"person":{L},',)))

    # Imports: HR and senior managers only; the dry run keeps the file, applying creates Nia.
    add(_api("api:import-dry-run", "imports", "edit", "post", "/api/imports/dry-run/", IMPORTERS, IMPORTERS, "page", data={"kind": "hr", "content": NEW_STARTER}))
    upload = upload_store(organisation=w.cast.org, by=p["maria"], kind="hr", filename="hr.csv", data=NEW_STARTER.encode())
    plan = plan_hr(w.cast.org, NEW_STARTER.encode(), today=TODAY).plan
    apply = {"sha256": plan.sha256, "fingerprint": plan.fingerprint()}
    add(_api("api:import-apply", "imports", "edit", "post", f"/api/imports/{upload.pk}/apply/", IMPORTERS, IMPORTERS, "write", data=apply))
    return out
# fmt: on
