"""What reminders have been sent, in-app notifications, per-person preferences and calendar feeds."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q

from oversight.people.models import Person


class Stage(models.TextChoices):
    """How far along an obligation a reminder is: each stage is sent once per channel."""

    BEFORE_DUE = "before_due", "Before it is due"
    OVERDUE = "overdue", "Overdue"
    ESCALATED = "escalated", "Overdue: escalated to the line manager"
    NEEDS_COVER = "needs_cover", "Supervisor absent: needs cover"
    DIGEST = "digest", "Weekly digest"


class Channel(models.TextChoices):
    """Where a reminder goes. Email goes through GOV.UK Notify when it is configured, else through
    Django's email backend: either way it is one channel, so changing transport resends nothing."""

    IN_APP = "in_app", "In Oversight"
    EMAIL = "email", "By email"


class Topic(models.TextChoices):
    """The reminder kinds a person can turn off, as a social worker would name them."""

    SESSIONS = "sessions", "Supervision sessions falling due"
    RECORDS = "records", "Records to share, sign or answer"
    AGREEMENTS = "agreements", "Supervision agreements and their reviews"
    CASE_REVIEWS = "case_reviews", "Case reviews"
    ASYE_REVIEWS = "asye_reviews", "ASYE reviews"
    COVER = "cover", "Supervisors absent who need cover"
    FILE_CLOCKS = "file_clocks", "Supervision training, quality assurance, self-care plans and objectives"
    ESCALATIONS = "escalations", "Things overdue in your supervisors' work (line managers)"
    DIGEST = "digest", "A weekly digest of what is overdue (managers)"


class Notification(models.Model):
    """A message shown to one person inside Oversight (the bell in the navigation)."""

    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    text = models.TextField()
    why = models.CharField(max_length=300, blank=True, help_text="The rule and its source.")
    link = models.CharField(max_length=300, blank=True)
    obligation_key = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    read = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["recipient", "read"])]

    def __str__(self) -> str:
        return f"Notification to {self.recipient}: {self.text[:60]}"


class ReminderSent(models.Model):
    """The claim that makes a reminder go once: one row per recipient, obligation (and its due
    date: a monthly supervision is the same obligation each month), stage and channel.

    A sender inserts the row first, in its own short transaction, and sends only if the insert
    won: a second scheduler running at the same moment hits the unique constraint and skips.
    In-app notifications are written in the same transaction as the claim; an email is sent
    after it and ``sent_at`` set once the backend has taken it (a claim whose email failed is
    deleted, and one left unsent by a crash is taken over after an hour, so none is lost).
    """

    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    obligation_key = models.CharField(max_length=200)
    due = models.DateField(help_text="The due date reminded of (a digest: the Monday of its week).")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    claimed_on = models.DateField(help_text="The day of the run that claimed it.")
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="Blank while the email is on its way; a claim left blank is retried."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "obligation_key", "due", "stage", "channel"], name="reminder_sent_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage} {self.obligation_key} to {self.recipient} by {self.channel}"


class Preference(models.Model):
    """One person's choices. Blank values mean "the default" (from the pack's clocks)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="reminder_preference")
    muted = models.JSONField(default=list, help_text="Topics turned off (Topic values).")
    ahead_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Days before a due date to be reminded; blank: the pack's default."
    )
    channels = models.JSONField(default=list, help_text="Channel values chosen; empty: in Oversight and email.")
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Reminder preferences of {self.person}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A secret address for one person's calendar. Revoked feeds are kept (revoked set) so an
    old address keeps answering 404 and never comes back to life."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created = models.DateTimeField(auto_now_add=True)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(revoked__isnull=True), name="one_live_feed_each")
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.person}" + (" (revoked)" if self.revoked else "")


class SessionInvitation(models.Model):
    """The calendar identity of a session: a stable UID and the SEQUENCE the next invitation
    carries (it rises with each move, so Outlook replaces the old one)."""

    session = models.OneToOneField("supervision_sessions.Session", on_delete=models.CASCADE, related_name="invitation")
    uid = models.CharField(max_length=200, unique=True)
    sequence = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Invitation {self.uid} (sequence {self.sequence})"


class DailyRun(models.Model):
    """One row per day the daily reminder job ran: a second job queued for the same day (two
    workers re-queueing at once) finds the day taken and stops, so duplicates die out."""

    day = models.DateField(unique=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"Reminder run of {self.day}"
