from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "oversight.compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        # Keep the obligation store current as events commit (oversight.compliance.hooks).
        from .hooks import connect

        connect()
