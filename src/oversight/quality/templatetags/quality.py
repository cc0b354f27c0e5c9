"""``{% quality_nav %}``: the navigation link to quality assurance, for people who can do audits
(the line manager of a current supervisor, or a quality-assurance capability). Asked once a day
per sign-in session and kept in the session (oversight.access.nav).

``{% quality_file_links subject %}``: on a person's file, the quality assurance of their
supervision (audits, observations, training) for those who may read it (oversight.quality.access).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from oversight.access.models import StaffCapability
from oversight.access.nav import ConditionalNavLink
from oversight.access.reach import Viewer, active_on, reports_below
from oversight.people.models import Person
from oversight.supervision.models import Relationship

from ..access import may, supervises_now, supervisor_standing, visible_audits, visible_observations
from ..models import TrainingRecord
from ..workforce import training_rule

register = template.Library()

SESSION_KEY = "quality.nav"  # request.session: {"on": ISO date, "person": pk, "show": bool}


def can_do_audits(person: Person) -> bool:
    """Holds a live quality-assurance capability, or manages (at any depth) a current supervisor."""
    now = timezone.now()
    if person.left is not None and person.left < timezone.localdate(now):
        return False
    held = StaffCapability.objects.filter(person=person, capability=StaffCapability.Capability.QA)
    if any(c.live(now) for c in held):
        return True
    below = reports_below(person)
    return (
        bool(below)
        and Relationship.objects.filter(active_on(timezone.localdate(now)), supervisor_id__in=sorted(below)).exists()
    )


LINK = ConditionalNavLink(SESSION_KEY, can_do_audits, "quality:home", "Quality assurance", "quality")


@register.inclusion_tag("includes/conditional_nav_item.html", takes_context=True)
def quality_nav(context: Any) -> dict[str, Any]:
    return LINK.context(context)


@register.inclusion_tag("quality/includes/file_links.html", takes_context=True)
def quality_file_links(context: Any, subject: Person) -> dict[str, Any]:
    request = context.get("request")
    if request is None or not getattr(request.user, "is_authenticated", False):
        return {"show": False}
    viewer = Viewer.for_request(request)
    if viewer.person is None or supervisor_standing(viewer, subject) is None:
        return {"show": False}
    audits = list(visible_audits(viewer).filter(supervisor=subject).order_by("-started_on", "-pk")[:5])
    observations = list(visible_observations(viewer).filter(supervisor=subject).order_by("-observed_on", "-pk")[:5])
    last = TrainingRecord.objects.filter(person=subject).order_by("-completed_on", "-pk").first()
    supervising = supervises_now(subject.pk, viewer.on)
    if not (supervising or audits or observations or last):
        return {"show": False}
    rule = training_rule(subject.organisation.pack)
    return {
        "show": True,
        "subject": subject,
        "audits": audits,
        "observations": observations,
        "last_training": last,
        "refresher_due": rule.period.add_to(last.completed_on) if rule is not None and last is not None else None,
        "can_audit": may(viewer, "audit", subject),
        "can_record_training": may(viewer, "record_training", subject),
    }
