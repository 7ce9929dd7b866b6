"""Benchmark: the team matrix API against one hand-written SQL query for the same cells.

50 people x 30 competencies in PostgreSQL. Prints the median of per-round ratios on a
line starting `api/sql ratio:` (the limit is 3). Run: .venv/bin/python bench/matrix.py
"""

import datetime
import random

from _setup import analyse, django_on_postgres, interleaved, median_ratio, ms

PEOPLE, COMPETENCIES, ROUNDS = 50, 30, 200

# Every cell of the matrix the API returns: each team member by each competency, with the
# current assessment (latest, not superseded) and the level their roles require.
CELLS_SQL = """
WITH people AS (
    SELECT DISTINCT user_id FROM accounts_membership WHERE team_id = %(team)s
), current AS (
    SELECT DISTINCT ON (a.learner_id, a.competency_id)
           a.learner_id, a.competency_id, a.outcome, a.level, a.valid_until
      FROM competencies_assessment a
      JOIN people p ON p.user_id = a.learner_id
     WHERE NOT EXISTS (SELECT 1 FROM competencies_assessment later
                        WHERE later.supersedes_id = a.id)
     ORDER BY a.learner_id, a.competency_id, a.assessed_at DESC, a.id DESC
), required AS (
    SELECT m.user_id, r.competency_id, max(r.level) AS level
      FROM competencies_requirement r
      JOIN accounts_membership m ON m.team_id = r.team_id AND (r.role = '' OR r.role = m.role)
     WHERE r.team_id = %(team)s
     GROUP BY m.user_id, r.competency_id
)
SELECT p.user_id, c.id, cur.outcome, cur.level, cur.valid_until, req.level
  FROM people p
 CROSS JOIN competencies_competency c
  LEFT JOIN current cur ON cur.learner_id = p.user_id AND cur.competency_id = c.id
  LEFT JOIN required req ON req.user_id = p.user_id AND req.competency_id = c.id
 ORDER BY p.user_id, c.code
"""


def build() -> tuple[int, str]:
    """The team, its people, a framework, requirements and several assessments each."""
    from django.utils import timezone

    from accounts.models import (
        KeyScope,
        Membership,
        Organisation,
        OrganisationAPIKey,
        Role,
        Team,
        User,
    )
    from competencies.models import Assessment, Competency, Domain, Framework, Requirement

    chance = random.Random(7)
    organisation = Organisation.objects.create(name="Bench", slug="bench", sector="housing")
    team = Team.objects.create(organisation=organisation, name="Bench team")
    assessor = User.objects.create_user("assessor@bench.example", full_name="Assessor")
    Membership.objects.create(
        user=assessor, organisation=organisation, team=team, role=Role.ASSESSOR
    )
    people = [
        User.objects.create_user(f"p{i}@bench.example", full_name=f"Person {i:02d}")
        for i in range(PEOPLE)
    ]
    Membership.objects.bulk_create(
        Membership(user=p, organisation=organisation, team=team, role=Role.LEARNER) for p in people
    )
    framework = Framework.objects.create(slug="bench", title="Bench")
    domains = list(Domain.values)
    competencies = Competency.objects.bulk_create(
        Competency(
            framework=framework,
            code=f"B-{i:02d}",
            title=f"C{i}",
            description="x",
            domain=domains[i % 5],
            level=1 + i % 3,
            validity_months=24,
        )
        for i in range(COMPETENCIES)
    )
    Requirement.objects.bulk_create(
        Requirement(team=team, role=Role.LEARNER, competency=c, level=c.level)
        for c in competencies[::2]
    )
    now = timezone.now()
    Assessment.objects.bulk_create(
        Assessment(
            learner=person,
            competency=competency,
            method="observation",
            assessor=assessor,
            outcome=chance.choice(["competent", "competent", "not_yet_competent"]),
            level=competency.level,
            assessed_at=now - datetime.timedelta(days=chance.randint(0, 900) + round_),
            valid_until=(now - datetime.timedelta(days=chance.randint(-700, 100))).date(),
        )
        for person in people
        for competency in competencies
        for round_ in range(2)
        if chance.random() < 0.8
    )
    _, key = OrganisationAPIKey.objects.create_key(
        name="bench", organisation=organisation, scope=KeyScope.READ
    )
    Membership.objects.create(user=assessor, organisation=organisation, role=Role.ORG_ADMIN)
    return team.pk, key


def main() -> None:
    with django_on_postgres("matrix"):
        from django.db import connection
        from django.test import Client

        team_id, key = build()
        analyse()
        client = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
        url = f"/api/v1/teams/{team_id}/matrix/"
        first = client.get(url)
        assert first.status_code == 200, first.content
        cells = sum(len(p["states"]) for p in first.json()["people"])

        def api() -> None:
            response = client.get(url)
            assert response.status_code == 200

        def sql() -> None:
            with connection.cursor() as cursor:
                cursor.execute(CELLS_SQL, {"team": team_id})
                cursor.fetchall()

        with connection.cursor() as cursor:
            cursor.execute(CELLS_SQL, {"team": team_id})
            assert len(cursor.fetchall()) == cells, "the SQL must fetch the same cells"
        times = interleaved(ROUNDS, {"api": api, "sql": sql})
        print(
            f"matrix: {PEOPLE} people x {COMPETENCIES} competencies = {cells} cells, "
            f"{ROUNDS} interleaved rounds"
        )
        print(f"api median {ms(times['api'])}, hand-written sql median {ms(times['sql'])}")
        print(f"api/sql ratio: {median_ratio(times['api'], times['sql']):.2f} (limit 3)")


if __name__ == "__main__":
    main()
