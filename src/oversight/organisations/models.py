from django.core.exceptions import ValidationError
from django.db import models

from oversight.policy import PolicyPack, shipped_packs


def validate_pack_id(value: str) -> None:
    if value not in shipped_packs():
        raise ValidationError(f"unknown policy pack {value!r}")


class Organisation(models.Model):
    """A local authority. Every record belongs to exactly one; no page shows another's data."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(unique=True)
    policy_pack = models.CharField(max_length=64, validators=[validate_pack_id])
    retention_years_override = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Keep supervision files this many years after a leaver left, instead of the pack's period.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def pack(self) -> PolicyPack:
        return shipped_packs()[self.policy_pack]
