from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        from django.core import checks

        from training.checks import completion_steps_check

        checks.register(completion_steps_check)
