"""Feedback on supervision in a record, and anonymous surveys of staff.

``RecordFeedback``: the supervisee's answers about one session, on the record, where the
council's template asks for it (Bristol 4.4, Buckinghamshire App. 2, Leeds 4.14, Blackpool 6).
It names the supervisee: it is part of their supervision file, read by them and the supervisor.

A survey (Leeds 4.19 annual health check, Buckinghamshire staff survey, Bristol 8, Lambeth 4)
is anonymous by design, so its rows are split in two that never meet:

- ``SurveyResponse``: the answers, with the respondent's team, service and role band taken at
  submission as coarse attributes for the breakdowns. No person, no time (not even a created
  time) and a random primary key. When the survey closes its responses are written again in a
  fresh random order (``services.survey_seal``), so that not even the order in which the
  database stored them says who answered when.
- ``SurveyParticipation``: that a person responded, to stop a second response and to count the
  response rate. Nothing on it points at a response, and it has no time either.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.db import models
from django.db.models import F, Q

from oversight.organisations.models import Organisation
from oversight.people.models import Person, Service, Team
from oversight.records.models import Record


class Survey(models.Model):
    """A survey of one organisation's staff, open from ``opens_on`` to ``closes_on`` (both
    included) unless closed early. The questions are copied in when it is opened, so that a
    later change to the council's question file does not change what was asked."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    pack_id = models.CharField(max_length=64, help_text="The policy pack whose questions were asked.")
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=200, help_text="The council's section that asks for this survey.")
    questions = models.JSONField(help_text="The questions asked: id, text, options, source.")
    bands = models.JSONField(default=list, help_text="The role bands results are broken down by: id, label.")
    opens_on = models.DateField()
    closes_on = models.DateField()
    opened_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True, help_text="Closed early, by hand.")
    closed_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sealed = models.BooleanField(
        default=False, help_text="Closed, and its responses rewritten in a fresh random order."
    )

    class Meta:
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="survey_closes_after_it_opens"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.opens_on:%d %b %Y} to {self.closes_on:%d %b %Y})"

    def status(self, today: date) -> str:
        """'scheduled', 'open' or 'closed' on ``today``."""
        if self.closed_at is not None or today > self.closes_on:
            return "closed"
        if today < self.opens_on:
            return "scheduled"
        return "open"

    @property
    def last_day(self) -> date:
        """The last day responses were taken (the day it was closed early, if it was)."""
        if self.closed_at is not None:
            return min(self.closes_on, self.closed_at.date())
        return self.closes_on


class SurveyResponse(models.Model):
    """One anonymous set of answers. Deliberately no person and no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    # PROTECT: a team or service that answers were given in stays, so that the groups results
    # are broken down by never change after the survey closes (a change would let a reader
    # compare the figures before and after it).
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    role_band = models.CharField(max_length=32)
    answers = models.JSONField(help_text="Question id -> the option chosen.")

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return "An anonymous survey response"


class SurveyParticipation(models.Model):
    """That ``person`` responded to ``survey``: no time, and no link to the response."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="participations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "person"], name="one_response_per_person")]

    def __str__(self) -> str:
        return f"{self.person} responded to {self.survey}"


class RecordFeedback(models.Model):
    """The supervisee's feedback on the supervision recorded in ``record``; part of the record
    (deleted with it under retention)."""

    record = models.OneToOneField(Record, on_delete=models.CASCADE, related_name="feedback")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(help_text="Question id -> the option chosen or the words given.")
    version = models.PositiveIntegerField(default=1)
    given_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Feedback on {self.record}"
