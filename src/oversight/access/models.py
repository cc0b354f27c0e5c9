"""Who may read supervision files beyond the supervisory relationship, and on what record.

- ``StaffCapability``: a standing role held by a member of staff: quality assurance within one
  service (Bristol 5.10, Leeds 4.16 and 4.19), HR (leavers' files and retention, Leeds 4.15),
  or senior manager (creates grants and child-protection overrides). Granted and revoked, never
  edited, each with an audit row.
- ``Grant``: a time-boxed read for someone outside the relationship: an inspector (Ofsted,
  Leeds 4.16) over one service, or an investigating officer over one named person. Created by a
  senior manager with a reason; stops working by itself at ``expires``.
- ``ConfidentialConsent`` and ``ChildProtectionOverride``: what lets anyone but the supervisee
  and the supervisor read a confidential section (Lambeth App. A check-in; Blackpool 8's
  separate personal record).

Rows here are never deleted: revoking or withdrawing stamps a time, so the trail of who could
read what, and when, stays whole.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from oversight.organisations.models import Organisation
from oversight.people.models import Person, Service


class StaffCapability(models.Model):
    class Capability(models.TextChoices):
        QA = "qa", "Quality assurance"
        HR = "hr", "HR"
        SENIOR_MANAGER = "senior_manager", "Senior manager"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="capabilities")
    capability = models.CharField(max_length=16, choices=Capability.choices)
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Quality assurance reads within this service only.",
    )
    reason = models.TextField()
    granted_by = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty only for the first senior manager, set up from the command line.",
    )
    created = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name_plural = "staff capabilities"
        constraints = [
            models.CheckConstraint(
                condition=~Q(capability="qa") | Q(service__isnull=False), name="qa_capability_names_a_service"
            ),
            models.CheckConstraint(
                condition=Q(capability="qa") | Q(service__isnull=True), name="only_qa_capability_has_a_service"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="capability_has_a_reason"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created")),
                name="capability_revoked_after_created",
            ),
        ]

    def __str__(self) -> str:
        scope = f" in {self.service}" if self.service_id else ""
        return f"{self.get_capability_display()}{scope} (capability #{self.pk})"

    def live(self, at: datetime) -> bool:
        return self.created <= at and (self.revoked_at is None or self.revoked_at > at)


class Grant(models.Model):
    """A read-only grant to someone outside the supervisory relationship.

    The holder is always a Django user: an inspector has no staff record, and an investigating
    officer who is on the staff signs in with their own user too (``grant_create`` takes a
    Person and uses theirs). One holder column keeps the policy's question "what does this
    user hold" to one query.
    """

    class Kind(models.TextChoices):
        INSPECTOR = "inspector", "Inspector"
        INVESTIGATOR = "investigator", "Investigating officer"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_grants")
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="Inspector: the scope."
    )
    subject = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Investigating officer: the one person whose file may be read.",
    )
    reason = models.TextField()
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField()
    starts = models.DateTimeField()
    expires = models.DateTimeField(help_text="The grant stops working by itself at this time.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoke_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="inspector") & Q(service__isnull=False) & Q(subject__isnull=True))
                | (Q(kind="investigator") & Q(subject__isnull=False) & Q(service__isnull=True)),
                name="grant_scope_matches_kind",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="grant_has_a_reason"),
            models.CheckConstraint(condition=Q(expires__gt=F("starts")), name="grant_expires_after_it_starts"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created")),
                name="grant_revoked_after_created",
            ),
        ]
        indexes = [models.Index(fields=["holder", "expires"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} grant #{self.pk}"

    @property
    def scope_label(self) -> str:
        return f"{self.service} (service)" if self.service_id else f"{self.subject} (one person)"

    def live(self, at: datetime) -> bool:
        return self.starts <= at < self.expires and (self.revoked_at is None or self.revoked_at > at)

    def status(self, at: datetime) -> str:
        if self.revoked_at is not None and self.revoked_at <= at:
            return "revoked"
        if at >= self.expires:
            return "expired"
        if at < self.starts:
            return "not started"
        return "live"


class ConfidentialConsent(models.Model):
    """The supervisee's recorded consent to others reading their confidential sections: of one
    record, or (``record`` empty) of every record and agreement in their file."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="confidential_consents")
    record = models.ForeignKey(
        "records.Record", null=True, blank=True, on_delete=models.PROTECT, related_name="confidential_consents"
    )
    note = models.TextField(blank=True)
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=F("given_at")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent to confidential content #{self.pk}"


class ChildProtectionOverride(models.Model):
    """A senior manager's recorded decision that a child-protection concern lifts the
    confidentiality of one record (Blackpool 8: "unless there is a child protection concern")."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey("records.Record", on_delete=models.PROTECT, related_name="child_protection_overrides")
    by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created = models.DateTimeField()

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="override_has_a_reason")]

    def __str__(self) -> str:
        return f"Child-protection override #{self.pk}"
