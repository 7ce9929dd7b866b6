"""Hearth's Celery worker: the app, its configuration and the beat schedule."""

from worker.celery import app

__all__ = ["app"]
