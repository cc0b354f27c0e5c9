from __future__ import annotations

from django.db import models

from oversight.people.models import Person


class Record(models.Model):
    """The record of a held session, on the council's template.

    draft -> shared -> agreed | disputed -> final. A final record never changes;
    a correction is an addendum.
    """

    class Status(models.TextChoices):
        DRAFT = "draft"
        SHARED = "shared"
        AGREED = "agreed"
        DISPUTED = "disputed"
        FINAL = "final"

    session = models.OneToOneField("supervision_sessions.Session", on_delete=models.PROTECT, related_name="record")
    template_id = models.CharField(max_length=100)
    content = models.JSONField(default=dict, help_text="Section id -> the supervisor's text.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every save, to catch concurrent edits.")
    shared_on = models.DateField(null=True, blank=True)
    agreed_on = models.DateField(null=True, blank=True)
    deemed_agreed = models.BooleanField(default=False, help_text="Agreed by silence when the pack's time ran out.")
    supervisee_view = models.TextField(blank=True, help_text="The supervisee's own words where they disagree.")
    disputed_on = models.DateField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalations",
        help_text="The manager a disagreement went to (the next one up the chain).",
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_outcome = models.TextField(blank=True)
    escalation_resolved_at = models.DateTimeField(null=True, blank=True)
    # 4x4x4 coverage (Leeds 3.4, Blackpool 3, Bristol 4.1): what the session served and reached,
    # tagged by the supervisor (records.services.record_tag_coverage). Lists of ids from
    # oversight.policy.reflective (FUNCTION_IDS, STAGE_IDS) and the pack's own ``areas``.
    functions = models.JSONField(default=list, blank=True, help_text="Morrison's functions the session served.")
    stages = models.JSONField(default=list, blank=True, help_text="Stages of the Kolb cycle the session reached.")
    areas = models.JSONField(default=list, blank=True, help_text="The council's own areas the session covered.")
    coverage_tagged_at = models.DateTimeField(null=True, blank=True, help_text="None until first tagged.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Pages and the daily job look for the few records still open (shared, draft) among
        # hundreds of thousands agreed or final.
        indexes = [models.Index(fields=["status"], name="records_record_status")]

    def __str__(self) -> str:
        return f"Record of {self.session}"


class Action(models.Model):
    """An action agreed in supervision: what, who, by when. Carried to the next
    session's agenda until done."""

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="actions")
    text = models.TextField()
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="actions")
    due = models.DateField()
    review_date = models.DateField(null=True, blank=True)
    works_when = models.TextField(blank=True, help_text="Lambeth: 'I will know this works when ...'")
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due", "pk"]


class Addendum(models.Model):
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
