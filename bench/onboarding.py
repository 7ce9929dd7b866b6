"""Benchmark: bulk onboarding of 10,000 people (ADR 0022) against one bulk SQL statement.

Each round gives a fresh organisation a 10,000-row CSV: Hearth previews it
(`onboarding_plan`: parse with tablib, validate, diff) and applies it (`onboarding_apply`:
re-plan under a lock, bulk writes, one invitation job), both through the service. The
baseline, measured in the same run, inserts the same people and memberships with one SQL
statement (a data-modifying CTE: INSERT INTO users ... RETURNING, INSERT INTO memberships
SELECT) from values already in memory: no parsing, validating or diffing at all. The
import's emails are the worker's job: the bench sends it to the broker (CELERY_BROKER_URL)
after commit, as production does, and no worker runs here.

Prints rows per second for preview and apply and, on a line starting `apply/sql ratio:`,
the median of per-round ratios of apply time to the statement's time (the limit is 10);
exits non-zero above it.
Run: .venv/bin/python bench/onboarding.py
"""

import io
import sys
import time

from _setup import analyse, django_on_postgres, median_ratio, ms

ROWS, ROUNDS, LIMIT = 10_000, 3, 10.0


def csv_for(round_: int) -> bytes:
    import tablib

    data = tablib.Dataset(
        headers=["Employee number", "Name", "Work email", "Team", "Role", "Start date"]
    )
    for n in range(ROWS):
        data.append(
            [
                f"E{n:05}",
                f"Person {n}",
                f"r{round_}p{n}@bench.example",
                "Bench team",
                "learner",
                "2026-01-05",
            ]
        )
    out = io.StringIO()
    out.write(data.export("csv"))
    return out.getvalue().encode()


def organisation(round_: int, label: str) -> int:
    from accounts.models import Organisation, Team

    org = Organisation.objects.create(
        name=f"Bench {label} {round_}", slug=f"bench-{label}-{round_}", sector="housing"
    )
    Team.objects.create(organisation=org, name="Bench team")
    return org.pk


def bulk_sql(round_: int, organisation_id: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Team

    team_id = Team.objects.get(organisation_id=organisation_id).pk
    now = timezone.now()
    rows = [
        (f"s{round_}p{n}@bench.example", f"Person {n}", make_password(None), f"E{n:05}")
        for n in range(ROWS)
    ]
    values = ",".join(["(%s, %s, %s, %s)"] * ROWS)
    params = [value for row in rows for value in row]
    sql = f"""
        WITH input(email, full_name, password, employee_number) AS (VALUES {values}),
        made AS (
            INSERT INTO accounts_user (email, full_name, password, job_title, is_active,
                is_staff, is_superuser, date_joined)
            SELECT email, full_name, password, '', true, false, false, %s FROM input
            RETURNING id, email
        )
        INSERT INTO accounts_membership (user_id, organisation_id, team_id, role, created_at,
            status, accepts_with_password, invited_full_name, invited_job_title,
            employee_number, starts_on)
        SELECT made.id, %s, %s, 'learner', %s, 'pending', true, input.full_name, '',
            input.employee_number, DATE '2026-01-05'
        FROM made JOIN input ON input.email = made.email
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, now, organisation_id, team_id, now])


def main() -> int:
    from accounts.models import Role, User
    from accounts.selectors import actor_for_user
    from accounts.services_onboarding import onboarding_apply, onboarding_plan

    # The emails are the worker's, not the import's: the job goes to the broker after
    # commit (as in production), instead of the test settings' eager run in-process.
    from worker.celery import app

    app.conf.task_always_eager = False
    admin = User.objects.create_user("admin@bench.example", "x", full_name="Admin")
    preview: list[float] = []
    apply: list[float] = []
    sql: list[float] = []
    for round_ in range(ROUNDS):
        ours, theirs = organisation(round_, "ours"), organisation(round_, "sql")
        from accounts.models import Membership

        Membership.objects.create(user=admin, organisation_id=ours, role=Role.ORG_ADMIN)
        actor = actor_for_user(admin)
        content = csv_for(round_)
        start = time.perf_counter()
        plan = onboarding_plan(actor=actor, organisation_id=ours, content=content)
        preview.append(time.perf_counter() - start)
        if plan.counts["create"] != ROWS:
            raise SystemExit(f"expected {ROWS} creations, got {plan.counts}")
        start = time.perf_counter()
        onboarding_apply(actor=actor, organisation_id=ours, content=content)
        apply.append(time.perf_counter() - start)
        start = time.perf_counter()
        bulk_sql(round_, theirs)
        sql.append(time.perf_counter() - start)
        analyse()
        again = onboarding_apply(actor=actor, organisation_id=ours, content=content)
        if again.counts["unchanged"] != ROWS:
            raise SystemExit(f"re-applying changed rows: {again.counts}")
    import statistics

    print(f"rows: {ROWS}, rounds: {ROUNDS}")
    print(f"preview: {ROWS / statistics.median(preview):,.0f} rows/s ({ms(preview)})")
    print(f"apply: {ROWS / statistics.median(apply):,.0f} rows/s ({ms(apply)})")
    print(f"one bulk SQL statement: {ROWS / statistics.median(sql):,.0f} rows/s ({ms(sql)})")
    ratio = median_ratio(apply, sql)
    print(f"apply/sql ratio: {ratio:.2f} (limit {LIMIT:g})")
    return 1 if ratio > LIMIT else 0


if __name__ == "__main__":
    with django_on_postgres("onboarding"):
        code = main()
    sys.exit(code)
