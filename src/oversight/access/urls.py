from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("access/files/", views.files, name="files"),
    path("access/purpose/<int:pk>/", views.purpose, name="purpose"),
    path("access/records/<int:pk>/consent/", views.consent_record, name="consent_record"),
    path("access/records/<int:pk>/override/", views.override, name="override"),
    path("access/grants/", views.grants, name="grants"),
    path("access/grants/new/", views.grant_new, name="grant_new"),
    path("access/grants/<int:pk>/", views.grant_detail, name="grant"),
    path("access/grants/<int:pk>/revoke/", views.grant_revoke, name="grant_revoke"),
]
