"""The parts of the bundle other apps offer: each app in ``SUBJECT_ACCESS_APPS`` has a
``subject_access`` module whose ``part(person, redactor)`` gives a ``Part`` of ``Entry``s."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

from oversight.people.models import Person

from .redaction import Redactor

# The apps that keep more of a person's file, each offering ``<app>.subject_access.part(person,
# redactor)`` -> Part. An app not installed offers nothing.
SUBJECT_ACCESS_APPS: tuple[str, ...] = ("oversight.files", "oversight.quality", "oversight.surveys")


@dataclass
class Entry:
    """One thing held: a heading, its facts (label, value) and its texts (title, text)."""

    title: str
    facts: list[tuple[str, str]]
    texts: list[tuple[str, str]] = field(default_factory=list)

    def as_data(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "facts": [{"label": label, "value": value} for label, value in self.facts],
            "texts": [{"title": title, "text": text} for title, text in self.texts],
        }


@dataclass
class Part:
    """A part of the bundle from another app: its entries and the audit events about them
    (object type -> ids), which join the bundle's audit trail."""

    key: str
    title: str
    note: str
    entries: list[Entry]
    audit_objects: dict[str, list[int]] = field(default_factory=dict)

    def as_data(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "note": self.note,
            "entries": [e.as_data() for e in self.entries],
        }


def _parts(person: Person, redactor: Redactor) -> list[Part]:
    out = []
    for app in SUBJECT_ACCESS_APPS:
        if apps.is_installed(app):
            out.append(importlib.import_module(f"{app}.subject_access").part(person, redactor))
    return out
