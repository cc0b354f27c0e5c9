"""Supervision agreements on the council's template, and a change of supervisor.

Who may open a relationship's agreement: the supervisee, the supervisor while the relationship
lasts, the line-management chain above that supervisor (while they still have a standing on the
supervisee's file), and, for delegated supervision, the supervisee's line manager who signs it off
(Bristol 3.9). Everyone else gets a 404. A previous supervisor loses access when the relationship
ends, as with the file itself (oversight.people.access).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from oversight.access import policy, standings
from oversight.access.reach import Viewer
from oversight.errors import ServiceError
from oversight.forms import apply_service_error, posted
from oversight.people.models import Person
from oversight.people.views import current_person

from . import services
from .forms import AgreementForm, AgreementReviewForm, ChangeSupervisorForm
from .models import Agreement, AgreementSignature, Relationship

PARTY_LABELS: dict[str, str] = {
    AgreementSignature.Party.SUPERVISOR.value: "Supervisor",
    AgreementSignature.Party.SUPERVISEE.value: "Supervisee",
    AgreementSignature.Party.LINE_MANAGER.value: "Line manager (delegated supervision)",
}


def relationship_standing(viewer: Person | Viewer, relationship: Relationship, today: date) -> str | None:
    """Why ``viewer`` may see this relationship's agreements: 'supervisee', 'supervisor' (while
    it lasts), 'line manager' (delegated sign-off), 'line management', or a read-only standing
    from outside the relationship; None for anyone else (oversight.access.policy)."""
    return standings.relationship_standing(Viewer.of(viewer, today), relationship)


def get_relationship_for(viewer: Person | Viewer, pk: int, today: date) -> tuple[Relationship, str]:
    """Fetch-and-check in one call: the relationship and the viewer's standing, or 404."""
    return policy.get_relationship_for(viewer, pk, today)


def get_agreement_for(viewer: Person | Viewer, pk: int, today: date) -> tuple[Agreement, str]:
    """Fetch-and-check in one call: the agreement and the viewer's standing, or 404."""
    return policy.get_agreement_for(viewer, pk, today)


def signing_parties(relationship: Relationship) -> list[str]:
    """Who signs this relationship's agreement: both parties, and the supervisee's line manager
    for delegated supervision where the pack says so."""
    parties = [AgreementSignature.Party.SUPERVISOR.value, AgreementSignature.Party.SUPERVISEE.value]
    if relationship.delegated and relationship.organisation.pack.agreement.line_manager_signs_delegated:
        parties.append(AgreementSignature.Party.LINE_MANAGER.value)
    return parties


def party_of(viewer: Person | None, relationship: Relationship) -> str | None:
    """The party ``viewer`` signs as on this relationship's agreement, or None."""
    if viewer is None:
        return None
    if viewer.pk == relationship.supervisor_id:
        return AgreementSignature.Party.SUPERVISOR.value
    if viewer.pk == relationship.supervisee_id:
        return AgreementSignature.Party.SUPERVISEE.value
    if viewer.pk == relationship.supervisee.line_manager_id and "line_manager" in signing_parties(relationship):
        return AgreementSignature.Party.LINE_MANAGER.value
    return None


def review_due(agreement: Agreement) -> date | None:
    """The next review on the pack's cycle, counted from the later of signing and the last
    review; None until both have signed."""
    signed = agreement.signed_on
    if signed is None:
        return None
    latest = max([signed, *(review.date for review in agreement.reviews.all())])
    return agreement.relationship.organisation.pack.agreement.review_every.add_to(latest)


def first_agreement_due(relationship: Relationship) -> date:
    """When the first agreement is owed: the pack's deadline from the start, else the start itself."""
    rule = relationship.organisation.pack.agreement
    return rule.due_within.add_to(relationship.start) if rule.due_within else relationship.start


