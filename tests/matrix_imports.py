"""The imports pages in the access matrix: HR and the organisation's senior managers (Hana and
Maria) upload, preview and apply; everyone else gets a 404 and the anonymous visitor is sent
to sign in. The preview shows the staff a file would add (its marker name); applying it adds
them (the matrix sees the count of people change)."""

from __future__ import annotations

from oversight.imports.hr import plan_hr
from oversight.imports.services import upload_store

from .test_access_matrix import TODAY, Probe, World

URL_TABLE: dict[str, str] = {
    "imports:home": "imports (view: the upload page and recent files)",
    "imports:preview": "imports (view: the dry run of an uploaded file)",
    "imports:apply": "imports (edit: apply the previewed file)",
}

IMPORTERS = frozenset({"hr", "maria"})
HR_FILE = (
    b"Employee ID,Name,Role,Team,Manager ID,Started\n"
    b"T1,Theo Team,team_manager,Team A,M1,2015-01-05\n"
    b"N9,Imogen MKR-IMPORT-NEW,social_worker,Team A,T1,2026-03-02\n"
)


def probes(w: World) -> list[Probe]:
    org = w.cast.org
    upload = upload_store(organisation=org, by=w.people["hr"], kind="hr", filename="matrix-hr.csv", data=HR_FILE)
    fingerprint = plan_hr(org, HR_FILE, today=TODAY).plan.fingerprint()
    url = f"/imports/{upload.pk}/"
    confirm = {"sha256": upload.sha256, "fingerprint": fingerprint}
    return [
        Probe("imports:home", "imports", "view", "get", "/imports/", IMPORTERS, IMPORTERS, "read", ("matrix-hr.csv",)),
        Probe("imports:preview", "imports", "view", "get", url, IMPORTERS, IMPORTERS, "read", ("MKR-IMPORT-NEW",)),
        Probe("imports:apply", "imports", "edit", "post", url + "apply/", IMPORTERS, IMPORTERS, "write", data=confirm),
        Probe("imports:apply", "imports", "edit", "post", url + "apply/", IMPORTERS, frozenset(), "write", data={}),
        Probe("imports:preview", "imports", "delete", "delete", url, IMPORTERS, frozenset(), "write"),
    ]
