from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and organisations"

    def ready(self) -> None:
        from accounts import schema  # noqa: F401 - registers the OpenAPI extension
        from accounts import second_factor  # noqa: F401 - its sign-in receiver
