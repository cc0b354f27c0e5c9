from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "oversight.quality"
    label = "quality"
    verbose_name = "Quality assurance of supervision"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .templatetags.quality import LINK

        # Whether to show the navigation link is worked out at sign-in, not on every page.
        user_logged_in.connect(LINK.remember_at_sign_in, dispatch_uid="quality.remember_at_sign_in")
