"""Bulk onboarding (ADR 0022): plan an organisation's people file (parse, validate, diff;
reads only) and apply it in one transaction with bulk writes. Applying the same file
again changes nothing. Queries are a fixed number whatever the file's size.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.leaving import people_leave
from accounts.models import Membership, MembershipStatus, Organisation, Role, Team, User
from accounts.onboarding_file import FileError, Row, RowError, parse
from accounts.selectors import Actor, organisation_get_for_admin
from core.errors import HearthError, NotFound
from core.jobs import enqueue_on_commit

ACTIONS = ("create", "change", "move", "deactivate", "unchanged")


@dataclass
class Plan:
    organisation: Organisation
    rows: list[Row]
    today: datetime.date
    users: dict[str, User] = field(default_factory=dict)
    mine: dict[int, Membership] = field(default_factory=dict)  # row number -> membership
    member_ids: set[int] = field(default_factory=set)  # users with an accepted membership
    leaving_ids: set[int] = field(default_factory=set)
    managers: set[tuple[str, int]] = field(default_factory=set)  # (email, team id) to add
    teams: dict[str, Team] = field(default_factory=dict)

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            if row.action:
                counts[row.action] += 1
        counts["errors"] = sum(1 for row in self.rows if row.errors)
        counts["managers_added"] = len(self.managers)
        return counts


def _read(actor: Actor, organisation_id: int, content: bytes, filename: str) -> Plan:
    organisation = organisation_get_for_admin(actor=actor, organisation_id=organisation_id)
    try:
        rows = parse(content, filename)
    except FileError as error:
        raise HearthError(str(error), fields={"file": [str(error)]}) from error
    plan = Plan(organisation=organisation, rows=rows, today=timezone.localdate())
    plan.teams = {
        team.name.lower(): team for team in Team.objects.filter(organisation=organisation)
    }
    emails = {row.email for row in rows if row.email}
    plan.users = {user.email: user for user in User.objects.filter(email__in=emails)}
    here = list(
        Membership.including_pending.filter(
            organisation=organisation, user__email__in=emails
        ).order_by("pk")
    ) + list(
        Membership.including_pending.filter(
            organisation=organisation,
            employee_number__in={row.employee_number for row in rows if row.employee_number},
        )
        .exclude(user__email__in=emails)
        .select_related("user")
    )
    _diff(plan, here)
    return plan


def _diff(plan: Plan, here: list[Membership]) -> None:
    by_number = {m.employee_number.lower(): m for m in here if m.employee_number}
    by_user: dict[int, list[Membership]] = {}
    for membership in here:
        by_user.setdefault(membership.user_id, []).append(membership)
        if membership.status == MembershipStatus.ACTIVE:
            plan.member_ids.add(membership.user_id)
    managing = {(m.user_id, m.team_id) for m in here if m.role == Role.MANAGER}
    ids = {user.pk: email for email, user in plan.users.items()}
    for row in plan.rows:
        team = plan.teams.get(row.team.lower())
        if row.team and team is None:
            row.error("team", f"There is no team “{row.team}” in {plan.organisation.name}.")
        user = plan.users.get(row.email)
        numbered = by_number.get(row.employee_number.lower())
        if numbered is not None and ids.get(numbered.user_id) != row.email:
            row.error("employee_number", "This employee number belongs to another work email.")
        if row.errors:
            continue
        memberships = by_user.get(user.pk, []) if user else []
        if row.leaves_on is not None and row.leaves_on <= plan.today:
            row.action = "deactivate" if memberships else "unchanged"
            if user is not None and memberships:
                plan.leaving_ids.add(user.pk)
            continue
        mine = numbered or next(
            (m for m in memberships if not m.employee_number and m.team_id is not None), None
        )
        if mine is None:
            row.action = "create"
            continue
        if mine.employee_number and mine.employee_number != row.employee_number:
            row.error("email", "This person already has another employee number here.")
            continue
        plan.mine[row.number] = mine
        wanted = (row.role, row.full_name, row.employee_number, row.starts_on, row.leaves_on)
        held = (
            mine.role,
            mine.invited_full_name,
            mine.employee_number,
            mine.starts_on,
            mine.leaves_on,
        )
        if team is not None and mine.team_id != team.pk:
            row.action = "move"
        else:
            row.action = "change" if wanted != held else "unchanged"
    _managers(plan, managing)


def _managers(plan: Plan, managing: set[tuple[int, int | None]]) -> None:
    """Each manager named must be someone staying in this file; they get the manager role
    in the row's team unless they hold it already (or will, from their own row)."""
    refs: dict[str, Row] = {}
    for row in plan.rows:
        refs[row.email] = row
        refs[row.employee_number.lower()] = row
    for row in plan.rows:
        if not row.manager or row.errors:
            continue
        boss = refs.get(row.manager)
        team = plan.teams[row.team.lower()]
        if boss is None:
            row.error(
                "manager", f"No one in this file has the work email or number “{row.manager}”."
            )
        elif boss is row:
            row.error("manager", "A person cannot be their own manager.")
        elif boss.action == "deactivate" or boss.errors:
            row.error("manager", f"The manager (row {boss.number}) is leaving or has an error.")
        elif boss.role == Role.MANAGER and boss.team.lower() == row.team.lower():
            continue
        else:
            user = plan.users.get(boss.email)
            if user is None or (user.pk, team.pk) not in managing:
                plan.managers.add((boss.email, team.pk))


