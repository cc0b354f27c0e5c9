from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("imports/", views.imports_home, name="home"),
    path("imports/<int:pk>/", views.import_preview, name="preview"),
    path("imports/<int:pk>/apply/", views.import_apply, name="apply"),
]
