from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "oversight.organisations"
    verbose_name = "Organisations"
