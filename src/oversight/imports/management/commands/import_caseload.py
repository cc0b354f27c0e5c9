"""``oversight import_caseload FILE --organisation SLUG [--apply]``: children, their allocated
workers, statuses and key dates from a case-system export. A dry run by default, with every
error by row and column (exit 1); ``--apply`` makes the changes, all or nothing."""

from __future__ import annotations

from typing import Any

from oversight.imports.caseload import plan_caseload
from oversight.imports.plan import Plan
from oversight.imports.services import caseload_import_apply
from oversight.organisations.models import Organisation

from ._importing import ImportCommand


class Command(ImportCommand):
    help = "Import caseloads from a case-system export (CSV); a dry run unless --apply."
    kind = "caseload"
    noun = "Caseload"

    def plan(self, organisation: Organisation, data: bytes) -> Plan:
        return plan_caseload(organisation, data, today=self.today()).plan

    def apply(self, organisation: Organisation, data: bytes, by: Any, filename: str) -> Plan:
        return caseload_import_apply(organisation=organisation, data=data, by=by, filename=filename, today=self.today())
