"""No personal record ever holds a case direction's text: checked on every session template
of every pack (Leeds 4.13, Bristol 5.2, Buckinghamshire 'initials only', Lambeth 2.2)."""

from __future__ import annotations

from datetime import date

import pytest

from oversight.cases.models import Child
from oversight.cases.services import case_review_record
from oversight.errors import ServiceError
from oversight.policy import shipped_packs
from oversight.records.models import Record
from oversight.records.services import record_save_draft
from oversight.sessions.models import Session

from .personas import make_cast

DIRECTION = "Convene a strategy meeting and review the safety plan with the school by Friday."

CASES = [
    (pack.id, template.id, section.id)
    for pack in shipped_packs().values()
    for template in pack.templates
    if template.applies_to in ("session", "observation", "case_discussion")
    for section in template.sections
    if not section.signature
]


@pytest.mark.django_db
@pytest.mark.parametrize(("pack_id", "template_id", "section_id"), CASES)
def test_a_case_direction_cannot_be_written_into_a_personal_record(
    pack_id: str, template_id: str, section_id: str
) -> None:
    cast = make_cast(pack_id, slug="t")
    template = cast.org.pack.template(template_id)
    kind = template.kinds[0] if template.kinds else "personal"
    child = Child.objects.create(
        organisation=cast.org, case_id="LCS123456", status="cp", worker=cast.sally, allocated=date(2026, 1, 5)
    )
    case_review_record(child=child, by=cast.theo, on=date(2026, 2, 2), direction=DIRECTION)
    session = Session.objects.create(
        organisation=cast.org,
        kind=kind,
        supervisor=cast.theo,
        supervisee=cast.sally,
        date=date(2026, 2, 2),
        status="held",
    )
    record = Record.objects.create(session=session, template_id=template_id)
    pasted = f"Discussed LCS123456. {DIRECTION.upper()}  "  # case and spacing do not hide it
    with pytest.raises(ServiceError) as err:
        record_save_draft(record=record, by=cast.theo, content={section_id: pasted}, expected_version=1)
    assert err.value.field == section_id and "LCS123456" in err.value.message
    assert DIRECTION not in str(Record.objects.get(pk=record.pk).content)
    # the child's ID alone is what the personal record keeps, and that is accepted
    saved = record_save_draft(
        record=record, by=cast.theo, content={section_id: "Discussed LCS123456."}, expected_version=1
    )
    assert saved.content[section_id] == "Discussed LCS123456."
