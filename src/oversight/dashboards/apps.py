from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "oversight.dashboards"
    verbose_name = "Dashboards"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .templatetags.dashboards import LINK

        # Whether to show the navigation link is worked out at sign-in, not on every page.
        user_logged_in.connect(LINK.remember_at_sign_in, dispatch_uid="dashboards.remember_at_sign_in")
