from django.urls import path

from . import views

app_name = "guard"
urlpatterns = [path("records/<int:pk>/check/", views.check, name="check")]
