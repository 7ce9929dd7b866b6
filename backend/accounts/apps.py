from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and organisations"

    def ready(self) -> None:
        # The OpenAPI extension and the second factor's sign-in receiver register on import.
        from accounts import schema, second_factor  # noqa: F401