def onboarding_plan(
    *, actor: Actor, organisation_id: int, content: bytes, filename: str = ""
) -> Plan:
    """What applying the file would do, row by row, with each row's errors; saves nothing."""
    return _read(actor, organisation_id, content, filename)


@transaction.atomic
def onboarding_apply(
    *, actor: Actor, organisation_id: int, content: bytes, filename: str = ""
) -> Plan:
    """Apply the file in one transaction, only if no row has an error (else nothing is
    saved and the error names them). The organisation row is locked, so two imports of
    one organisation run one after the other, each planned against what the last saved."""
    if organisation_id not in actor.admin_organisation_ids:
        raise NotFound("No such organisation.")
    actor.require_write()
    Organisation.objects.select_for_update().filter(pk=organisation_id).first()
    plan = _read(actor, organisation_id, content, filename)
    if plan.errors:
        first = "; ".join(str(error) for error in plan.errors[:3])
        raise HearthError(
            f"Nothing was saved: {len(plan.errors)} errors in the file ({first}).",
            fields={"file": [str(error) for error in plan.errors]},
        )
    _write(plan)
    return plan


def _write(plan: Plan) -> None:
    organisation, now = plan.organisation, timezone.now()
    creating = [row for row in plan.rows if row.action == "create"]
    new_users = User.objects.bulk_create(
        [
            User(email=row.email, full_name=row.full_name, password=make_password(None))
            for row in creating
            if row.email not in plan.users
        ]
    )
    new_ids = [user.pk for user in new_users]
    plan.users.update({user.email: user for user in new_users})

    def membership(user: User, team: Team, role: str, row: Row | None) -> Membership:
        member = user.pk in plan.member_ids
        return Membership(
            user=user,
            organisation=organisation,
            team=team,
            role=role,
            status=MembershipStatus.ACTIVE if member else MembershipStatus.PENDING,
            accepted_at=now if member else None,
            accepts_with_password=user.pk in new_ids,
            invited_full_name=row.full_name if row else user.full_name,
            employee_number=row.employee_number if row else "",
            starts_on=row.starts_on if row else None,
            leaves_on=row.leaves_on if row else None,
        )

    made = [
        membership(plan.users[row.email], plan.teams[row.team.lower()], row.role, row)
        for row in creating
    ]
    made += [
        membership(
            plan.users[email],
            next(t for t in plan.teams.values() if t.pk == team_id),
            Role.MANAGER,
            None,
        )
        for email, team_id in sorted(plan.managers)
    ]
    Membership.including_pending.bulk_create(made)
    changed = []
    for row in plan.rows:
        if row.action in ("change", "move"):
            mine = plan.mine[row.number]
            mine.team = plan.teams[row.team.lower()]
            mine.role, mine.invited_full_name = row.role, row.full_name
            mine.employee_number, mine.starts_on, mine.leaves_on = (
                row.employee_number,
                row.starts_on,
                row.leaves_on,
            )
            changed.append(mine)
    Membership.including_pending.bulk_update(
        changed, ["team", "role", "invited_full_name", "employee_number", "starts_on", "leaves_on"]
    )
    people_leave(organisation_id=organisation.pk, user_ids=plan.leaving_ids, now=now)
    _notify(plan, new_ids, made)


def _notify(plan: Plan, new_ids: list[int], made: list[Membership]) -> None:
    """One job per organisation sends what the import owes (invitations to new accounts,
    notices to existing ones), each email at most once, as person_invite's."""
    from accounts.tasks import send_import_emails

    if made:
        enqueue_on_commit(
            send_import_emails,
            plan.organisation.pk,
            organisation_id=plan.organisation.pk,
            description=f"Emails to {len(made)} people imported into {plan.organisation.name}",
        )
