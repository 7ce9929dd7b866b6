"""The share of required training met in each member organisation of a partnership
(issue 15, ADR 0019), counted by compliance.figures and shown with no person in it.

Suppressed where it would say something of each person: an organisation with fewer
learners than the small-number threshold (ADR 0008), or one where none or all of the
counted requirements are met (as a zero count is suppressed)."""

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from accounts.models import Sector
from compliance.figures import organisation_totals
from reporting.selectors import StatsScope


def compliance_shares(scope: StatsScope, *, on: datetime.date | None = None) -> dict[str, Any]:
    """Each member organisation, by name, with its share met or `suppressed`."""
    day = on or timezone.localdate()
    threshold = int(settings.HEARTH_SMALL_NUMBER_THRESHOLD)
    totals = organisation_totals(
        organisation_ids=[member.id for member in scope.organisations], on=day
    )
    rows = []
    for member in scope.organisations:
        figures = totals[member.id]
        hidden = figures.people < threshold or figures.met in (0, figures.counted)
        rows.append(
            {
                "organisation": member.id,
                "organisation_name": member.name,
                "sector": member.sector,
                "sector_label": Sector(member.sector).label,
                "share_met": None if hidden else figures.share_met,
                "suppressed": hidden,
            }
        )
    return {
        "partnership": {"id": scope.partnership_id, "name": scope.partnership_name},
        "on": day.isoformat(),
        "threshold": threshold,
        "organisations": rows,
    }


CSV_COLUMNS = ["organisation", "organisation_name", "sector", "share_met", "suppressed"]


def compliance_shares_csv(data: dict[str, Any]) -> list[list[Any]]:
    """The same rows as CSV: "suppressed" where the share is hidden."""
    return [
        CSV_COLUMNS,
        *(
            [
                row["organisation"],
                row["organisation_name"],
                row["sector"],
                "suppressed" if row["suppressed"] else row["share_met"],
                row["suppressed"],
            ]
            for row in data["organisations"]
        ),
    ]
