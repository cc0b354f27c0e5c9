from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "oversight.access"
    verbose_name = "Access"
