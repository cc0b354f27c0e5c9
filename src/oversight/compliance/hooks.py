"""Keeping the obligation store current as events are recorded.

Every model the engine reads sends ``post_save``/``post_delete`` (and the group
attendees ``m2m_changed``); the receivers here (connected in ``apps.py``) note what
changed, without a query, in one ``_Pending`` per transaction, registered with
``transaction.on_commit``. When the transaction commits, the notes are resolved to the
people whose obligations may have changed and ``store.refresh_people`` runs once per
organisation. This is the one hook point: the services need not call it, except those of
apps whose models are not watched here (the file events of
``oversight.compliance.providers``), which say whose data changed with ``touch_people``.

Only a store that is current (refreshed in full as of today) is kept current this way;
any other is recomputed in full by the next reader (``store.ensure_current``), which
also flushes, inside its own transaction, what the transaction has not yet committed.
``OVERSIGHT_OBLIGATION_HOOKS = False`` turns the receivers off (on by default).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils import timezone

# A note: (what, key) -> e.g. ("people", 12), ("session", 5), ("child", 3).
Note = tuple[str, int]


class _Pending:
    """What one transaction changed; refreshed once when it commits."""

    def __init__(self, using: str) -> None:
        self.__qualname__ = "oversight.compliance.hooks._Pending"  # Django names a failed robust callback by it
        self.using = using
        self.notes: set[Note] = set()
        self.ran = False

    def __call__(self) -> None:
        """On commit: refresh, and take no more notes (a later transaction has its own)."""
        self.ran = True
        self.refresh()

    def refresh(self, skip: frozenset[int] = frozenset()) -> None:
        notes, self.notes = self.notes, set()
        refresh_for(notes, using=self.using, skip=skip)


def _pending(using: str) -> _Pending | None:
    """This transaction's ``_Pending``, if one is registered (gone if it rolled back)."""
    connection = connections[using]
    if not connection.in_atomic_block:
        return None
    callbacks = connection.run_on_commit
    # Django replaces the list on commit and rollback: while it is the same list, the
    # _Pending found in it last time is still there (saves a scan per save).
    cached = getattr(connection, "_obligations_pending", None)
    if cached is not None and cached[0] is callbacks and not cached[1].ran:
        return cached[1]
    # (savepoint ids, callback, robust) since Django 4.2; django-stubs still has a pair.
    for _savepoints, callback, _robust in callbacks:  # type: ignore[misc]
        if isinstance(callback, _Pending) and not callback.ran:
            connection._obligations_pending = (callbacks, callback)  # type: ignore[attr-defined]
            return callback
    return None


def note(notes: Iterable[Note], using: str = DEFAULT_DB_ALIAS) -> None:
    """Remember that these things changed; refresh who they concern when the transaction commits."""
    if not getattr(settings, "OVERSIGHT_OBLIGATION_HOOKS", True):
        return
    pending = _pending(using)
    if pending is not None:
        pending.notes.update(notes)
        return
    pending = _Pending(using)
    pending.notes.update(notes)
    # robust: the change has committed; a failed refresh is logged, and the next full one mends it
    transaction.on_commit(pending, using=using, robust=True)  # runs now outside a transaction


