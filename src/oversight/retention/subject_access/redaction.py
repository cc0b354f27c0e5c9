"""The redactor: Buckinghamshire's grounds for withholding, the marks put in place of what is
taken out, and ``Redactor``, which takes other staff members' names and children's case-system
IDs and case directions out as the bundle is built and lists each redaction with its ground."""

from __future__ import annotations

import re
from typing import Any

from oversight.cases.models import Child
from oversight.people.models import Person

GROUNDS = (
    ("serious harm", "disclosure would be likely to cause serious harm to the physical or mental health of anyone"),
    ("crime", "disclosure would be likely to prejudice the prevention or detection of crime"),
    ("legal privilege", "the information is covered by legal professional privilege"),
    ("adoption records", "the information is in adoption records, which the law keeps confidential"),
    ("third-party information", "the information identifies another person who has not agreed to its disclosure"),
)
GROUNDS_SOURCE = "Buckinghamshire Council Children's Services Supervision Policy, October 2024, Confidentiality"
THIRD_PARTY = "third-party information"
STAFF_MARK = "[redacted: third-party information]"
CHILD_MARK = "[redacted: third-party information (child)]"
STAFF_NAME = "name of another member of staff"
CHILD_ID = "child's case-system ID"
CHILD_DIRECTION = "case direction about a child"
CHILD_SECTION = "record section about children"
REVIEW_NOTE = (
    "Redacted by machine for third-party information only: other staff members' full names and "
    "children's case-system IDs and case directions. Before it is sent, a person must read it for "
    "the other grounds (serious harm, crime, legal privilege, adoption records) and for third parties "
    "named in other ways (first names, initials, descriptions)."
)


class Redactor:
    """Redacts as it goes and lists each redaction with its path, ground and what it was."""

    def __init__(self, *, subject: Person, enabled: bool) -> None:
        self.subject = subject
        self.enabled = enabled
        self.redactions: list[dict[str, str]] = []
        self._names: re.Pattern[str] | None = None
        self._children: re.Pattern[str] | None = None
        if enabled:
            names = set(
                Person.objects.filter(organisation_id=subject.organisation_id)
                .exclude(pk=subject.pk)
                .values_list("name", flat=True)
            ) - {subject.name, ""}
            case_ids = set(
                Child.objects.filter(organisation_id=subject.organisation_id).values_list("case_id", flat=True)
            )
            self._names = _alternation(names)
            self._children = _alternation(case_ids - {""})

    def _hit(self, path: str, what: str) -> str:
        self.redactions.append({"path": path, "ground": THIRD_PARTY, "what": what})
        return CHILD_MARK if what in (CHILD_ID, CHILD_DIRECTION, CHILD_SECTION) else STAFF_MARK

    def text(self, value: str | None, path: str) -> str:
        """Free text with children's case IDs and other staff members' names taken out."""
        if not value or not self.enabled:
            return value or ""
        if self._children is not None:
            value = self._children.sub(lambda _: self._hit(path, CHILD_ID), value)
        if self._names is not None:
            value = self._names.sub(lambda _: self._hit(path, STAFF_NAME), value)
        return value

    def whole(self, value: str | None, path: str, what: str) -> str:
        """A whole text that is someone else's information (a child's case direction)."""
        if not value or not self.enabled:
            return value or ""
        return self._hit(path, what)

    def child(self, case_id: str, path: str) -> str:
        return self._hit(path, CHILD_ID) if self.enabled else case_id

    def person(self, person: Person | None, path: str) -> dict[str, Any] | None:
        """A person named in the file: the subject as themselves; anyone else by role only."""
        if person is None:
            return None
        if person.pk == self.subject.pk:
            return {"name": person.name, "role": person.role_label, "is_subject": True}
        name = self._hit(f"{path}.name", STAFF_NAME) if self.enabled else person.name
        return {"name": name, "role": person.role_label, "is_subject": False}

    def who(self, person: Person | None, path: str) -> str:
        """``person`` as a line of text: 'name (role)', the name redacted unless it is the subject."""
        named = self.person(person, path)
        if named is None:
            return ""
        return f"{named['name']} ({named['role']})" if named["role"] else str(named["name"])

    def detail(self, value: Any, path: str) -> Any:
        """Every string in a JSON value through ``text``."""
        if isinstance(value, str):
            return self.text(value, path)
        if isinstance(value, list):
            return [self.detail(v, f"{path}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, dict):
            return {k: self.detail(v, f"{path}.{k}") for k, v in value.items()}
        return value


def _alternation(words: set[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    longest_first = sorted(words, key=lambda w: (-len(w), w))
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in longest_first) + r")(?!\w)")
