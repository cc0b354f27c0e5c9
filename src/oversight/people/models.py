from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from oversight.organisations.models import Organisation


class Service(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_service_name")]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_team_name")]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A member of staff. The role is one the organisation's policy pack accepts."""

    class Employment(models.TextChoices):
        PERMANENT = "permanent"
        TEMPORARY = "temporary"
        CASUAL = "casual"
        STUDENT = "student"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    staff_id = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=64)
    employment = models.CharField(max_length=16, choices=Employment.choices, default=Employment.PERMANENT)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    line_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="direct_reports"
    )
    started = models.DateField()
    left = models.DateField(null=True, blank=True)
    asye_start = models.DateField(null=True, blank=True)
    weekly_hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "staff_id"], name="unique_staff_id"),
            models.CheckConstraint(
                condition=Q(left__isnull=True) | Q(left__gte=F("started")), name="left_after_started"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def role_label(self) -> str:
        return self.role.replace("_", " ").capitalize()

    def managers_above(self) -> list[Person]:
        """The line-management chain above this person, nearest first (cycles cut)."""
        chain: list[Person] = []
        seen = {self.pk}
        current = self.line_manager
        while current is not None and current.pk not in seen:
            chain.append(current)
            seen.add(current.pk)
            current = current.line_manager
        return chain


class AsyeReview(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="asye_reviews")
    date = models.DateField()

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"ASYE review of {self.person} on {self.date:%d %b %Y}"


class HoursWorked(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="hours_worked")
    date = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=2)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0) & Q(hours__lte=24), name="hours_in_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.hours} hours by {self.person} on {self.date:%d %b %Y}"


class Absence(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="absences")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    planned = models.BooleanField(default=False)

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="absence_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Absence of {self.person} from {self.start:%d %b %Y}"
