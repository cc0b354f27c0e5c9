"""State changes of reminders: sending them (once), notifications read, preferences saved,
calendar feeds renewed or revoked, and the daily job that runs them all.

Sending is safe with two schedulers at once and across restarts: each reminder is claimed by
inserting its ``ReminderSent`` row (unique per recipient, obligation and due date, stage and
channel) before it goes; the loser of the insert skips. Nothing is keyed on the day of the run,
so a day missed is made up by the next run: what is then due or overdue is sent then.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from oversight.audit.services import audit_event
from oversight.errors import ServiceError
from oversight.organisations.models import Organisation
from oversight.people.models import Person
from oversight.supervision.models import Relationship

from .channels import Email, email_configured, send_email
from .models import CalendarFeed, Channel, DailyRun, Notification, Preference, ReminderSent, Stage, Topic
from .preferences import MAX_AHEAD_DAYS, Choices, choices_for, default_ahead_days
from .selectors import BEFORE_DUE, ESCALATED, NEEDS_COVER, OVERDUE, Reminder, long_date, reminders_due

logger = logging.getLogger(__name__)

STAGE_OF_REASON = {
    BEFORE_DUE: Stage.BEFORE_DUE,
    OVERDUE: Stage.OVERDUE,
    ESCALATED: Stage.ESCALATED,
    NEEDS_COVER: Stage.NEEDS_COVER,
}
SUBJECTS = {
    Stage.BEFORE_DUE: "Supervision reminder: due soon",
    Stage.OVERDUE: "Supervision reminder: overdue",
    Stage.ESCALATED: "Overdue in your service: your supervisors' work",
    Stage.NEEDS_COVER: "A supervisor is absent: supervision needs cover",
    Stage.DIGEST: "Your weekly supervision digest",
}
STALE_CLAIM = timedelta(hours=1)  # an email claim not confirmed by then is taken over (its run died)
DEFAULT_ESCALATE_AFTER_DAYS = 14


@dataclass
class Sent:
    """What one run did: reminders sent by stage and channel, and those already sent before."""

    by_channel: Counter[str] = field(default_factory=Counter)
    by_stage: Counter[str] = field(default_factory=Counter)
    already: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_channel.values())

    def as_dict(self) -> dict[str, int | dict[str, int]]:
        return {
            "sent": self.total,
            "by_channel": dict(self.by_channel),
            "by_stage": dict(self.by_stage),
            "already": self.already,
            "failed": self.failed,
        }


@dataclass(frozen=True)
class Message:
    """One thing to tell one person, on every channel they chose."""

    recipient: Person
    key: str
    due: date
    stage: str
    text: str
    why: str
    link: str
    personalisation: dict[str, str]
    email: str = ""  # the recipient's address, if they have one


def _absolute(path: str) -> str:
    return f"{settings.OVERSIGHT_SITE_URL}{path}"


def _link_for(reminder: Reminder) -> str:
    if isinstance(reminder.about, Person):
        return reverse("people:file", args=[reminder.about.pk])
    return reverse("home")


def _message(reminder: Reminder, email: str) -> Message:
    stage = STAGE_OF_REASON[reminder.reason]
    link = _link_for(reminder)
    return Message(
        recipient=reminder.recipient,
        key=reminder.obligation_id,
        due=reminder.due,
        stage=stage.value,
        text=reminder.what,
        why=reminder.why,
        link=link,
        email=email,
        personalisation={
            "name": reminder.recipient.name,
            "what": reminder.what,
            "why": reminder.why,
            "due": long_date(reminder.due),
            "link": _absolute(link),
            "preferences_link": _absolute(reverse("reminders:preferences")),
        },
    )


def _claim(message: Message, channel: str, today: date, *, sent: bool) -> ReminderSent | None:
    """Insert the claim; None when another run has it (sent, or being sent within the hour)."""
    now = timezone.now()
    key = {
        "recipient": message.recipient,
        "obligation_key": message.key,
        "due": message.due,
        "stage": message.stage,
        "channel": channel,
    }
    try:
        with transaction.atomic():
            return ReminderSent.objects.create(**key, claimed_on=today, claimed_at=now, sent_at=now if sent else None)
    except IntegrityError:
        pass
    # Taken. A claim that was never confirmed and is older than STALE_CLAIM belongs to a run
    # that died between claiming and sending: take it over (the conditional update lets one
    # run only win it).
    taken = ReminderSent.objects.filter(**key, sent_at__isnull=True, claimed_at__lt=now - STALE_CLAIM).update(
        claimed_at=now, claimed_on=today
    )
    return ReminderSent.objects.get(**key) if taken == 1 else None


def _deliver_in_app(message: Message, today: date) -> bool:
    with transaction.atomic():  # the claim and the notification commit together
        if _claim(message, Channel.IN_APP, today, sent=True) is None:
            return False
        Notification.objects.create(
            recipient=message.recipient,
            text=message.text,
            why=message.why[:300],
            link=message.link,
            obligation_key=message.key,
        )
    return True


def _email_of(message: Message) -> Email:
    p = message.personalisation
    lines = [f"Dear {message.recipient.name},", "", message.text + "."]
    if message.why:
        lines += ["", f"Why: {message.why}"]
    lines += ["", f"Open Oversight: {p['link']}", "", f"Choose which reminders you get: {p['preferences_link']}"]
    return Email(
        to=message.email,
        subject=SUBJECTS[Stage(message.stage)],
        body="\n".join(lines),
        template=message.stage,
        personalisation=p,
        reference=f"{message.stage}:{message.key}:{message.due:%Y%m%d}:p{message.recipient.pk}",
    )


def _deliver_email(message: Message, today: date, sent: Sent) -> bool:
    if not message.email or not email_configured():
        return False
    claim = _claim(message, Channel.EMAIL, today, sent=False)
    if claim is None:
        return False
    try:
        send_email(_email_of(message))
    except Exception:  # any backend failure: release the claim so the next run tries again
        logger.exception("reminder email to person %s failed", message.recipient.pk)
        ReminderSent.objects.filter(pk=claim.pk, sent_at__isnull=True).delete()
        sent.failed += 1
        return False
    ReminderSent.objects.filter(pk=claim.pk).update(sent_at=timezone.now())
    return True


def _deliver(message: Message, choices: Choices, today: date, sent: Sent) -> None:
    delivered = False
    for channel in choices.channels:
        ok = _deliver_in_app(message, today) if channel == Channel.IN_APP else _deliver_email(message, today, sent)
        if ok:
            sent.by_channel[channel] += 1
            delivered = True
    if delivered:
        sent.by_stage[message.stage] += 1
    else:
        sent.already += 1


def _managed_by(organisation: Organisation, today: date) -> dict[int, set[int]]:
    """Manager pk -> the people they line-manage or supervise today."""
    team: dict[int, set[int]] = defaultdict(set)
    for pk, manager in Person.objects.filter(organisation=organisation, line_manager__isnull=False).values_list(
        "pk", "line_manager_id"
    ):
        team[manager].add(pk)
    current = Relationship.objects.filter(organisation=organisation, start__lte=today).exclude(end__lt=today)
    for supervisor, supervisee in current.values_list("supervisor_id", "supervisee_id"):
        team[supervisor].add(supervisee)
    return team


def _digests(
    organisation: Organisation, today: date, reminders: list[Reminder], emails: dict[int, str]
) -> list[Message]:
    """Each manager's weekly digest of what is overdue among their people (none when nothing is):
    sent by the first run in each ISO week that has something to report."""
    monday = today - timedelta(days=today.weekday())
    year, week, _ = today.isocalendar()
    people = {p.pk: p for p in Person.objects.filter(organisation=organisation)}
    out = []
    for manager_pk, team in sorted(_managed_by(organisation, today).items()):
        manager = people.get(manager_pk)
        if manager is None or (manager.left is not None and manager.left < today):
            continue
        items: dict[str, Reminder] = {}
        for r in reminders:
            if r.reason in (OVERDUE, NEEDS_COVER) and r.recipient.pk in team:
                items.setdefault(r.obligation_id, r)
        if not items:
            continue
        lines = [f"- {r.what}" for r in sorted(items.values(), key=lambda r: (r.due, r.obligation_id))]
        count = len(lines)
        text = f"Weekly digest: {count} thing{'s' if count != 1 else ''} overdue among the people you manage"
        out.append(
            Message(
                recipient=manager,
                key=f"digest:{year}-W{week:02d}",
                due=monday,
                stage=Stage.DIGEST.value,
                text=text + ":\n" + "\n".join(lines),
                why="",
                link=reverse("home"),
                email=emails.get(manager.pk, ""),
                personalisation={
                    "name": manager.name,
                    "count": str(count),
                    "items": "\n".join(lines),
                    "week": long_date(monday),
                    "link": _absolute(reverse("home")),
                    "preferences_link": _absolute(reverse("reminders:preferences")),
                },
            )
        )
    return out


def reminders_send(
    *, organisation: Organisation, today: date, escalate_after_days: int = DEFAULT_ESCALATE_AFTER_DAYS
) -> Sent:
    """Send every reminder due today that has not been sent, on each person's channels, and the
    managers' weekly digests; one audit event for the run when anything went."""
    reminders = reminders_due(organisation, today, ahead_days=MAX_AHEAD_DAYS, escalate_after_days=escalate_after_days)
    emails = {
        pk: email or ""
        for pk, email in Person.objects.filter(organisation=organisation, user__isnull=False).values_list(
            "pk", "user__email"
        )
    }
    digests = _digests(organisation, today, reminders, emails)
    recipients = {r.recipient.pk: r.recipient for r in reminders} | {m.recipient.pk: m.recipient for m in digests}
    choices = choices_for(recipients.values())
    defaults = default_ahead_days(organisation.pack)
    sent = Sent()
    for reminder in reminders:
        person_choices = choices[reminder.recipient.pk]
        if person_choices.wants(reminder, today, defaults):
            _deliver(_message(reminder, emails.get(reminder.recipient.pk, "")), person_choices, today, sent)
    for digest in digests:
        person_choices = choices[digest.recipient.pk]
        if Topic.DIGEST.value not in person_choices.muted:
            _deliver(digest, person_choices, today, sent)
    if sent.total:
        audit_event(
            actor=None,
            action="reminders.send",
            obj=organisation,
            organisation_id=organisation.pk,
            detail={"day": today.isoformat(), **sent.as_dict()},
        )
    return sent


