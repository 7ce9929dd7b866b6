from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Hearth core"

    def ready(self) -> None:
        from core.ids import IdConverter

        register_converter(IdConverter, "id")
