"""Benchmark: the statistics API against one hand-written SQL query for the same figures.

Loads 100,000 people in 40 organisations (200 teams), 200 modules, 20 competencies with
assessments and requirements, and enrolments spread over 3 years into PostgreSQL with
INSERT ... SELECT generate_series (no ORM per row). Times each main request through the
API (Django's test Client, signed in as a learning lead who administers all 40
organisations, so each request covers every enrolment) against one hand-written SQL query
computing the same figures live from the base tables, interleaved, first at 100,000
enrolments and then at 1,000,000. Prints, at 1,000,000, one line per request starting
`api/sql ratio:` (the median of per-round ratios; the limit is 1.5), and how the times
grew from 100,000 on lines of their own. Run: .venv/bin/python bench/stats.py
"""

import datetime
import statistics
import time
from collections.abc import Callable
from typing import Any

from _setup import django_on_postgres, interleaved, median_ratio, ms

PEOPLE, ORGANISATIONS, TEAMS_PER_ORGANISATION, MODULES, COMPETENCIES = 100_000, 40, 5, 200, 20
SMALL, LARGE = 100_000, 1_000_000
YEARS = 3
ROUNDS = {SMALL: 15, LARGE: 11}
LIMIT = 1.5
SECTORS = ["health", "housing", "social_care", "voluntary", "local_government"]

# --- loading ----------------------------------------------------------------------------

BASE_SQL = [
    f"""INSERT INTO accounts_organisation (name, slug, sector, created_at)
        SELECT 'Organisation ' || g, 'organisation-' || g,
               (ARRAY{SECTORS!r})[1 + (g - 1) % {len(SECTORS)}], now()
          FROM generate_series(1, {ORGANISATIONS}) g""",
    f"""INSERT INTO accounts_team (organisation_id, name, created_at)
        SELECT o.id, 'Team ' || t, now()
          FROM accounts_organisation o, generate_series(1, {TEAMS_PER_ORGANISATION}) t""",
    f"""INSERT INTO accounts_user (password, is_superuser, email, full_name, job_title,
                                  is_active, is_staff, date_joined)
        SELECT '!', false, 'person' || g || '@bench.example', 'Person ' || g, '', true,
               false, now()
          FROM generate_series(1, {PEOPLE}) g""",
    # Each person is a learner in one team, round robin over the teams.
    """INSERT INTO accounts_membership (user_id, organisation_id, team_id, role, created_at)
       SELECT u.id, t.organisation_id, t.id, 'learner', now()
         FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM accounts_user) u
         JOIN (SELECT id, organisation_id, row_number() OVER (ORDER BY id) - 1 AS n
                 FROM accounts_team) t
           ON t.n = u.n % (SELECT count(*) FROM accounts_team)""",
    f"""INSERT INTO training_module (slug, sectors, created_at)
        SELECT 'module-' || g, ',health,housing,', now() FROM generate_series(1, {MODULES}) g""",
    """INSERT INTO training_moduleversion (module_id, number, title, summary,
                                          estimated_minutes, pass_mark, max_attempts,
                                          content_hash, published_at)
       SELECT id, 1, 'Module ' || lpad(id::text, 3, '0'), 'Bench', 20, 80, 0, 'x', now()
         FROM training_module""",
    """UPDATE training_module m SET current_version_id = v.id
         FROM training_moduleversion v WHERE v.module_id = m.id""",
    """INSERT INTO competencies_framework (slug, title, description)
       VALUES ('bench', 'Bench', '')""",
    f"""INSERT INTO competencies_competency (framework_id, code, title, description, domain,
                                            level, indicators, validity_months)
        SELECT f.id, 'B-' || lpad(g::text, 2, '0'), 'Competency ' || g, 'Bench',
               (ARRAY['understand','identify','act','collaborate','lead'])[1 + g % 5],
               1 + g % 3, ',signposting,', 24
          FROM competencies_framework f, generate_series(1, {COMPETENCIES}) g""",
    # Three requirements per team, for everyone in it.
    """INSERT INTO competencies_requirement (team_id, role, competency_id, level)
       SELECT t.id, '', c.id, 1 + (t.id + c.id) % 3
         FROM accounts_team t JOIN competencies_competency c
           ON (c.id + t.id) % 7 = 0""",
    # An assessor (so assessments have one) who is nobody's learner.
    """INSERT INTO accounts_user (password, is_superuser, email, full_name, job_title,
                                 is_active, is_staff, date_joined)
       VALUES ('!', false, 'assessor@bench.example', 'Assessor', '', true, false, now())""",
    # About 3 assessments per person, some corrections (superseding) added below.
    """INSERT INTO competencies_assessment (learner_id, competency_id, organisation_id, method,
                                           assessor_id, outcome, level, evidence_note,
                                           evidence_file, assessed_at, valid_until, recorded_at)
       SELECT m.user_id, c.id, m.organisation_id, 'observation',
              (SELECT id FROM accounts_user WHERE email = 'assessor@bench.example'),
              CASE WHEN random() < 0.8 THEN 'competent' ELSE 'not_yet_competent' END,
              1 + floor(random() * 3)::int, 'seen', '',
              now() - random() * interval '3 years',
              CASE WHEN random() < 0.1 THEN NULL
                   ELSE current_date + (random() * 1000 - 300)::int END,
              now()
         FROM accounts_membership m
         JOIN competencies_competency c ON random() < 0.15""",
    """INSERT INTO competencies_assessment (learner_id, competency_id, organisation_id, method,
                                           assessor_id, outcome, level, evidence_note,
                                           evidence_file, assessed_at, valid_until,
                                           supersedes_id, recorded_at)
       SELECT learner_id, competency_id, organisation_id, 'evidence', assessor_id,
              'competent', level, 'corrected', '', assessed_at - interval '1 day',
              valid_until, id, now()
         FROM competencies_assessment WHERE id % 20 = 0""",
]

