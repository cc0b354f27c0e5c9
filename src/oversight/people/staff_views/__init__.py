"""Staff records: adding a member of staff, changing their role, team or line manager,
recording leaving, absences, hours worked by casual staff and ASYE reviews.

Who may: the line-management chain above the person (their line manager and up, or the
chain above their current supervisor) for everything; the person's current supervisor too
for absences, hours and ASYE reviews. Never the person themselves. Everyone else gets a 404.

One module a subdomain: ``common`` (roles, who may, the way back, named date fields),
``record`` (new starter, the record itself, leaving), ``absences``, ``hours`` and
``asye_reviews``. Every name is re-exported here, so ``staff_views.staff_edit`` and
``from oversight.people.staff_views import role_choices`` work as before.
"""

from .absences import AbsenceEndForm, AbsenceForm, staff_absence_end, staff_absences
from .asye_reviews import AsyeReviewForm, staff_asye_reviews
from .common import (
    COMMON_ROLE_LABELS,
    NamedDateField,
    assignable_managers,
    back_link,
    get_staff_for,
    long_date,
    role_choices,
    staff_standing,
)
from .hours import HoursForm, staff_hours
from .record import LeavingForm, NewStaffForm, StaffDetailsForm, staff_edit, staff_leaving, staff_new

__all__ = [
    "COMMON_ROLE_LABELS",
    "AbsenceEndForm",
    "AbsenceForm",
    "AsyeReviewForm",
    "HoursForm",
    "LeavingForm",
    "NamedDateField",
    "NewStaffForm",
    "StaffDetailsForm",
    "assignable_managers",
    "back_link",
    "get_staff_for",
    "long_date",
    "role_choices",
    "staff_absence_end",
    "staff_absences",
    "staff_asye_reviews",
    "staff_edit",
    "staff_hours",
    "staff_leaving",
    "staff_new",
    "staff_standing",
]