def touch_people(person_ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
    """Say that these people's own data changed outside the models watched here (their file
    events: training, observation of their supervision, file audits, self-care plans and
    reviews, objectives set): their obligations are refreshed when the transaction commits
    (at once outside one). For the apps behind ``oversight.compliance.providers``; call it in
    the same transaction as the change."""
    note([("people", pk) for pk in person_ids], using)


def flush_pending(skip: frozenset[int] = frozenset(), using: str = DEFAULT_DB_ALIAS) -> None:
    """Refresh now, inside the open transaction, what it has changed so far, but not in the
    organisations in ``skip`` (just recomputed in full)."""
    pending = _pending(using)
    if pending is not None and pending.notes:
        pending.refresh(skip)


def people_affected(notes: Iterable[Note]) -> set[int]:
    """The people whose obligations the noted changes may alter (see ``store.owner_of``)."""
    from oversight.cases.models import CaseReview, Child
    from oversight.sessions.models import Session
    from oversight.supervision.models import Agreement, Relationship

    from .models import Obligation, SupervisionHeld

    by_what: dict[str, set[int]] = defaultdict(set)
    for what, key in notes:
        by_what[what].add(key)
    people = set(by_what["people"])

    # A person's own change (joining, leaving, role) also moves their supervisors' ratio
    # and their supervisees' absence cover; an absence moves the absent person's supervisees'.
    neighbours = by_what["person"]
    supervising = by_what["person"] | by_what["absent"]
    people |= neighbours | by_what["absent"]
    if neighbours or supervising:
        for supervisor, supervisee in Relationship.objects.filter(
            Q(supervisee_id__in=neighbours) | Q(supervisor_id__in=supervising)
        ).values_list("supervisor_id", "supervisee_id"):
            if supervisee in neighbours:
                people.add(supervisor)
            if supervisor in supervising:
                people.add(supervisee)

    if by_what["agreement"]:
        for supervisor, supervisee in Agreement.objects.filter(pk__in=by_what["agreement"]).values_list(
            "relationship__supervisor_id", "relationship__supervisee_id"
        ):
            people |= {supervisor, supervisee}

    sessions = by_what["session"]
    if sessions:
        for session in Session.objects.filter(pk__in=sessions).only("kind", "supervisor_id", "supervisee_id"):
            people |= _session_owners(session)
        people |= set(
            Session.attendees.through.objects.filter(session_id__in=sessions).values_list("person_id", flat=True)
        )
        people |= set(SupervisionHeld.objects.filter(session_id__in=sessions).values_list("person_id", flat=True))

    children = set(by_what["child"])
    reviews = by_what["case_review"]
    if reviews:
        children |= set(CaseReview.objects.filter(pk__in=reviews).values_list("child_id", flat=True))
    if children:
        people |= set(Child.objects.filter(pk__in=children).values_list("worker_id", flat=True))

    # Whoever owned the stored rows before: a child reallocated, a session moved to another supervisee.
    if sessions or children or reviews:
        people |= set(
            Obligation.objects.filter(
                Q(session_id__in=sessions) | Q(child_id__in=children) | Q(case_review_id__in=reviews)
            ).values_list("owner_id", flat=True)
        )
    people.discard(None)
    return people


def refresh_for(notes: set[Note], using: str = DEFAULT_DB_ALIAS, skip: frozenset[int] = frozenset()) -> None:
    """Refresh the people the notes concern, in each organisation whose store is current."""
    from oversight.organisations.models import Organisation
    from oversight.people.models import Person

    from . import store
    from .models import StoreRefresh

    if not notes:
        return
    today = timezone.localdate()
    stale = {key for what, key in notes if what == "organisation"}
    if stale:  # a new policy pack: everything is recomputed by the next reader
        StoreRefresh.objects.using(using).filter(organisation_id__in=stale).delete()
    current = set(
        StoreRefresh.objects.using(using)
        .filter(as_of=today)
        .exclude(organisation_id__in=skip)
        .values_list("organisation_id", flat=True)
    )
    if not current:
        return
    by_organisation: dict[int, set[int]] = defaultdict(set)
    people = people_affected(notes)
    for person_id, organisation_id in Person.objects.filter(pk__in=people).values_list("pk", "organisation_id"):
        if organisation_id in current:
            by_organisation[organisation_id].add(person_id)
    for organisation in Organisation.objects.filter(pk__in=by_organisation):
        store.refresh_people(organisation, by_organisation[organisation.pk], today)


def _session_owners(session: Any) -> set[int]:
    """Who owns a session's obligations: its supervisee, or its supervisor for a group
    (attendees own their own supervision; the observer owns nothing of it)."""
    owners = {session.supervisee_id} if session.supervisee_id else {session.supervisor_id}
    if session.kind == "group":
        owners.add(session.supervisor_id)
    return owners


# --- receivers -------------------------------------------------------------------


def notes_for(instance: Model) -> list[Note]:
    """What a saved or deleted row of a model the engine reads changes, as notes."""
    from oversight.cases.models import CaseReview, Child
    from oversight.organisations.models import Organisation
    from oversight.people.models import Absence, AsyeReview, HoursWorked, Person
    from oversight.records.models import Record
    from oversight.sessions.models import Session
    from oversight.supervision.models import Agreement, AgreementReview, AgreementSignature, Relationship

    if isinstance(instance, Session):
        return [("session", instance.pk), *(("people", pk) for pk in _session_owners(instance))]
    if isinstance(instance, Record):
        return [("session", instance.session_id)]
    if isinstance(instance, Relationship):
        return [("people", instance.supervisor_id), ("people", instance.supervisee_id)]
    if isinstance(instance, Agreement):
        return [("agreement", instance.pk)]
    if isinstance(instance, AgreementSignature | AgreementReview):
        return [("agreement", instance.agreement_id)]
    if isinstance(instance, Child):
        return [("child", instance.pk), ("people", instance.worker_id)]
    if isinstance(instance, CaseReview):
        return [("case_review", instance.pk), ("child", instance.child_id)]
    if isinstance(instance, Absence):
        return [("absent", instance.person_id)]
    if isinstance(instance, HoursWorked | AsyeReview):
        return [("people", instance.person_id)]
    if isinstance(instance, Person):
        return [("person", instance.pk)]
    if isinstance(instance, Organisation):
        return [("organisation", instance.pk)]
    return []


def _saved(sender: type[Model], instance: Model, raw: bool = False, using: str = DEFAULT_DB_ALIAS, **_: Any) -> None:
    if not raw:
        note(notes_for(instance), using)


def _deleted(sender: type[Model], instance: Model, using: str = DEFAULT_DB_ALIAS, **_: Any) -> None:
    note(notes_for(instance), using)


def _session_deleting(sender: type[Model], instance: Any, using: str = DEFAULT_DB_ALIAS, **_: Any) -> None:
    """Before a session goes: its attendees and held timings go with it, so note them now."""
    if not getattr(settings, "OVERSIGHT_OBLIGATION_HOOKS", True):
        return
    from .models import SupervisionHeld

    attendees = instance.attendees.through.objects.filter(session_id=instance.pk).values_list("person_id", flat=True)
    timed = SupervisionHeld.objects.filter(session_id=instance.pk).values_list("person_id", flat=True)
    note([("people", pk) for pk in {*attendees, *timed}], using)


def _attendees_changed(
    sender: type[Model], instance: Any, action: str, pk_set: set[int] | None, using: str = DEFAULT_DB_ALIAS, **_: Any
) -> None:
    from oversight.sessions.models import Session

    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if isinstance(instance, Session):
        people = set(pk_set or ())
        if action == "pre_clear":
            people |= set(instance.attendees.values_list("pk", flat=True))
        note([("session", instance.pk), *(("people", pk) for pk in people)], using)
    else:  # a person's group sessions changed from the person's side
        note([("people", instance.pk), *(("session", pk) for pk in pk_set or ())], using)


def connect() -> None:
    """Connect the receivers (``ComplianceConfig.ready``)."""
    from oversight.cases.models import CaseReview, Child
    from oversight.organisations.models import Organisation
    from oversight.people.models import Absence, AsyeReview, HoursWorked, Person
    from oversight.records.models import Record
    from oversight.sessions.models import Session
    from oversight.supervision.models import Agreement, AgreementReview, AgreementSignature, Relationship

    watched = (
        Session,
        Record,
        Relationship,
        Agreement,
        AgreementSignature,
        AgreementReview,
        Child,
        CaseReview,
        Absence,
        HoursWorked,
        AsyeReview,
        Person,
        Organisation,
    )
    for model in watched:
        post_save.connect(_saved, sender=model, dispatch_uid=f"obligations-saved-{model._meta.label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"obligations-deleted-{model._meta.label}")
    pre_delete.connect(_session_deleting, sender=Session, dispatch_uid="obligations-session-deleting")
    m2m_changed.connect(
        _attendees_changed, sender=Session.attendees.through, dispatch_uid="obligations-attendees-changed"
    )
