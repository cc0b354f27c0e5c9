from django.apps import AppConfig


class SessionsConfig(AppConfig):
    name = "oversight.sessions"
    label = "supervision_sessions"  # django.contrib.sessions owns the label "sessions"
    verbose_name = "Supervision sessions"