# Enrolment g (1-based) is person (g - 1) % PEOPLE; each person's enrolments are in distinct
# modules, so at most one is active per person and module (the table's constraint).
# (%% is SQL's modulo, doubled because the statement takes parameters.)
ENROLMENT_SQL = f"""
WITH people AS (
    SELECT u.id AS user_id, m.organisation_id, m.team_id,
           row_number() OVER (ORDER BY u.id) - 1 AS n
      FROM accounts_user u JOIN accounts_membership m ON m.user_id = u.id
     WHERE m.role = 'learner'
), modules AS (
    SELECT id, current_version_id, row_number() OVER (ORDER BY id) - 1 AS n
      FROM training_module
), drawn AS (
    SELECT g, random() AS r, now() - random() * interval '{YEARS} years' AS created
      FROM generate_series(%(start)s, %(stop)s) g
)
INSERT INTO training_enrolment (learner_id, module_id, version_id, organisation_id, team_id,
                                source, status, due_date, created_at, started_at,
                                completed_at, withdrawn_at, last_activity_at)
SELECT p.user_id, mo.id, mo.current_version_id, p.organisation_id, p.team_id, 'assigned',
       s.status,
       CASE WHEN d.r < 0.7
            THEN (d.created + (30 + (d.r * 1000)::int %% 90) * interval '1 day')::date END,
       d.created,
       CASE WHEN s.status <> 'not_started' THEN d.created + interval '1 day' END,
       CASE WHEN s.status = 'completed'
            THEN least(d.created + (1 + (d.r * 977)::int %% 60) * interval '1 day', now()) END,
       CASE WHEN s.status = 'withdrawn' THEN d.created + interval '2 days' END,
       CASE WHEN s.status <> 'not_started' THEN d.created + interval '1 day' END
  FROM drawn d
  JOIN people p ON p.n = (d.g - 1) %% {PEOPLE}
  JOIN modules mo ON mo.n = ((((d.g - 1) / {PEOPLE}) * 20 + p.n %% 20) %% {MODULES})
  CROSS JOIN LATERAL (SELECT CASE WHEN d.r < 0.55 THEN 'completed'
                                  WHEN d.r < 0.72 THEN 'in_progress'
                                  WHEN d.r < 0.95 THEN 'not_started'
                                  ELSE 'withdrawn' END AS status) s
"""

# --- the hand-written SQL, one query per request ------------------------------------------

COMPLETION_COUNTS = """count(*) AS enrolled,
       count(*) FILTER (WHERE status IN ('in_progress', 'completed')) AS started,
       count(*) FILTER (WHERE status = 'completed') AS completed,
       count(*) FILTER (WHERE status IN ('not_started', 'in_progress')
                          AND due_date < %(today)s) AS overdue"""
SCOPE = "organisation_id = ANY(%(organisations)s) AND status <> 'withdrawn'"
MONTH = "date_trunc('month', created_at AT TIME ZONE 'Europe/London')"

