"""Quality assurance of supervision: audits of a supervisor's supervision files, observations of
their supervision, and their supervision training.

- ``Audit``: draft -> completed -> moderated. The auditor (the supervisor's line manager or
  quality assurance) samples some of the supervisor's current supervisees' files
  (``AuditFile``), answers the council's questions per file (``AuditAnswer``, the questions are
  data: oversight.quality.tools), reaches an outcome and records ``Finding``s with actions.
  A quality-assurance lead moderates: agrees or changes the outcome, and both views are kept.
- ``Observation``: an observation of a supervisor's supervision (Leeds 4.19), with the
  supervisor's response.
- ``TrainingRecord``: supervision training and refreshers (Leeds 4.18: at least every 5 years).

Rows are not deleted from a page once an audit is completed; every change has an audit row.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from oversight.organisations.models import Organisation
from oversight.people.models import Person


class Audit(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETED = "completed", "Completed"
        MODERATED = "moderated", "Moderated"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    supervisor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="quality_audits")
    auditor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="quality_audits_done")
    auditor_standing = models.CharField(
        max_length=32, help_text="Why the auditor may audit: 'line management' or 'qa', when it started."
    )
    tool = models.CharField(max_length=64, help_text="The policy pack whose audit tool is used.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    started_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=32, blank=True, help_text="The auditor's outcome.")
    summary = models.TextField(blank=True, help_text="The auditor's analysis: good practice and development.")
    moderated_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    moderated_on = models.DateField(null=True, blank=True)
    moderated_outcome = models.CharField(max_length=32, blank=True, help_text="The moderator's outcome.")
    moderation_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(auditor=F("supervisor")), name="quality_no_self_audit"),
            models.CheckConstraint(
                condition=Q(state="draft") | (~Q(outcome="") & Q(completed_on__isnull=False)),
                name="quality_completed_audit_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(state="moderated")
                | (~Q(moderated_outcome="") & Q(moderated_by__isnull=False) & Q(moderated_on__isnull=False)),
                name="quality_moderated_audit_has_moderation",
            ),
            models.CheckConstraint(
                condition=Q(moderated_by__isnull=True) | ~Q(moderated_by=F("auditor")),
                name="quality_moderator_is_not_the_auditor",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("started_on")),
                name="quality_completed_after_started",
            ),
            models.UniqueConstraint(
                fields=["auditor", "supervisor"],
                condition=Q(state="draft"),
                name="quality_one_draft_audit_per_auditor_and_supervisor",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "state"])]

    def __str__(self) -> str:
        return f"Audit of {self.supervisor}'s supervision files (#{self.pk})"

    @property
    def agreed_with_auditor(self) -> bool | None:
        """Whether the moderator kept the auditor's outcome; None until moderated."""
        return None if not self.moderated_outcome else self.moderated_outcome == self.outcome


class AuditFile(models.Model):
    """One supervisee's supervision file in the audit's sample. The link to the supervisee is
    lost (their name kept) when the retention schedule deletes a leaver's staff record: the
    audit is about the supervisor, and must not keep a leaver's record beyond its period."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="files")
    supervisee = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    supervisee_name = models.CharField(max_length=200, help_text="The supervisee's name when sampled.")
    added_on = models.DateField()

    class Meta:
        ordering = ["supervisee_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "supervisee"], name="quality_file_sampled_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name}'s file in audit #{self.audit_id}"

    @property
    def name(self) -> str:
        return self.supervisee.name if self.supervisee is not None else self.supervisee_name


class AuditAnswer(models.Model):
    file = models.ForeignKey(AuditFile, on_delete=models.PROTECT, related_name="answers")
    question = models.CharField(max_length=64)
    answer = models.CharField(max_length=32)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["file", "question"], name="quality_one_answer_per_question")]

    def __str__(self) -> str:
        return f"{self.question}: {self.answer}"


class Finding(models.Model):
    """What the audit found, and the action it asks for: who, by when, tracked to done."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="findings")
    text = models.TextField()
    action = models.TextField()
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="quality_actions")
    due = models.DateField()
    added_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    added_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    done_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(due__gte=F("added_on")), name="quality_finding_due_after_added"),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(done_by__isnull=False), name="quality_finding_done_by_someone"
            ),
        ]

    def __str__(self) -> str:
        return f"Finding #{self.pk} of audit #{self.audit_id}"


class Observation(models.Model):
    """An observation of a supervisor's supervision (Leeds 4.19: by their Line Manager, at
    least annually), with what it covered, strengths and areas to develop."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    supervisor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="quality_observations")
    observer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="quality_observations_done")
    observer_standing = models.CharField(max_length=32)
    session = models.ForeignKey(  # lost, not kept, when retention deletes the supervisee's file
        "supervision_sessions.Session", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    observed_on = models.DateField()
    elements = models.JSONField(default=list, help_text="What the observation covered (the council's elements).")
    strengths = models.TextField()
    areas_to_develop = models.TextField()
    recorded_on = models.DateField()
    response = models.TextField(blank=True, help_text="The supervisor's response.")
    responded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-observed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(observer=F("supervisor")), name="quality_no_self_observation"),
            models.CheckConstraint(
                condition=Q(recorded_on__gte=F("observed_on")), name="quality_observation_recorded_after"
            ),
        ]

    def __str__(self) -> str:
        return f"Observation of {self.supervisor}'s supervision on {self.observed_on:%d %b %Y}"


class TrainingRecord(models.Model):
    """Supervision training a supervisor completed (Leeds 4.18)."""

    class Kind(models.TextChoices):
        INITIAL = "initial", "Supervision training"
        REFRESHER = "refresher", "Refresher"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="supervision_training")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    course = models.CharField(max_length=200)
    provider = models.CharField(max_length=200)
    completed_on = models.DateField()
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField()

    class Meta:
        ordering = ["-completed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(course=""), name="quality_training_names_a_course"),
            models.CheckConstraint(
                condition=Q(recorded_on__gte=F("completed_on")), name="quality_training_recorded_after"
            ),
        ]
        indexes = [models.Index(fields=["person", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.course} ({self.completed_on:%d %b %Y})"
