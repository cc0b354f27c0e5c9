from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "oversight.compliance"
    verbose_name = "Compliance"
