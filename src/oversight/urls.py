from django.contrib import admin
from django.urls import include, path

from oversight.people import views as people_views

urlpatterns = [
    path("", people_views.start, name="start"),
    path("home/", people_views.home, name="home"),
    path("", include("oversight.policies.urls")),
    path("", include("oversight.people.urls")),
    path("", include("oversight.people.staff_urls")),
    path("", include("oversight.sessions.urls")),
    path("", include("oversight.records.urls")),
    path("", include("oversight.audit.urls")),
    path("", include("oversight.supervision.urls")),
    path("", include("oversight.cases.urls")),
    path("", include("oversight.preparation.urls")),
    path("", include("oversight.quality.urls")),
    path("", include("oversight.surveys.urls")),
    path("", include("oversight.files.urls")),
    path("", include("oversight.guard.urls")),
    path("", include("oversight.access.urls")),
    path("", include("oversight.retention.urls")),
    path("", include("oversight.imports.urls")),
    path("", include("oversight.dashboards.urls")),
    path("", include("oversight.capacity.urls")),
    path("", include("oversight.accounts.urls")),
    path("", include("oversight.reminders.urls")),
    path("api/", include("oversight.api.urls")),
    path("admin/", admin.site.urls),
]
