"""`manage.py seed_demo` builds the documented demo and is safe to run again."""

import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Membership, Organisation, Partnership, Role, Sector, Team, User
from certificates.models import Certificate
from certificates.pdf import certificate_pdf
from compliance.models import RequirementDefinition, TrainingRequirement
from demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int]:
    return (
        Organisation.objects.count(),
        Team.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )


def test_seed_demo_is_idempotent_and_covers_every_role_and_three_sectors() -> None:
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")

    assert _counts() == first
    assert first[0] == 3 and first[1] == 6 and 28 <= first[2] <= 35
    assert set(Organisation.objects.values_list("sector", flat=True)) == {
        Sector.HEALTH,
        Sector.HOUSING,
        Sector.SOCIAL_CARE,
    }
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    partnership = Partnership.objects.get()
    assert partnership.organisations.count() == 3 and partnership.viewers.count() == 1


@pytest.mark.parametrize(
    "email",
    [
        "learner@riverside-nhs.example",
        "manager@riverside-nhs.example",
        "assessor@riverside-nhs.example",
        "admin@riverside-nhs.example",
        "manager@brookfield-housing.example",
        "partnership@castleford-council.example",
    ],
)
def test_documented_demo_sign_ins_work(email: str) -> None:
    call_command("seed_demo")

    assert User.objects.get(email=email).check_password(DEMO_PASSWORD)


def test_the_demos_certificates_say_the_day_my_learning_says() -> None:
    call_command("seed_demo")

    certificates = list(Certificate.objects.select_related("enrolment").order_by("pk"))
    assert certificates, "the demo completes some modules"
    for certificate in certificates:
        assert certificate.completed_at == certificate.enrolment.completed_at
    # What the PDF prints, for a few (drawn here, in either run mode).
    for certificate in certificates[:3]:
        printed = subprocess.run(
            ["pdftotext", "-", "-"],
            input=certificate_pdf(certificate),
            capture_output=True,
            check=True,
        ).stdout.decode()
        completed_on = timezone.localdate(certificate.completed_at)
        assert f"{completed_on.day} {completed_on:%B %Y}" in " ".join(printed.split())


def test_the_demo_imports_the_starter_sets_and_adopts_two_once() -> None:
    call_command("seed_demo")
    call_command("seed_demo")

    assert RequirementDefinition.objects.count() == 32
    adopted = TrainingRequirement.objects.order_by("pk").values_list(
        "organisation__slug", "definition__code", "module__slug"
    )
    assert list(adopted) == [
        ("riverside-nhs", "cstf-safeguarding-adults-level-1", "safeguarding-adults-at-home"),
        ("riverside-nhs", "cstf-fire-safety", None),
    ]
