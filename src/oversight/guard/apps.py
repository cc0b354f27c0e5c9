from django.apps import AppConfig


class GuardConfig(AppConfig):
    name = "oversight.guard"
    label = "guard"
    verbose_name = "Child-data guard"
