"""Quality assurance of supervision in the access matrix (tests/test_access_matrix.py).

Audits hold personal information about the supervisees whose files were sampled: an audit of a
supervisor's files is read by its auditor, the supervisor, the line-management chain above the
supervisor, quality assurance in the supervisor's service and the organisation's senior
managers; everyone else gets a 404. Here Maria (Theo's and Cara's line manager, and the senior
manager) audits Theo's files (a draft, sampling Sally's and Asha's) and Cara's (completed, with a
finding for Cara); Theo is above Cara, so he reads hers too; Quinn holds quality assurance in
their service. Observations follow the same readers; training is read by the supervisor, the
line above, quality assurance, senior managers and HR (the whole organisation).

The matrix's fingerprint does not cover this app's tables, so the writes are walked for reach
only (outsiders get a 404, nothing else is changed); that they work for the people allowed is
tested in tests/test_quality.py and tests/test_quality_views.py.
"""

from __future__ import annotations

from typing import Any

from oversight.quality.development import observation_record, training_record
from oversight.quality.services import audit_answers_save, audit_complete, audit_start, finding_add
from oversight.quality.tools import tool_for

from .test_access_matrix import KNOWN, MEMBERS, NOBODY, TODAY, Probe, date_fields, not_applicable

URL_TABLE: dict[str, str] = {
    "quality:home": "quality assurance: my audits to do and done, the moderation queue (list)",
    "quality:audit_new": "a supervisor's files (edit: start an audit)",
    "quality:audit": "audits (view; edit: complete, findings; sign: moderate)",
    "quality:audit_file": "a sampled file in an audit (view, edit: answers)",
    "quality:observations": "observations of supervision (list)",
    "quality:observation_new": "a supervisor's supervision (edit: record an observation)",
    "quality:observation": "observations (view; agree: the supervisor's response)",
    "quality:training": "supervision training, the workforce development view (list)",
    "quality:training_csv": "supervision training (export: CSV)",
    "quality:training_new": "a supervisor's training (edit: record)",
    "api:quality-audit-list": "audits (list), through the API",
    "api:quality-audit-detail": "audits (view), through the API",
    "api:quality-observation-list": "observations of supervision (list), through the API",
    "api:quality-observation-detail": "observations of supervision (view), through the API",
    "api:quality-training-list": "supervision training (list), through the API",
}


