"""Names for the ids in a statistics table (modules, teams, organisations, competencies),
loaded once per request with one query per kind, and the labels and order of sectors,
domains and levels."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from accounts.models import Organisation, Sector, Team
from competencies.models import Competency, Domain, Level
from reporting.selectors import OrganisationInfo
from training.models import Module

SECTOR_LABELS = dict(Sector.choices)
SECTOR_ORDER = {code: index for index, code in enumerate(Sector.values)}
DOMAIN_LABELS = dict(Domain.choices)
DOMAIN_ORDER = {code: index for index, code in enumerate(Domain.values)}
LEVEL_LABELS = dict(Level.choices)


@dataclass(frozen=True)
class CompetencyInfo:
    id: int
    code: str
    title: str
    domain: str
    level: int
    indicators: str


@dataclass
class Labels:
    """Names for the ids in a table, loaded once per request (one query per kind)."""

    modules: dict[int, str] = field(default_factory=dict)
    teams: dict[int, str] = field(default_factory=dict)
    organisations: dict[int, OrganisationInfo] = field(default_factory=dict)
    competencies: dict[int, CompetencyInfo] = field(default_factory=dict)

    def load_modules(self, ids: Iterable[int]) -> None:
        self.modules = dict(
            Module.objects.filter(pk__in=set(ids)).values_list("pk", "current_version__title")
        )

    def load_teams(self, ids: Iterable[int | None]) -> None:
        wanted = {pk for pk in ids if pk is not None}
        self.teams = dict(Team.objects.filter(pk__in=wanted).values_list("pk", "name"))

    def load_organisations(self, ids: Iterable[int | None]) -> None:
        wanted = {pk for pk in ids if pk is not None}
        self.organisations = {
            row[0]: OrganisationInfo(*row)
            for row in Organisation.objects.filter(pk__in=wanted).values_list(
                "pk", "name", "sector"
            )
        }

    def use_organisations(self, organisations: Iterable[OrganisationInfo]) -> None:
        self.organisations = {info.id: info for info in organisations}

    def load_competencies(self) -> None:
        self.competencies = {
            row[0]: CompetencyInfo(*row)
            for row in Competency.objects.order_by("code", "pk").values_list(
                "pk", "code", "title", "domain", "level", "indicators"
            )
        }

    def sector_of(self, organisation_id: int | None) -> str | None:
        info = self.organisations.get(organisation_id) if organisation_id is not None else None
        return info.sector if info else None
