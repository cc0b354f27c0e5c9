from django.urls import path

from . import views

app_name = "people"
urlpatterns = [path("people/<int:pk>/", views.person_file, name="file")]
