from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "oversight.imports"
    verbose_name = "Imports from HR and case systems"
