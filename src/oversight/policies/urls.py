from django.urls import path

from . import views

app_name = "policies"
urlpatterns = [
    path("policies/", views.pack_list, name="list"),
    path("policies/compare/", views.pack_compare, name="compare"),
    path("policies/<slug:pack_id>/", views.pack_detail, name="detail"),
]
