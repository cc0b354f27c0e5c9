from django.apps import AppConfig


class PreparationConfig(AppConfig):
    name = "oversight.preparation"
    verbose_name = "Pre-supervision pack"
