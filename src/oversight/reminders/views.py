"""A person's own notifications, reminder preferences and calendar feed; and the feed itself.

Every page here is the signed-in person's own: there is no way to name someone else's, and
a notification of someone else's is a 404 like one that does not exist. The feed URL needs no
sign-in (calendar programs cannot sign in): its secret token is the key, and an unknown or
revoked token is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from oversight.errors import ServiceError
from oversight.forms import apply_service_error, posted
from oversight.people.models import Person
from oversight.people.views import current_person
from oversight.sessions.models import Session

from .calendars import feed_ics, feed_window
from .forms import PreferenceForm
from .models import CalendarFeed, Channel, Notification, Preference, SessionInvitation, Topic
from .preferences import DEFAULT_CHANNELS, default_ahead_days
from .selectors import reminders_due
from .services import (
    calendar_feed_renew,
    calendar_feed_revoke,
    notification_mark_read,
    notifications_mark_all_read,
    preference_save,
)

PER_PAGE = 50


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """My notifications, newest first; POST marks them all read."""
    me = current_person(request)
    if request.method == "POST":
        count = notifications_mark_all_read(by=me)
        messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read")
        return redirect("reminders:notifications")
    page = Paginator(Notification.objects.filter(recipient=me), PER_PAGE).get_page(request.GET.get("page"))
    unread = Notification.objects.filter(recipient=me, read__isnull=True).count()
    return render(request, "reminders/notifications.html", {"me": me, "page": page, "unread": unread})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of my notifications read, then go where it points (``open``) or back to the list."""
    me = current_person(request)
    notification = Notification.objects.filter(pk=pk, recipient=me).first()
    if notification is None:
        raise Http404("No such notification")
    notification_mark_read(notification=notification, by=me)
    link = notification.link
    if "open" in request.POST and link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("reminders:notifications")


def _defaults_text(me: Person) -> str:
    days = default_ahead_days(me.organisation.pack)
    sessions, records = days[Topic.SESSIONS.value], days[Topic.RECORDS.value]
    return (
        f"Leave blank for your council's defaults: {sessions} day{'s' if sessions != 1 else ''} before a session "
        f"is due, {records} day{'s' if records != 1 else ''} before a record is."
    )


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """My reminder preferences."""
    me = current_person(request)
    saved = Preference.objects.filter(person=me).first()
    initial = {
        "topics": [t for t in Topic.values if saved is None or t not in saved.muted],
        "ahead_days": saved.ahead_days if saved else None,
        "channels": (saved.channels if saved and saved.channels else list(DEFAULT_CHANNELS)),
    }
    form = PreferenceForm(posted(request), initial=initial, defaults_text=_defaults_text(me))
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["topics"])
        try:
            preference_save(
                person=me,
                by=me,
                muted=[t for t in Topic.values if t not in chosen],
                ahead_days=form.cleaned_data["ahead_days"],
                channels=form.cleaned_data["channels"],
            )
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            messages.success(request, "Your reminder preferences are saved")
            return redirect("reminders:preferences")
    has_email = bool(getattr(request.user, "email", ""))
    return render(
        request,
        "reminders/preferences.html",
        {"me": me, "form": form, "has_email": has_email, "email_channel": Channel.EMAIL.value},
    )


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """My calendar feed's address: see it, copy it, or revoke it and get a new one."""
    me = current_person(request)
    if request.method == "POST":
        step = request.POST.get("step")
        if step == "renew":
            calendar_feed_renew(person=me, by=me)
            messages.success(request, "Your calendar has a new address. The old one no longer works.")
        elif step == "revoke":
            calendar_feed_revoke(person=me, by=me)
            messages.success(request, "Your calendar address is turned off. Calendars using it get nothing more.")
        else:
            messages.error(request, "Choose whether to get a new address or turn it off")
        return redirect("reminders:calendar")
    feed = CalendarFeed.objects.filter(person=me, revoked__isnull=True).first()
    url = request.build_absolute_uri(reverse("reminders:feed", args=[feed.token])) if feed else ""
    return render(request, "reminders/calendar.html", {"me": me, "feed": feed, "feed_url": url})


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The calendar (ICS) of the person whose live token this is; 404 for any other token."""
    live = CalendarFeed.objects.select_related("person__organisation").filter(token=token, revoked__isnull=True)
    found = live.first()
    if found is None or (found.person.left is not None and found.person.left < timezone.localdate()):
        raise Http404("No such calendar")
    person = found.person
    today = timezone.localdate()
    start, end = feed_window(today)
    sessions = (
        Session.objects.filter(
            Q(supervisor=person) | Q(supervisee=person) | Q(attendees=person) | Q(observer=person),
            organisation=person.organisation,
            date__range=(start, end),
        )
        .exclude(status=Session.Status.CANCELLED)
        .select_related("organisation", "supervisor__user", "supervisee__user", "observer__user")
        .prefetch_related("attendees__user")
        .distinct()
        .order_by("date", "pk")
    )
    sequences = dict(
        SessionInvitation.objects.filter(session__in=[s.pk for s in sessions]).values_list("session_id", "sequence")
    )
    deadlines = [r for r in reminders_due(person.organisation, today, ahead_days=366) if r.recipient.pk == person.pk]
    response = HttpResponse(
        feed_ics(person, sessions, sequences, deadlines), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="oversight.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
