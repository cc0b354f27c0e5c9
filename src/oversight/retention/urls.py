from django.urls import path

from . import views

app_name = "retention"
urlpatterns = [
    path("retention/", views.retention_home, name="home"),
    path("retention/holds/<int:pk>/lift/", views.legal_hold_lift_view, name="hold_lift"),
    path("subject-access/", views.sar_list, name="sars"),
    path("subject-access/<int:pk>/", views.sar_detail, name="sar"),
    path("subject-access/<int:pk>/bundle.<str:fmt>", views.sar_download, name="sar_download"),
]
