from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "oversight.api"
    label = "oversight_api"  # "api" alone is too likely to clash with a third-party app's label
    verbose_name = "The REST API and its tokens"
