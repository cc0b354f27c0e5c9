from django.urls import path, re_path

from . import views

app_name = "capacity"

urlpatterns = [
    path("capacity/", views.index, name="index"),
    re_path(r"^capacity/(?P<key>(?:team|service)-[0-9]+|authority)/$", views.plan, name="plan"),
    re_path(r"^capacity/(?P<key>(?:team|service)-[0-9]+|authority)/capacity\.csv$", views.export, name="export"),
]