SQL: dict[str, str] = {
    "module,month": f"""SELECT module_id, {MONTH} AS month, {COMPLETION_COUNTS}
                          FROM training_enrolment WHERE {SCOPE} GROUP BY 1, 2""",
    "module": f"""SELECT module_id, {COMPLETION_COUNTS}
                    FROM training_enrolment WHERE {SCOPE} GROUP BY 1""",
    "month": f"""SELECT {MONTH} AS month, {COMPLETION_COUNTS}
                   FROM training_enrolment WHERE {SCOPE} GROUP BY 1""",
    "team": f"""SELECT team_id, {COMPLETION_COUNTS}
                  FROM training_enrolment WHERE {SCOPE} GROUP BY 1""",
    "sector": f"""SELECT o.sector, {COMPLETION_COUNTS}
                    FROM training_enrolment e JOIN accounts_organisation o
                      ON o.id = e.organisation_id
                   WHERE e.{SCOPE} GROUP BY 1""",
    "competency": """
WITH current AS (
    SELECT DISTINCT ON (a.learner_id, a.competency_id)
           a.learner_id, a.competency_id, a.outcome, a.level, a.valid_until
      FROM competencies_assessment a
     WHERE NOT EXISTS (SELECT 1 FROM competencies_assessment later
                        WHERE later.supersedes_id = a.id)
     ORDER BY a.learner_id, a.competency_id, a.assessed_at DESC, a.id DESC
), people AS (
    SELECT DISTINCT user_id, organisation_id FROM accounts_membership
     WHERE organisation_id = ANY(%(organisations)s)
), states AS (
    SELECT c.competency_id,
           count(*) FILTER (WHERE c.outcome = 'competent'
                              AND (c.valid_until IS NULL OR c.valid_until > %(soon)s)) AS competent,
           count(*) FILTER (WHERE c.outcome = 'competent'
                              AND c.valid_until BETWEEN %(today)s AND %(soon)s) AS expiring_soon,
           count(*) FILTER (WHERE c.outcome = 'competent' AND c.valid_until < %(today)s) AS expired,
           count(*) FILTER (WHERE c.outcome <> 'competent') AS not_yet_competent
      FROM current c JOIN people p ON p.user_id = c.learner_id
     GROUP BY 1
), required AS (
    SELECT r.competency_id, m.user_id, max(r.level) AS level
      FROM competencies_requirement r
      JOIN accounts_membership m
        ON m.team_id = r.team_id AND (r.role = '' OR r.role = m.role)
     WHERE m.organisation_id = ANY(%(organisations)s)
     GROUP BY 1, 2
), against AS (
    SELECT q.competency_id, count(*) AS required,
           count(*) FILTER (WHERE c.outcome = 'competent'
                              AND (c.valid_until IS NULL OR c.valid_until >= %(today)s)
                              AND c.level >= q.level) AS required_and_met
      FROM required q
      LEFT JOIN current c ON c.learner_id = q.user_id AND c.competency_id = q.competency_id
     GROUP BY 1
)
SELECT coalesce(s.competency_id, a.competency_id), coalesce(s.competent, 0),
       coalesce(s.expiring_soon, 0), coalesce(s.expired, 0),
       coalesce(s.not_yet_competent, 0), coalesce(a.required, 0),
       coalesce(a.required_and_met, 0)
  FROM states s FULL JOIN against a ON a.competency_id = s.competency_id
""",
}

REQUESTS: list[tuple[str, str, dict[str, str]]] = [
    ("completions by module and month", "completions", {"group_by": "module,month"}),
    ("completions by module", "completions", {"group_by": "module"}),
    ("completions by month", "completions", {"group_by": "month"}),
    ("completions by team", "completions", {"group_by": "team"}),
    ("completions by sector", "completions", {"group_by": "sector"}),
    ("competencies by competency", "competencies", {"group_by": "competency"}),
]

KEYS = {
    "module": "module_id",
    "month": "month",
    "team": "team_id",
    "sector": "sector",
    "competency": "competency_id",
}
COMPLETION_FIGURES = ["enrolled", "started", "completed", "overdue"]
COMPETENCY_FIGURES = [
    "competent",
    "expiring_soon",
    "expired",
    "not_yet_competent",
    "required",
    "required_and_met",
]


def execute(statements: list[str], params: dict[str, Any] | None = None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, params)


def analyse() -> None:
    execute(["VACUUM ANALYZE"])


def learning_lead() -> Any:
    """A person who administers every organisation, signed in by session."""
    from django.test import Client

    from accounts.models import Membership, Organisation, Role, User

    lead = User.objects.create_user("lead@bench.example", "x", full_name="Learning lead")
    Membership.objects.bulk_create(
        Membership(user=lead, organisation=organisation, role=Role.ORG_ADMIN)
        for organisation in Organisation.objects.all()
    )
    client = Client()
    client.force_login(lead)
    return client


