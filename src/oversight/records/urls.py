from django.urls import path

from . import views

app_name = "records"
urlpatterns = [path("records/<int:pk>/", views.detail, name="detail")]
