"""The obligation store: what the engine says is owed, kept current as events are recorded.

Pages and dashboards read these rows instead of running the engine for a whole
authority on each view. ``oversight.compliance.store`` writes them: for the people an
event touches when it commits, and for a whole organisation nightly (statuses move
with the calendar even when nothing is recorded).

An ``upcoming`` or ``pending`` row whose ``due`` has passed is overdue today whether or
not the store has been refreshed since: ``ObligationQuerySet.overdue_on`` reads it so.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q

from oversight.cases.models import CaseReview, Child
from oversight.organisations.models import Organisation
from oversight.people.models import Person
from oversight.sessions.models import Session

# Engine statuses meaning "not done, not yet late" on the day they were computed.
OPEN_STATUSES = ("upcoming", "pending")
# Statuses meaning "not done and late".
OVERDUE_STATUSES = ("overdue",)


class ObligationQuerySet(models.QuerySet["Obligation"]):
    def overdue_on(self, today: date) -> ObligationQuerySet:
        """Not done and past due on ``today``, including rows computed before they fell due."""
        return self.filter(Q(status__in=OVERDUE_STATUSES) | Q(status__in=OPEN_STATUSES, due__lt=today))

    def open_on(self, today: date) -> ObligationQuerySet:
        """Not done and not yet due on ``today``."""
        return self.filter(status__in=OPEN_STATUSES).filter(Q(due__isnull=True) | Q(due__gte=today))


class Obligation(models.Model):
    """One obligation of the engine's report (see the conformance contract's kinds)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200, help_text="The engine's id, e.g. supervision:personal:p12")
    kind = models.CharField(max_length=32)
    rule = models.CharField(max_length=100)
    source = models.CharField(max_length=200)
    # Whom it concerns: the supervisee (person/supervisee), the worker (case reviews), or
    # the supervisor (ratio); the supervisor where there is one.
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    supervisor = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    case_review = models.ForeignKey(CaseReview, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    session_kind = models.CharField(max_length=16, blank=True)
    child_status = models.CharField(max_length=32, blank=True)
    due = models.DateField(null=True, blank=True)
    done = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=32)
    detail = models.JSONField(default=dict, blank=True, help_text="The rest of the engine's obligation")
    computed_on = models.DateField(
        help_text="The day this row's answer was last written; the store as a whole is as of its StoreRefresh"
    )
    # Whose data the obligation is computed from, for incremental refresh
    # (``oversight.compliance.store.refresh_people``): the person it concerns, the
    # supervisor for a ratio or a group session's record, the child's worker for a case direction.
    owner = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    objects = ObligationQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="one_row_per_obligation")]
        indexes = [
            models.Index(fields=["organisation", "kind", "due"]),
            models.Index(fields=["person", "kind"]),
            models.Index(fields=["supervisor", "kind"]),
            models.Index(fields=["organisation", "owner"]),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status}, due {self.due})"


class SupervisionHeld(models.Model):
    """Each held supervision session of a supervisee, against the date it was due.

    The engine's ``history`` counts these ("held", "late"); the trend charts need them
    one by one, by the month they were held.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    session_kind = models.CharField(max_length=16)
    rule = models.CharField(max_length=100)
    source = models.CharField(max_length=200)
    held = models.DateField()
    # None when an hours-based rule's threshold had not been reached (which is on time).
    due = models.DateField(null=True, blank=True)
    on_time = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "session"], name="one_timing_per_session")]
        indexes = [models.Index(fields=["organisation", "held"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.session_kind} {self.held} ({'on time' if self.on_time else 'late'})"


class StoreRefresh(models.Model):
    """When an organisation's store was last recomputed in full, and as of which day.

    No row: never refreshed (readers populate it first). ``as_of`` older than today:
    statuses have moved with the calendar, so readers recompute in full before reading;
    the event hooks only refresh people of a store that is current.
    """

    organisation = models.OneToOneField(Organisation, primary_key=True, on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField()
    refreshed_at = models.DateTimeField()
    obligations = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.organisation_id} as of {self.as_of}"