@login_required
def agreement_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The supervisor writes the agreement on the council's agreement template."""
    me = current_person(request)
    today = timezone.localdate()
    relationship, standing = get_relationship_for(me, pk, today)
    if standing != "supervisor":
        raise Http404("No such relationship")
    pack = relationship.organisation.pack
    template = pack.template_for("agreement")
    if template is None:
        messages.error(request, f"{pack.council} has no agreement template in its policy pack.")
        return redirect("people:file", pk=relationship.supervisee_id)
    latest = relationship.agreements.prefetch_related("signatures").first()
    if latest is not None and latest.signed_on is None:
        messages.info(request, "This agreement is still waiting for signatures: sign it, or ask the others to.")
        return redirect("supervision:agreement", pk=latest.pk)
    form = AgreementForm(posted(request), template=template, initial=latest.content if latest else None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(relationship=relationship, by=me, content=form.content())
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            messages.success(request, "Agreement written. Sign it, then ask the supervisee to sign it.")
            return redirect("supervision:agreement", pk=agreement.pk)
    return render(
        request,
        "supervision/agreement_new.html",
        {"relationship": relationship, "pack": pack, "template": template, "form": form, "replaces": latest},
    )


def _agreement_context(
    agreement: Agreement, standing: str, me: Person | None, today: date, viewer: Viewer | None = None
) -> dict[str, Any]:
    relationship = agreement.relationship
    pack = relationship.organisation.pack
    template = pack.template(agreement.template_id)
    signatures = {s.party: s for s in agreement.signatures.select_related("person")}
    who = viewer if viewer is not None else Viewer.of(me, today) if me is not None else None
    confidential_ok = who is not None and policy.may(who, "view_confidential", agreement)
    sections = [
        {
            "title": section.title,
            "text": agreement.content.get(section.id, ""),
            "confidential": section.confidential,
            "hidden": section.confidential and not confidential_ok,
        }
        for section in (template.sections if template else [])
        if not section.signature
    ]
    signature_title = next((s.title for s in template.sections if s.signature), "Signatures") if template else ""
    parties = signing_parties(relationship)
    people = {
        "supervisor": relationship.supervisor,
        "supervisee": relationship.supervisee,
        "line_manager": relationship.supervisee.line_manager,
    }
    rows = [
        {"label": PARTY_LABELS[party], "person": people[party], "signature": signatures.get(party)} for party in parties
    ]
    my_party = party_of(me, relationship)
    lasting = relationship.end is None or relationship.end >= today
    current = relationship.agreements.order_by("-created_at", "-pk").first()
    superseded = current is not None and current.pk != agreement.pk
    return {
        "agreement": agreement,
        "relationship": relationship,
        "standing": standing,
        "pack": pack,
        "rule": pack.agreement,
        "template": template,
        "sections": sections,
        "signature_title": signature_title,
        "rows": rows,
        "reviews": agreement.reviews.select_related("by"),
        "review_due": review_due(agreement),
        "my_party": my_party,
        "my_signature": signatures.get(my_party) if my_party else None,
        "can_sign": my_party in parties and my_party not in signatures and lasting and not superseded,
        "can_review": standing in ("supervisor", "supervisee") and agreement.signed_on is not None and not superseded,
        "superseded": superseded,
        "current": current,
        "lasting": lasting,
    }


@login_required
@policy.asks_purpose
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = policy.current_viewer(request)
    agreement, standing = get_agreement_for(viewer, pk, viewer.on)
    return render(
        request,
        "supervision/agreement_detail.html",
        _agreement_context(agreement, standing, viewer.person, viewer.on, viewer),
    )


@login_required
@require_POST
def agreement_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign as whichever party the viewer is; a second click says so and signs nothing."""
    me = current_person(request)
    today = timezone.localdate()
    agreement, standing = get_agreement_for(me, pk, today)
    context = _agreement_context(agreement, standing, me, today)
    if context["my_signature"] is not None:
        messages.error(request, f"You already signed this agreement on {_when(context['my_signature'])}.")
        return redirect("supervision:agreement", pk=pk)
    if not context["can_sign"]:
        if context["my_party"] not in signing_parties(agreement.relationship):
            reason = "Only the people named on this agreement sign it."
        elif context["superseded"]:
            reason = "A newer agreement replaces this one: sign that one instead."
        else:
            reason = "This supervisory relationship has ended, so its agreement can no longer be signed."
        messages.error(request, reason)
        return redirect("supervision:agreement", pk=pk)
    try:
        services.agreement_sign(agreement=agreement, by=me, at=timezone.now())
    except ServiceError as exc:
        messages.error(request, exc.message + ".")
    else:
        agreement = Agreement.objects.prefetch_related("signatures").get(pk=agreement.pk)
        note = (
            " Both have now signed: the review cycle starts today."
            if agreement.signed_on is not None
            else " It still needs the other signature."
        )
        messages.success(request, "You have signed the agreement." + note)
    return redirect("supervision:agreement", pk=pk)


def _when(signature: AgreementSignature) -> str:
    at = timezone.localtime(signature.signed_at)
    return f"{long_date(at.date())} at {at:%H:%M}"


def long_date(day: date) -> str:
    """27 March 2026."""
    return f"{day.day} {day:%B %Y}"


@login_required
def agreement_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Either party records a review of the signed agreement."""
    me = current_person(request)
    today = timezone.localdate()
    agreement, standing = get_agreement_for(me, pk, today)
    if standing not in ("supervisor", "supervisee"):
        raise Http404("No such agreement")
    if agreement.signed_on is None:
        messages.error(request, "An agreement is reviewed once both have signed it.")
        return redirect("supervision:agreement", pk=pk)
    form = AgreementReviewForm(posted(request), initial={"on": today}, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_review(
                agreement=agreement, by=me, on=form.cleaned_data["on"], notes=form.cleaned_data["notes"].strip()
            )
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            due = review_due(agreement)
            messages.success(
                request, f"Review recorded. The next is due by {long_date(due)}." if due else "Review recorded."
            )
            return redirect("supervision:agreement", pk=pk)
    return render(
        request,
        "supervision/agreement_review.html",
        {"agreement": agreement, "relationship": agreement.relationship, "form": form},
    )


# Field names of the services' errors, as the change form names them.
CHANGE_FIELDS = {
    "supervisor": "new_supervisor",
    "new_supervisor": "new_supervisor",
    "on": "on",
    "start": "on",
    "end": "on",
}


@login_required
def relationship_change(request: HttpRequest, pk: int) -> HttpResponse:
    """The line-management chain above the supervisor changes the supervisor: the old
    relationship ends the day before, a new one starts and owes a new agreement."""
    me = current_person(request)
    today = timezone.localdate()
    relationship, standing = get_relationship_for(me, pk, today)
    if standing != "line management" or relationship.end is not None:
        raise Http404("No such relationship")
    colleagues = Person.objects.filter(organisation_id=me.organisation_id, left__isnull=True).exclude(
        pk=relationship.supervisee_id
    )
    form = ChangeSupervisorForm(posted(request), initial={"on": today}, colleagues=colleagues)
    if request.method == "POST" and form.is_valid():
        new_supervisor = form.cleaned_data["new_supervisor"]
        try:
            new = services.relationship_change_supervisor(
                relationship=relationship, by=me, new_supervisor=new_supervisor, on=form.cleaned_data["on"]
            )
        except ServiceError as exc:
            apply_service_error(form, CHANGE_FIELDS.get(exc.field, exc.field), exc.message)
        else:
            messages.success(
                request,
                f"{new_supervisor.name} supervises {relationship.supervisee.name} from {long_date(new.start)}. "
                f"{relationship.supervisor.name}'s supervision ended the day before. "
                f"A new agreement is owed by {long_date(first_agreement_due(new))}.",
            )
            return redirect("people:file", pk=relationship.supervisee_id)
    return render(request, "supervision/relationship_change.html", {"relationship": relationship, "form": form})
