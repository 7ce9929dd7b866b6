"""The demo's organisations, teams and people (fictional), and how to create them."""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import Membership, Organisation, Partnership, Role, Sector, Team, User

DEMO_PASSWORD = "hearth-demo-2026"  # noqa: S105 - documented demo sign-in, demo data only


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    sector: str
    domain: str
    teams: tuple[str, ...]


ORGANISATIONS = (
    DemoOrganisation(
        "riverside-nhs",
        "Riverside NHS Foundation Trust",
        Sector.HEALTH,
        "riverside-nhs.example",
        ("Hospital Discharge Team", "Community Nursing"),
    ),
    DemoOrganisation(
        "brookfield-housing",
        "Brookfield Housing Association",
        Sector.HOUSING,
        "brookfield-housing.example",
        ("Tenancy Services", "Home Improvement Agency"),
    ),
    DemoOrganisation(
        "castleford-asc",
        "Castleford Council Adult Social Care",
        Sector.SOCIAL_CARE,
        "castleford-council.example",
        ("Occupational Therapy", "Reablement"),
    ),
)

# (organisation slug, team or None, local part, full name, job title, roles)
PEOPLE: tuple[tuple[str, str | None, str, str, str, tuple[str, ...]], ...] = (
    (
        "riverside-nhs",
        None,
        "admin",
        "Grace Okafor",
        "Learning and development lead",
        (Role.ORG_ADMIN,),
    ),
    (
        "riverside-nhs",
        "Hospital Discharge Team",
        "manager",
        "Daniel Hughes",
        "Discharge team lead",
        (Role.MANAGER,),
    ),
    (
        "riverside-nhs",
        "Hospital Discharge Team",
        "assessor",
        "Priya Sharma",
        "Practice educator",
        (Role.ASSESSOR,),
    ),
    (
        "riverside-nhs",
        "Hospital Discharge Team",
        "learner",
        "Amira Khan",
        "Discharge coordinator",
        (Role.LEARNER,),
    ),
    (
        "riverside-nhs",
        "Hospital Discharge Team",
        "tom.fletcher",
        "Tom Fletcher",
        "Staff nurse",
        (Role.LEARNER,),
    ),
    (
        "riverside-nhs",
        "Hospital Discharge Team",
        "jade.oconnor",
        "Jade O'Connor",
        "Social worker",
        (Role.LEARNER,),
    ),
    (
        "riverside-nhs",
        "Hospital Discharge Team",
        "samuel.boateng",
        "Samuel Boateng",
        "Occupational therapist",
        (Role.LEARNER,),
    ),
    (
        "riverside-nhs",
        "Community Nursing",
        "ruth.evans",
        "Ruth Evans",
        "District nursing sister",
        (Role.MANAGER,),
    ),
    (
        "riverside-nhs",
        "Community Nursing",
        "li.wei",
        "Li Wei",
        "Community staff nurse",
        (Role.LEARNER,),
    ),
    (
        "riverside-nhs",
        "Community Nursing",
        "megan.price",
        "Megan Price",
        "Healthcare assistant",
        (Role.LEARNER,),
    ),
    (
        "riverside-nhs",
        "Community Nursing",
        "farah.ali",
        "Farah Ali",
        "Community staff nurse",
        (Role.LEARNER,),
    ),
    (
        "brookfield-housing",
        None,
        "admin",
        "Hannah Whitfield",
        "Head of learning",
        (Role.ORG_ADMIN,),
    ),
    (
        "brookfield-housing",
        "Tenancy Services",
        "manager",
        "Marcus Reid",
        "Tenancy services manager",
        (Role.MANAGER,),
    ),
    (
        "brookfield-housing",
        "Tenancy Services",
        "assessor",
        "Olivia Bennett",
        "Senior housing officer",
        (Role.ASSESSOR,),
    ),
    (
        "brookfield-housing",
        "Tenancy Services",
        "learner",
        "Kwame Mensah",
        "Housing officer",
        (Role.LEARNER,),
    ),
    (
        "brookfield-housing",
        "Tenancy Services",
        "sophie.turner",
        "Sophie Turner",
        "Tenancy sustainment officer",
        (Role.LEARNER,),
    ),
    (
        "brookfield-housing",
        "Tenancy Services",
        "ahmed.hassan",
        "Ahmed Hassan",
        "Housing officer",
        (Role.LEARNER,),
    ),
    (
        "brookfield-housing",
        "Home Improvement Agency",
        "claire.morgan",
        "Claire Morgan",
        "HIA manager",
        (Role.MANAGER,),
    ),
    (
        "brookfield-housing",
        "Home Improvement Agency",
        "patrick.doyle",
        "Patrick Doyle",
        "HIA caseworker",
        (Role.LEARNER,),
    ),
    (
        "brookfield-housing",
        "Home Improvement Agency",
        "nadia.rahman",
        "Nadia Rahman",
        "Handyperson coordinator",
        (Role.LEARNER,),
    ),
    (
        "castleford-asc",
        None,
        "admin",
        "Elaine Porter",
        "Workforce development manager",
        (Role.ORG_ADMIN,),
    ),
    (
        "castleford-asc",
        "Occupational Therapy",
        "manager",
        "Helen Carter",
        "Principal occupational therapist",
        (Role.MANAGER,),
    ),
    (
        "castleford-asc",
        "Occupational Therapy",
        "assessor",
        "George Adeyemi",
        "Senior occupational therapist",
        (Role.ASSESSOR,),
    ),
    (
        "castleford-asc",
        "Occupational Therapy",
        "learner",
        "Chloe Martin",
        "Occupational therapist",
        (Role.LEARNER,),
    ),
    (
        "castleford-asc",
        "Occupational Therapy",
        "ben.walsh",
        "Ben Walsh",
        "Occupational therapy assistant",
        (Role.LEARNER,),
    ),
    (
        "castleford-asc",
        "Reablement",
        "fatima.begum",
        "Fatima Begum",
        "Reablement manager",
        (Role.MANAGER,),
    ),
    (
        "castleford-asc",
        "Reablement",
        "joe.kelly",
        "Joe Kelly",
        "Reablement worker",
        (Role.LEARNER,),
    ),
    (
        "castleford-asc",
        "Reablement",
        "aisha.yusuf",
        "Aisha Yusuf",
        "Reablement worker",
        (Role.LEARNER,),
    ),
    ("castleford-asc", "Reablement", "mark.jones", "Mark Jones", "Social worker", (Role.LEARNER,)),
    (
        "castleford-asc",
        "Reablement",
        "emma.clarke",
        "Emma Clarke",
        "Care coordinator",
        (Role.LEARNER,),
    ),
)

