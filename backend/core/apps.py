from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Hearth core"

    def ready(self) -> None:
        from django.core.signals import got_request_exception
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_migrate

        from core import audit_sqlite
        from core.ids import IdConverter
        from core.unavailable import note_dependency_down

        register_converter(IdConverter, "id")
        # Error plumbing, not business flow: see core/unavailable.py.
        got_request_exception.connect(note_dependency_down, dispatch_uid="hearth-unavailable")
        # The embedded default's audit triggers (ADR 0027): their SQL functions on every
        # connection, the triggers themselves dropped before every migrate and installed after it.
        connection_created.connect(audit_sqlite.register_functions, dispatch_uid="hearth-audit")
        pre_migrate.connect(audit_sqlite.uninstall_before_migrate, sender=self)
        post_migrate.connect(audit_sqlite.install_after_migrate, sender=self)
