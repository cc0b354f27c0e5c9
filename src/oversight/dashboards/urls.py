from django.urls import path, re_path

from . import coverage_views, views

app_name = "dashboards"

urlpatterns = [
    path("dashboards/", views.index, name="index"),
    path("dashboards/supervisor/", views.supervisor, name="supervisor"),
    path("dashboards/team/<int:pk>/", views.team, name="team"),
    path("dashboards/service/<int:pk>/", views.service, name="service"),
    path("dashboards/authority/", views.authority, name="authority"),
    path("dashboards/<slug:key>/figures/<slug:slug>/", views.figure, name="figure"),
    path("dashboards/<slug:key>/coverage/", coverage_views.coverage, name="coverage"),
    re_path(
        r"^dashboards/(?P<key>[-a-z0-9]+)/figures/(?P<slug>[-a-z0-9]+)/(?P<table>summary|rows)\.(?P<fmt>csv|xlsx)$",
        views.export,
        name="export",
    ),
]
