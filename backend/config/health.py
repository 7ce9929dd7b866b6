"""/healthz: are the database, the broker and the shared cache reachable, and can media
storage be written? (The embedded default has no broker and no shared cache: nothing to
reach.)"""

import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def database_status() -> dict[str, Any]:
    """Run one trivial query and report the vendor."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return {"ok": False, "vendor": connection.vendor, "error": type(error).__name__}
    return {"ok": True, "vendor": connection.vendor}


def broker_status() -> dict[str, Any]:
    """Ping the broker; in the embedded default (tasks in-process) there is none."""
    if not settings.CELERY_BROKER_URL:
        return {"ok": True, "mode": "in-process"}
    from worker.celery import app

    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:
        return {"ok": False, "mode": "broker", "error": type(error).__name__}
    return {"ok": True, "mode": "broker", "transport": app.conf.broker_url.split(":", 1)[0]}


def cache_status() -> dict[str, Any]:
    """Write and read back a key in the shared cache; the embedded default has none."""
    if not settings.CACHE_URL:
        return {"ok": True, "mode": "per-process"}
    try:
        cache.set("healthz", "ok", timeout=10)
        ok = cache.get("healthz") == "ok"
    except Exception as error:
        return {"ok": False, "mode": "shared", "error": type(error).__name__}
    return {"ok": ok, "mode": "shared"}


def media_status() -> dict[str, Any]:
    """Write, read back and delete a small file in media storage, where uploaded evidence
    and certificate PDFs go: a read-only or unmounted volume fails every one of them."""
    try:
        name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
        try:
            with default_storage.open(name, "rb") as probe:
                ok = probe.read() == b"ok"
        finally:
            default_storage.delete(name)
    except Exception as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": ok}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when every dependency answers, 503 otherwise."""
    checks = {
        "database": database_status(),
        "broker": broker_status(),
        "cache": cache_status(),
        "media": media_status(),
    }
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