PARTNERSHIP_NAME = "Castleford Health and Housing Partnership"
PARTNERSHIP_VIEWER = ("partnership@castleford-council.example", "Rachel Lambert")


def demo_email(organisation: DemoOrganisation, local_part: str) -> str:
    return f"{local_part}@{organisation.domain}"


@transaction.atomic
def seed_people() -> dict[str, int]:
    """Create the demo organisations, teams, people and partnership; safe to run again."""
    organisations = {}
    teams: dict[tuple[str, str], Team] = {}
    for spec in ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            slug=spec.slug, defaults={"name": spec.name, "sector": spec.sector}
        )
        organisations[spec.slug] = (spec, organisation)
        for name in spec.teams:
            teams[(spec.slug, name)], _ = Team.objects.get_or_create(
                organisation=organisation, name=name
            )
    created_people = 0
    for slug, team_name, local_part, full_name, job_title, roles in PEOPLE:
        spec, organisation = organisations[slug]
        user, created = User.objects.get_or_create(
            email=demo_email(spec, local_part),
            defaults={"full_name": full_name, "job_title": job_title},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created_people += 1
        team = teams[(slug, team_name)] if team_name else None
        for role in roles:
            Membership.objects.get_or_create(
                user=user, organisation=organisation, team=team, role=role
            )
    partnership, _ = Partnership.objects.get_or_create(
        slug="castleford-health-housing", defaults={"name": PARTNERSHIP_NAME}
    )
    partnership.organisations.add(*(organisation for _, organisation in organisations.values()))
    viewer, created = User.objects.get_or_create(
        email=PARTNERSHIP_VIEWER[0],
        defaults={"full_name": PARTNERSHIP_VIEWER[1], "job_title": "Partnership programme lead"},
    )
    if created:
        viewer.set_password(DEMO_PASSWORD)
        viewer.save(update_fields=["password"])
        created_people += 1
    partnership.viewers.add(viewer)
    return {"organisations": len(organisations), "teams": len(teams), "new_people": created_people}
