"""The real path once (issue 17): a subject access export asked for in a transaction is
built by a real Celery worker on Redis after commit, and its ZIP is read back."""

import json
import zipfile
from pathlib import Path

import pytest
from django.db import transaction
from pytest_django.fixtures import Settings

from accounts.selectors import actor_for_user
from privacy import services_exports
from privacy.models import ExportStatus, SubjectAccessExport
from tests.conftest import World
from tests.support.worker import celery_worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_a_subject_access_export_is_built_by_the_worker_after_commit(
    tmp_path: Path, settings: Settings
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    world = World()
    with celery_worker(tmp_path) as worker:
        with transaction.atomic():
            export = services_exports.subject_access_request(
                actor=actor_for_user(world.x_admin), person_id=world.x_learner_a.pk
            )

        def built() -> bool:
            export.refresh_from_db()
            return export.status == ExportStatus.READY

        wait_for(built, what="the subject access export", worker=worker)

    assert SubjectAccessExport.objects.count() == 1
    with zipfile.ZipFile(export.file.path) as archive:
        data = json.loads(archive.read("data.json"))
    assert {row["pk"] for row in data["tables"]["accounts.User"]} == {world.x_learner_a.pk}
