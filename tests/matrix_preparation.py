"""The pre-supervision pack in the access matrix (tests/test_access_matrix.py).

The pack is a working paper of the supervisory relationship: Sally herself, Theo and Cara
(her current supervisors; Cara for case supervision only, so her pack is cut to case work)
and Maria above them. The read-only standings that open Sally's file (quality assurance, the
inspector, the investigating officer) get a 404 here, as every outsider does; so does Fiona,
her previous supervisor. Lena's pack, now she has left, is hers alone.
"""

from __future__ import annotations

from typing import Any

from .test_access_matrix import SALLY_FILE, SALLY_PERSONAL, SALLY_WORKING_LIST, Probe, not_applicable

URL_TABLE: dict[str, str] = {
    "preparation:pack": "Sally's and Lena's pre-supervision packs (view, and for a planned session)",
    "preparation:pack_pdf": "Sally's pre-supervision pack (export: PDF)",
}


# fmt: off
def probes(w: Any) -> list[Probe]:
    o, p = w.objects, w.people
    S, L = p["sally"].pk, p["lena"].pk
    pack = f"/people/{S}/preparation/"
    planned = o["session_planned"].pk
    readers = SALLY_WORKING_LIST  # sally, theo, cara, maria
    for_session = readers & SALLY_PERSONAL  # Theo's planned 1:1: not the case-only supervisor
    lena = frozenset({"lena"})
    return [
        Probe("preparation:pack", "prep_sally", "view", "get", pack, readers, readers, "read", ("Pre-supervision pack: Sally Social", "MOS-1234")),
        Probe("preparation:pack", "prep_sally", "view", "get", f"{pack}?session={planned}", readers, for_session, "read", ("Monday 9 March 2026 with Theo Team",)),
        Probe("preparation:pack_pdf", "prep_sally", "export", "get", f"/people/{S}/preparation.pdf", readers, readers, "export"),
        Probe("people:file", "prep_sally", "list", "get", f"/people/{S}/", SALLY_FILE, readers, "list", (f'href="{pack}"',)),
        Probe("sessions:detail", "prep_sally", "list", "get", f"/sessions/{planned}/", SALLY_PERSONAL, for_session, "list", (f'href="{pack}?session={planned}"',)),
        Probe("preparation:pack", "prep_lena", "view", "get", f"/people/{L}/preparation/", lena, lena, "read", ("Pre-supervision pack: Lena Leaver",)),
        *not_applicable("prep_sally", "preparation:pack", pack, readers, {"view", "list", "export"}),
    ]
# fmt: on
