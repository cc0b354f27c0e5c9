from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "oversight.supervision"
    verbose_name = "Supervisory relationships and agreements"
