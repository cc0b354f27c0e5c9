from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "oversight.capacity"
    verbose_name = "Supervisor capacity"
