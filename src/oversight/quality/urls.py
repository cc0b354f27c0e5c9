from django.urls import path

from . import development_views, views

app_name = "quality"
urlpatterns = [
    path("quality/", views.home, name="home"),
    path("quality/audits/new/", views.audit_new, name="audit_new"),
    path("quality/audits/<int:pk>/", views.audit_detail, name="audit"),
    path("quality/audits/<int:pk>/files/<int:file_pk>/", views.audit_file, name="audit_file"),
    path("quality/observations/", development_views.observations, name="observations"),
    path("quality/observations/new/", development_views.observation_new, name="observation_new"),
    path("quality/observations/<int:pk>/", development_views.observation_detail, name="observation"),
    path("quality/training/", development_views.training, name="training"),
    path("quality/training.csv", development_views.training_csv, name="training_csv"),
    path("quality/training/new/", development_views.training_new, name="training_new"),
]
