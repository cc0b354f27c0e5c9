from django.urls import path

from . import views

app_name = "sessions"
urlpatterns = [
    path("sessions/new/", views.schedule, name="schedule"),
    path("sessions/<int:pk>/", views.detail, name="detail"),
    path("sessions/<int:pk>/hold/", views.hold, name="hold"),
    path("sessions/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("sessions/<int:pk>/move/", views.move, name="move"),
]
