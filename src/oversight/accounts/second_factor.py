"""Who needs a second factor, and the authenticator-app (TOTP) device that gives it.

``second_factor_required`` is the one place that decides; the middleware, the views and the
tests ask it. The enrolment and verification functions change a device's state and say
whether the code was right; django-otp throttles wrong codes on the device itself.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.people.models import Person

# Roles that manage people: they see and sign off other people's supervision.
MANAGER_ROLES = frozenset({"team_manager", "service_manager", "head_of_service"})
# Senior roles in the packs' extra roles whose ids say neither "manager" nor "director".
SENIOR_ROLES = frozenset({"chief_officer", "area_lead"})
DEVICE_NAME = "Authenticator app"


def second_factor_required(user: Any) -> bool:
    """True for administrators (Django staff or superusers) and for people in a manager role:
    the common manager roles, the senior roles above, and any pack's extra role whose id
    contains "manager" or "director" (deputy_team_manager, assistant_director ...).

    Quality assurance and HR roles join here when people can hold them."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    try:
        role = user.person.role
    except Person.DoesNotExist:
        return False
    return role in MANAGER_ROLES or role in SENIOR_ROLES or "manager" in role or "director" in role


def is_verified(user: Any) -> bool:
    """Whether the user gave a second factor in this session: django-otp's OTPMiddleware gives
    ``request.user`` its ``is_verified()`` (which Django's User, and so its stubs, lack)."""
    return user.is_verified()


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user: Any) -> TOTPDevice:
    """The user's device waiting to be confirmed, made on first asking (the secret stays the
    same if the setup page is reloaded, so a scanned code keeps working)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def device_secret(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32, in groups of four."""
    text = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def device_qr_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth:// address as an SVG QR code, made here: no script, no style."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10)
    svg = image.to_string(encoding="unicode")
    assert svg.startswith("<svg ")
    # The SVG is ours (qrcode's paths from our own address), so it is safe to put in the page.
    return format_html(
        '<svg role="img" aria-label="{}" focusable="false" {}',
        "QR code for your authenticator app",
        mark_safe(svg[len("<svg ") :]),  # noqa: S308
    )


def device_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """Confirm an enrolment device with a code from the app; on success the device is the
    user's one confirmed device and this session is verified with it."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=request.user, confirmed=False).first()
        if locked is None or confirmed_device(request.user) is not None:
            return False
        if not locked.verify_token(code):
            return False
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
    otp_login(request, locked)
    return True


def device_verify(*, request: HttpRequest, code: str) -> bool:
    """Check a code against the user's confirmed device; on success this session is verified."""
    device = confirmed_device(request.user)
    if device is None or not device.verify_token(code):
        return False
    otp_login(request, device)
    return True


def device_throttled(device: TOTPDevice) -> bool:
    """True while django-otp refuses codes for this device after too many wrong ones."""
    allowed, _ = device.verify_is_allowed()
    return not allowed