def sql_rows(name: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SQL[name], params)
        return cursor.fetchall()


def same_figures(body: dict[str, Any], rows: list[tuple[Any, ...]], group: str) -> None:
    """The API and the SQL must give the very same figures, or the timing means nothing."""
    figures = COMPETENCY_FIGURES if group == "competency" else COMPLETION_FIGURES
    keys = group.split(",")
    api = {
        tuple(row[KEYS[key]] for key in keys): [row[name] for name in figures]
        for row in body["rows"]
        if any(row[name] for name in figures)
    }
    sql = {}
    for row in rows:
        # date_trunc of a local time gives a local (naive) month start.
        key = [
            value.strftime("%Y-%m") if isinstance(value, datetime.datetime) else value
            for value in row[: len(keys)]
        ]
        if any(row[len(keys) :]):
            sql[tuple(key)] = list(row[len(keys) :])
    if api != sql:
        different = [k for k in set(api) | set(sql) if api.get(k) != sql.get(k)][:3]
        raise SystemExit(f"API and SQL disagree for {group}: {different}")


def measure(client: Any, enrolments: int) -> dict[str, dict[str, list[float]]]:
    from django.utils import timezone

    from accounts.models import Organisation
    from competencies.states import expiring_window

    today = timezone.localdate()
    params = {
        "organisations": list(Organisation.objects.values_list("pk", flat=True)),
        "today": today,
        "soon": today + expiring_window(),
    }
    results: dict[str, dict[str, list[float]]] = {}
    for label, endpoint, query in REQUESTS:
        url = f"/api/v1/stats/{endpoint}/"
        group = query["group_by"]
        first = client.get(url, query)
        if first.status_code != 200:
            raise SystemExit(f"{url} answered {first.status_code}: {first.content[:300]!r}")
        same_figures(first.json(), sql_rows(group, params), group)

        def api(url: str = url, query: dict[str, str] = query) -> None:
            if client.get(url, query).status_code != 200:
                raise SystemExit(f"{url} failed")

        def sql(group: str = group) -> None:
            sql_rows(group, params)

        results[label] = interleaved(ROUNDS[enrolments], {"api": api, "sql": sql}, warmup=2)
    return results


def report(
    small: dict[str, dict[str, list[float]]], large: dict[str, dict[str, list[float]]]
) -> None:
    print(f"\n{'request':34} {'enrolments':>10} {'api':>11} {'sql':>11} {'api/sql':>8}")
    for label, _, _ in REQUESTS:
        for size, times in ((SMALL, small[label]), (LARGE, large[label])):
            ratio = median_ratio(times["api"], times["sql"])
            print(
                f"{label:34} {size:>10,} {ms(times['api']):>11} {ms(times['sql']):>11} "
                f"{ratio:>8.2f}"
            )
    print(f"\ngrowth from {SMALL:,} to {LARGE:,} enrolments (median time, 10x the rows):")
    for label, _, _ in REQUESTS:
        api = statistics.median(large[label]["api"]) / statistics.median(small[label]["api"])
        sql = statistics.median(large[label]["sql"]) / statistics.median(small[label]["sql"])
        print(f"  growth {label}: api x{api:.1f}, sql x{sql:.1f}")
    print(f"\nat {LARGE:,} enrolments (median of per-round ratios, limit {LIMIT}):")
    for label, _, _ in REQUESTS:
        ratio = median_ratio(large[label]["api"], large[label]["sql"])
        print(f"api/sql ratio: {ratio:.2f} {label}")


def timed(what: str, step: Callable[[], None]) -> None:
    start = time.perf_counter()
    step()
    print(f"{what}: {time.perf_counter() - start:.1f} s", flush=True)


def main() -> None:
    with django_on_postgres("stats"):
        started = time.perf_counter()
        execute(["SELECT setseed(0.7)"])
        timed("loaded people, modules, competencies, assessments", lambda: execute(BASE_SQL))
        timed(
            f"loaded {SMALL:,} enrolments",
            lambda: execute([ENROLMENT_SQL], {"start": 1, "stop": SMALL}),
        )
        timed("vacuum analyse", analyse)
        client = learning_lead()
        small = measure(client, SMALL)
        timed(
            f"loaded {LARGE - SMALL:,} more enrolments",
            lambda: execute([ENROLMENT_SQL], {"start": SMALL + 1, "stop": LARGE}),
        )
        timed("vacuum analyse", analyse)
        large = measure(client, LARGE)
        report(small, large)
        print(f"\nwhole run: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
