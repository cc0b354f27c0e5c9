"""Getting a message to a person: email through GOV.UK Notify when it is configured, else
through Django's email backend (SMTP from EMAIL_HOST etc.). In-app notifications are rows,
written by ``services``; nothing here touches the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage


@dataclass(frozen=True)
class Email:
    """One email: the words for SMTP, and the template kind and fields for Notify."""

    to: str
    subject: str
    body: str
    template: str  # a key of OVERSIGHT_NOTIFY_TEMPLATES: before_due, overdue, escalated, needs_cover, digest
    personalisation: dict[str, Any] = field(default_factory=dict)
    reference: str = ""


def notify_client() -> Any:
    """The GOV.UK Notify client (imported here so a site without Notify never loads it)."""
    from notifications_python_client.notifications import NotificationsAPIClient

    return NotificationsAPIClient(settings.OVERSIGHT_NOTIFY_API_KEY)


def uses_notify() -> bool:
    return bool(getattr(settings, "OVERSIGHT_NOTIFY_API_KEY", ""))


def email_configured() -> bool:
    """False when email goes nowhere (production without EMAIL_HOST or Notify): then reminders
    are not claimed as emailed, and go by email once it is set up."""
    return uses_notify() or settings.EMAIL_BACKEND != "django.core.mail.backends.dummy.EmailBackend"


def send_email(email: Email) -> None:
    """Send now; raises whatever the backend raises (the caller releases its claim)."""
    if uses_notify():
        notify_client().send_email_notification(
            email_address=email.to,
            template_id=settings.OVERSIGHT_NOTIFY_TEMPLATES[email.template],
            personalisation=email.personalisation,
            reference=email.reference or None,
        )
        return
    EmailMessage(subject=email.subject, body=email.body, to=[email.to]).send(fail_silently=False)


def send_invitation(*, to: list[str], subject: str, body: str, ics: bytes, cancelled: bool) -> None:
    """A calendar invitation with its .ics attached (always Django's email backend: Notify
    cannot attach a calendar file). ``method`` in the content type lets Outlook act on it."""
    method = "CANCEL" if cancelled else "REQUEST"
    message = EmailMessage(subject=subject, body=body, to=to)
    message.attach("invite.ics", ics, f"text/calendar; charset=utf-8; method={method}")
    message.send(fail_silently=False)
