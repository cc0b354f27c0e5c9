"""Where the engine's ``file_events`` come from: the apps that keep the supervision file and
the quality loop.

Each app named in ``FILE_EVENT_APPS`` may offer ``<app>.selectors.file_events(organisation,
people=None)``, returning ``{"person": Person pk, "kind": str, "date": date}`` dicts for the
organisation's people, or only for ``people`` (Person pks) when given, of the kinds it is
listed with. An app not installed, or without that function yet, offers nothing. The
scenario carries ``file_events`` only when some app offers them, and ``file_event_kinds``
the kinds those apps record: the engine owes no clock that nothing here could meet (an
organisation whose training records are not kept in Oversight is not reported as never
having trained a supervisor).

An app whose events change calls ``oversight.compliance.hooks.touch_people`` with the people
concerned, so that the obligation store follows.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection, Iterable
from typing import Any

from django.apps import apps

from oversight.organisations.models import Organisation

# The app, and the kinds of file event it records (oversight.policy.pack.FILE_EVENT_KINDS).
FILE_EVENT_APPS: dict[str, tuple[str, ...]] = {
    "oversight.files": ("self_care_plan", "self_care_review", "objectives_set"),
    "oversight.quality": ("training", "supervision_observed", "file_audit"),
}

Provider = Callable[..., Iterable[dict[str, Any]]]


def _provider(app: str) -> Provider | None:
    """``<app>.selectors.file_events`` if the app is installed and has it, else None."""
    if not apps.is_installed(app):
        return None
    module_name = f"{app}.selectors"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:  # something the module imports is missing: a real fault
            raise
        return None
    provider = getattr(module, "file_events", None)
    return provider if callable(provider) else None


def providers() -> list[tuple[Provider, tuple[str, ...]]]:
    """The ``file_events`` functions of the installed apps with the kinds each records."""
    found = [(_provider(app), kinds) for app, kinds in FILE_EVENT_APPS.items()]
    return [(provider, kinds) for provider, kinds in found if provider is not None]


def file_events_for(
    organisation: Organisation, people: Collection[int] | None = None
) -> tuple[list[dict[str, Any]], list[str]] | None:
    """The organisation's file events as the scenario's ``file_events`` (person ids ``p<pk>``,
    only ``people``'s when given, sorted) and the kinds recorded (``file_event_kinds``);
    None when no app provides them."""
    found = False
    events: list[dict[str, Any]] = []
    recorded: set[str] = set()
    wanted = None if people is None else set(people)
    for provider, kinds in providers():
        try:
            rows = list(provider(organisation, people=wanted))
        except LookupError:  # the app's models are not registered (being installed)
            continue
        found = True
        recorded.update(kinds)
        for row in rows:
            if wanted is None or row["person"] in wanted:
                events.append({"person": f"p{row['person']}", "kind": row["kind"], "date": row["date"]})
    if not found:
        return None
    events.sort(key=lambda e: (e["person"], e["kind"], e["date"]))
    return events, sorted(recorded)
