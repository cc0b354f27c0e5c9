"""``oversight import_hr FILE --organisation SLUG [--apply]``: staff and line management from an
HR export. A dry run by default: what would be created, updated (field by field), recorded as
leaving or left unchanged, and every error by row and column (exit 1). ``--apply`` makes the
changes, all or nothing."""

from __future__ import annotations

from typing import Any

from oversight.imports.hr import plan_hr
from oversight.imports.plan import Plan
from oversight.imports.services import hr_import_apply
from oversight.organisations.models import Organisation

from ._importing import ImportCommand


class Command(ImportCommand):
    help = "Import staff and line management from an HR export (CSV); a dry run unless --apply."
    kind = "hr"
    noun = "Staff"

    def plan(self, organisation: Organisation, data: bytes) -> Plan:
        return plan_hr(organisation, data, today=self.today()).plan

    def apply(self, organisation: Organisation, data: bytes, by: Any, filename: str) -> Plan:
        return hr_import_apply(organisation=organisation, data=data, by=by, filename=filename, today=self.today())