# fmt: off
def probes(w: Any) -> list[Probe]:
    p = w.people
    maria, theo, cara, sally, asha = p["maria"], p["theo"], p["cara"], p["sally"], p["asha"]
    draft = audit_start(supervisor=theo, auditor=maria, supervisees=[sally, asha], on=TODAY)
    done = audit_start(supervisor=cara, auditor=maria, supervisees=[sally], on=TODAY)
    tool = tool_for(done.tool)
    file = done.files.get()
    answers = {q.id: (tool.scale(q.scale).options[0].value, "MKR-QA-COMMENT" if i == 0 else "") for i, q in enumerate(tool.questions)}
    audit_answers_save(audit=done, file=file, by=maria, answers=answers)
    finding_add(audit=done, by=maria, text="Dates not agreed", action="MKR-QA-ACTION agree the next date", owner=cara, due=TODAY, on=TODAY)
    audit_complete(audit=done, by=maria, outcome="good", summary="MKR-QA-SUMMARY regular and reflective", on=TODAY)
    observation = observation_record(supervisor=theo, observer=maria, observed_on=TODAY, strengths="MKR-QA-OBSERVED warm", areas_to_develop="Dates", on=TODAY)
    training_record(person=theo, by=maria, kind="initial", course="MKR-QA-COURSE", provider="P", completed_on=TODAY, on=TODAY)

    theo_readers = frozenset({"maria", "theo", "qa_in"})  # auditor and senior manager, self, QA
    cara_readers = frozenset({"maria", "cara", "theo", "qa_in"})  # Theo is above Cara
    may_audit_theo = frozenset({"maria", "qa_in"})
    may_audit_cara = frozenset({"maria", "theo", "qa_in"})
    training_readers = frozenset({"maria", "theo", "qa_in", "hr"})  # Theo's own; the senior manager and HR see all
    theo_file = frozenset({"theo", "qa_in", "insp_live"})  # Theo's own file: no one supervises him here
    d, c = f"/quality/audits/{draft.pk}/", f"/quality/audits/{done.pk}/"
    f = f"{d}files/{draft.files.get(supervisee=sally).pk}/"
    o = f"/quality/observations/{observation.pk}/"
    answer = {"q-agreement": "met"}
    complete = {"step": "complete", "outcome": "good", "summary": "Done"}
    moderate = {"step": "moderate", "outcome": "good", "note": ""}
    finding = {"step": "finding", "text": "t", "action": "a", "owner": theo.pk, **date_fields("due", TODAY)}
    observe = {**date_fields("observed_on", TODAY), "strengths": "s", "areas_to_develop": "a"}
    train = {"kind": "refresher", "course": "c", "provider": "p", **date_fields("completed_on", TODAY)}
    return [
        Probe("quality:home", "quality", "list", "get", "/quality/", MEMBERS, MEMBERS, "page"),
        Probe("quality:home", "audit_draft", "list", "get", "/quality/", MEMBERS, frozenset({"maria", "qa_in"}), "list", (f'href="{d}"',)),
        Probe("quality:home", "audit_done", "list", "get", "/quality/", MEMBERS, cara_readers, "list", (f'href="{c}"',)),
        Probe("quality:audit", "audit_draft", "view", "get", d, theo_readers, theo_readers, "read", ("Audit of Theo Team", "Sally Social")),
        Probe("quality:audit", "audit_draft", "edit", "post", d, theo_readers, NOBODY, "write", data=complete),
        Probe("quality:audit", "audit_draft", "edit", "post", d, theo_readers, NOBODY, "write", data=finding),
        Probe("quality:audit", "audit_done", "view", "get", c, cara_readers, cara_readers, "read", ("MKR-QA-SUMMARY", "MKR-QA-ACTION")),
        Probe("quality:audit", "audit_done", "sign", "post", c, cara_readers, NOBODY, "write", data=moderate),
        Probe("quality:audit_file", "audit_draft", "view", "get", f, theo_readers, theo_readers, "read", ("Sally Social", "The file at a glance")),
        Probe("quality:audit_file", "audit_draft", "edit", "post", f, theo_readers, NOBODY, "write", data=answer),
        Probe("quality:audit_file", "audit_done", "view", "get", f"{c}files/{file.pk}/", cara_readers, cara_readers, "read", ("MKR-QA-COMMENT",)),
        Probe("quality:audit_new", "quality_theo", "edit", "get", f"/quality/audits/new/?supervisor={theo.pk}", may_audit_theo, may_audit_theo, "read", ("Asha Asye",)),
        Probe("quality:audit_new", "quality_cara", "edit", "get", f"/quality/audits/new/?supervisor={cara.pk}", may_audit_cara, may_audit_cara, "read", ("Sally Social",)),
        Probe("quality:audit_new", "quality_cara", "edit", "post", f"/quality/audits/new/?supervisor={cara.pk}", may_audit_cara, NOBODY, "write", data={"supervisees": [sally.pk]}),
        Probe("quality:audit_new", "quality", "list", "get", "/quality/audits/new/", MEMBERS, MEMBERS, "page"),
        Probe("quality:observations", "observation", "list", "get", "/quality/observations/", MEMBERS, theo_readers, "list", (f'href="{o}"',)),
        Probe("quality:observation", "observation", "view", "get", o, theo_readers, theo_readers, "read", ("MKR-QA-OBSERVED",)),
        Probe("quality:observation", "observation", "agree", "post", o, theo_readers, NOBODY, "write", data={"step": "respond", "response": "Agreed"}),
        Probe("quality:observation_new", "quality_theo", "edit", "post", f"/quality/observations/new/?supervisor={theo.pk}", may_audit_theo, NOBODY, "write", data=observe),
        Probe("quality:training", "training", "list", "get", "/quality/training/", MEMBERS, training_readers, "list", ("MKR-QA-COURSE",)),
        Probe("quality:training_csv", "training", "export", "get", "/quality/training.csv", MEMBERS, training_readers | {"cara"}, "export"),
        Probe("quality:training_new", "quality_theo", "edit", "get", f"/quality/training/new/?person={theo.pk}", training_readers, training_readers, "read", ("MKR-QA-COURSE",)),
        Probe("quality:training_new", "quality_theo", "edit", "post", f"/quality/training/new/?person={theo.pk}", training_readers, NOBODY, "write", data=train),
        Probe("people:file", "quality_theo", "list", "get", f"/people/{theo.pk}/", theo_file, frozenset({"theo", "qa_in"}), "list", (f'href="{d}"', f'href="{o}"')),
        # The API reads the same, in JSON: no credentials is an outsider's 404 (public), lists hold
        # only what the caller reads, one object outside their reach is a 404.
        Probe("api:quality-audit-list", "audit_done", "list", "get", "/api/quality/audits/", KNOWN, cara_readers, "list", (f'"id":{done.pk},"organisation"',), public=True),
        Probe("api:quality-audit-list", "audit_draft", "list", "get", "/api/quality/audits/", KNOWN, theo_readers, "list", (f'"id":{draft.pk},"organisation"',), public=True),
        Probe("api:quality-audit-detail", "audit_done", "view", "get", f"/api/quality/audits/{done.pk}/", cara_readers, cara_readers, "read", ("MKR-QA-SUMMARY", "MKR-QA-ACTION"), public=True),
        Probe("api:quality-audit-detail", "audit_draft", "view", "get", f"/api/quality/audits/{draft.pk}/", theo_readers, theo_readers, "read", ("Sally Social",), public=True),
        Probe("api:quality-observation-list", "observation", "list", "get", "/api/quality/observations/", KNOWN, theo_readers, "list", (f'"id":{observation.pk},"organisation"',), public=True),
        Probe("api:quality-observation-detail", "observation", "view", "get", f"/api/quality/observations/{observation.pk}/", theo_readers, theo_readers, "read", ("MKR-QA-OBSERVED",), public=True),
        Probe("api:quality-training-list", "training", "list", "get", "/api/quality/training/", KNOWN, training_readers, "list", ("MKR-QA-COURSE",), public=True),
        *not_applicable("audit_done", "quality:audit", c, cara_readers, {"view", "list", "edit", "sign"}),
        *not_applicable("observation", "quality:observation", o, theo_readers, {"view", "list", "agree"}),
    ]
# fmt: on
