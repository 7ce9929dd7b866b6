import logging

from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "Certificates"

    def ready(self) -> None:
        # WeasyPrint logs every rendering step at INFO: seven lines per certificate.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
