from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("reminders/preferences/", views.preferences, name="preferences"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