def daily_job(*, today: date, organisations: Iterable[Organisation] | None = None) -> dict[str, object]:
    """The daily run, per organisation: agreement by silence, the obligation store's refresh, the
    reminders, then deleting import files past their keeping time; after a run over every
    organisation, the audit trail's head is logged and kept (``anchor_daily``). Returns a summary
    per organisation slug (and ``audit_head``)."""
    from oversight.compliance.store import refresh_organisation
    from oversight.imports.services import uploads_purge
    from oversight.records.services import apply_deemed_agreements

    summary: dict[str, object] = {}
    for organisation in organisations if organisations is not None else Organisation.objects.order_by("name"):
        deemed = apply_deemed_agreements(organisation_id=organisation.pk, today=today)
        stored = refresh_organisation(organisation, today)
        sent = reminders_send(organisation=organisation, today=today)
        purged = uploads_purge(organisation=organisation)
        summary[organisation.slug] = {
            "deemed_agreed": deemed,
            "obligations": stored,
            **sent.as_dict(),
            "import_files_deleted": purged,
        }
    if organisations is None:  # the whole run: keep the audit trail's head outside the database too
        from oversight.audit.services import anchor_daily

        summary["audit_head"] = anchor_daily(timezone.now())
    return summary


def daily_run_claim(*, day: date) -> DailyRun | None:
    """Take ``day`` for the scheduled job; None when another job already took it."""
    try:
        with transaction.atomic():
            return DailyRun.objects.create(day=day, started_at=timezone.now())
    except IntegrityError:
        return None


