"""Platform staff set requirements, exemptions and grace days in the Django admin until the
organisations' own pages come (ADR 0018)."""

from django.test import Client

from accounts.models import Role, User
from compliance.models import Exemption, TrainingRequirement
from tests.compliance.conftest import DAY_ONE, Frozen
from tests.factories import TrainingRequirementFactory


def staff_client() -> Client:
    client = Client()
    client.force_login(
        User.objects.create_superuser("staff@example.org", "correct-horse-battery", full_name="S")
    )
    return client


def test_staff_add_a_requirement_and_an_exemption_recording_who_granted_it(
    frozen: Frozen,
) -> None:
    world, client = frozen.world, staff_client()
    fields = {"organisation": world.org_x.pk, "module": frozen.module.pk, "role": Role.LEARNER}

    added = client.post(
        "/admin/compliance/trainingrequirement/add/",
        {**fields, "team": world.x_team_a.pk, "renewal_months": 24, "window_days": 90},
    )
    foreign_team = client.post(
        "/admin/compliance/trainingrequirement/add/",
        {**fields, "team": world.y_team_a.pk, "renewal_months": 12, "window_days": 60},
    )

    assert added.status_code == 302
    assert foreign_team.status_code == 200
    assert "Choose a team of this organisation." in foreign_team.content.decode()
    [requirement] = TrainingRequirement.objects.values_list(
        "team_id", "role", "renewal_months", "window_days"
    )
    assert requirement == (world.x_team_a.pk, Role.LEARNER, 24, 90)
    granted = client.post(
        "/admin/compliance/exemption/add/",
        {
            "requirement": TrainingRequirement.objects.get().pk,
            "person": world.x_learner_a.pk,
            "reason": "Completed the equivalent course with a previous employer.",
            "ends_on": DAY_ONE.isoformat(),
        },
    )
    assert granted.status_code == 302
    assert Exemption.objects.get().created_by == User.objects.get(email="staff@example.org")


def test_the_admin_lists_show_requirements(frozen: Frozen) -> None:
    TrainingRequirementFactory.create(organisation=frozen.world.org_x, module=frozen.module)
    client = staff_client()

    for page in ("trainingrequirement", "exemption", "compliancesettings"):
        assert client.get(f"/admin/compliance/{page}/").status_code == 200
    assert client.get("/admin/compliance/trainingrequirement/add/").status_code == 200
