from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Hearth core"

    def ready(self) -> None:
        from django.core.signals import got_request_exception

        from core.ids import IdConverter
        from core.unavailable import note_dependency_down

        register_converter(IdConverter, "id")
        # Error plumbing, not business flow: see core/unavailable.py.
        got_request_exception.connect(note_dependency_down, dispatch_uid="hearth-unavailable")
