from django.urls import path

from . import staff_views

app_name = "staff"
urlpatterns = [
    path("staff/new/", staff_views.staff_new, name="new"),
    path("people/<int:pk>/edit/", staff_views.staff_edit, name="edit"),
    path("people/<int:pk>/leaving/", staff_views.staff_leaving, name="leaving"),
    path("people/<int:pk>/absences/", staff_views.staff_absences, name="absences"),
    path("people/<int:pk>/absences/<int:absence_pk>/end/", staff_views.staff_absence_end, name="absence_end"),
    path("people/<int:pk>/hours/", staff_views.staff_hours, name="hours"),
    path("people/<int:pk>/asye-reviews/", staff_views.staff_asye_reviews, name="asye_reviews"),
]