def daily_run_finish(*, run: DailyRun, summary: dict[str, object]) -> None:
    DailyRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), summary=summary)


# --- notifications, preferences and calendar feeds: a person's own -----------------------------


def notification_mark_read(*, notification: Notification, by: Person) -> bool:
    """Mark one of ``by``'s notifications read; False if it already was."""
    if notification.recipient_id != by.pk:
        raise ServiceError("__all__", "This is not your notification")
    with transaction.atomic():
        changed = Notification.objects.filter(pk=notification.pk, read__isnull=True).update(read=timezone.now())
        if changed:
            audit_event(actor=by, action="notification.read", obj=notification, organisation_id=by.organisation_id)
    return bool(changed)


def notifications_mark_all_read(*, by: Person) -> int:
    with transaction.atomic():
        changed = Notification.objects.filter(recipient=by, read__isnull=True).update(read=timezone.now())
        if changed:
            audit_event(
                actor=by,
                action="notification.read_all",
                obj=by,
                organisation_id=by.organisation_id,
                detail={"count": changed},
            )
    return changed


def preference_save(
    *, person: Person, by: Person, muted: Iterable[str], ahead_days: int | None, channels: Iterable[str]
) -> Preference:
    """Save ``person``'s reminder choices (only their own)."""
    if by.pk != person.pk:
        raise ServiceError("__all__", "You can only change your own reminders")
    muted, channels = sorted(set(muted)), [c for c in Channel.values if c in set(channels)]
    if unknown := [m for m in muted if m not in Topic.values]:
        raise ServiceError("muted", f"Unknown kind of reminder: {unknown[0]}")
    if not channels:
        raise ServiceError("channels", "Choose at least one way to be told")
    if ahead_days is not None and not 0 <= ahead_days <= MAX_AHEAD_DAYS:
        raise ServiceError("ahead_days", f"Days ahead must be a whole number from 0 to {MAX_AHEAD_DAYS}")
    with transaction.atomic():
        preference, _ = Preference.objects.select_for_update().get_or_create(person=person)
        preference.muted, preference.ahead_days, preference.channels = muted, ahead_days, channels
        preference.save()
        audit_event(
            actor=by,
            action="reminders.preferences",
            obj=preference,
            organisation_id=person.organisation_id,
            detail={"muted": muted, "ahead_days": ahead_days, "channels": channels},
        )
    return preference


def calendar_feed_renew(*, person: Person, by: Person) -> CalendarFeed:
    """Revoke ``person``'s live feed address, if any, and give them a new one."""
    if by.pk != person.pk:
        raise ServiceError("__all__", "You can only change your own calendar address")
    with transaction.atomic():
        now = timezone.now()
        CalendarFeed.objects.select_for_update().filter(person=person, revoked__isnull=True).update(revoked=now)
        feed = CalendarFeed.objects.create(person=person)
        audit_event(actor=by, action="calendar_feed.renew", obj=feed, organisation_id=person.organisation_id)
    return feed


def calendar_feed_revoke(*, person: Person, by: Person) -> int:
    """Revoke ``person``'s feed address: calendars using it get nothing more."""
    if by.pk != person.pk:
        raise ServiceError("__all__", "You can only change your own calendar address")
    with transaction.atomic():
        live = list(CalendarFeed.objects.select_for_update().filter(person=person, revoked__isnull=True))
        for feed in live:
            CalendarFeed.objects.filter(pk=feed.pk).update(revoked=timezone.now())
            audit_event(actor=by, action="calendar_feed.revoke", obj=feed, organisation_id=person.organisation_id)
    return len(live)
