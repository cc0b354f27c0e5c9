from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "oversight.policies"
    verbose_name = "Policy packs"
