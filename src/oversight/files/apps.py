from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "oversight.files"
    label = "files"
    verbose_name = "Supervision file items"
