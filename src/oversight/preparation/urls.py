from django.urls import path

from . import views

app_name = "preparation"
urlpatterns = [
    path("people/<int:pk>/preparation/", views.pack_page, name="pack"),
    path("people/<int:pk>/preparation.pdf", views.pack_pdf, name="pack_pdf"),
]
