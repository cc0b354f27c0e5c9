"""Who wants which reminders, how far ahead, and where: a person's choices over the defaults.

The defaults come from the pack's clocks: a week ahead, or a quarter of the pack's longest
clock for that kind of reminder when that is shorter (Leeds: records shared within 10 working
days, answered within 5: 3 days ahead), and at least a day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from oversight.people.models import Person
from oversight.policy.pack import Period

from .models import Channel, Preference, Topic
from .selectors import BEFORE_DUE, ESCALATED, NEEDS_COVER, Reminder

DEFAULT_AHEAD_DAYS = 7
MAX_AHEAD_DAYS = 28
DEFAULT_CHANNELS = (Channel.IN_APP.value, Channel.EMAIL.value)
_ANCHOR = date(2026, 1, 5)  # a Monday: clock lengths are measured from here

TOPIC_OF_KIND = {
    "supervision": Topic.SESSIONS,
    "record_shared": Topic.RECORDS,
    "record_signed": Topic.RECORDS,
    "record_response": Topic.RECORDS,
    "agreement": Topic.AGREEMENTS,
    "agreement_review": Topic.AGREEMENTS,
    "case_review": Topic.CASE_REVIEWS,
    "asye_review": Topic.ASYE_REVIEWS,
    "absence_cover": Topic.COVER,
    "file": Topic.FILE_CLOCKS,
}


def topic_of(reminder: Reminder) -> str:
    if reminder.reason == ESCALATED:
        return Topic.ESCALATIONS.value
    if reminder.reason == NEEDS_COVER:
        return Topic.COVER.value
    return TOPIC_OF_KIND.get(reminder.kind, Topic.SESSIONS).value


def _days(period: Period | None) -> int | None:
    return (period.add_to(_ANCHOR) - _ANCHOR).days if period is not None else None


def _longest(periods: Iterable[Period | None]) -> int | None:
    days = [d for d in (_days(p) for p in periods) if d]
    return max(days) if days else None


def default_ahead_days(pack: Any) -> dict[str, int]:
    """Days ahead to remind, per topic, for ``pack`` (see the module docstring)."""
    clocks: dict[str, int | None] = {
        Topic.SESSIONS.value: _longest(
            [rule.every for rule in pack.supervision]
            + [phase.every for rule in pack.supervision for phase in (rule.phases or ())]
        ),
        Topic.RECORDS.value: _longest([r.within for r in pack.records] + [r.respond_within for r in pack.records]),
        Topic.AGREEMENTS.value: _longest([pack.agreement.due_within, pack.agreement.review_every]),
        Topic.CASE_REVIEWS.value: _longest([r.every for r in pack.case_review]),
    }
    out = {topic.value: DEFAULT_AHEAD_DAYS for topic in Topic}
    for topic, length in clocks.items():
        if length:
            out[topic] = max(1, min(DEFAULT_AHEAD_DAYS, length // 4))
    return out


@dataclass(frozen=True)
class Choices:
    """What one person will receive: the topics turned off, days ahead (None: the pack's default
    per topic) and the channels."""

    muted: frozenset[str]
    ahead_days: int | None
    channels: tuple[str, ...]

    def wants(self, reminder: Reminder, today: date, defaults: dict[str, int]) -> bool:
        topic = topic_of(reminder)
        if topic in self.muted:
            return False
        if reminder.reason == BEFORE_DUE:  # only within the days ahead
            ahead = self.ahead_days if self.ahead_days is not None else defaults.get(topic, DEFAULT_AHEAD_DAYS)
            return (reminder.due - today).days <= ahead
        return True


DEFAULT_CHOICES = Choices(muted=frozenset(), ahead_days=None, channels=DEFAULT_CHANNELS)


def choices_of(preference: Preference | None) -> Choices:
    if preference is None:
        return DEFAULT_CHOICES
    channels = tuple(c for c in preference.channels if c in Channel.values)
    return Choices(
        muted=frozenset(preference.muted),
        ahead_days=preference.ahead_days,
        channels=channels or DEFAULT_CHANNELS,
    )


def choices_for(people: Iterable[Person]) -> dict[int, Choices]:
    """Each person's choices, in one query (people without a saved preference get the defaults)."""
    ids = [p.pk for p in people]
    saved = {pref.person_id: pref for pref in Preference.objects.filter(person_id__in=ids)}
    return {pk: choices_of(saved.get(pk)) for pk in ids}
