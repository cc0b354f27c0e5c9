from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [path("audit/my-file/", views.my_file, name="my_file")]
