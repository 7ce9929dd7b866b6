"""Query parameters of the compliance API (validated here) and, for the OpenAPI schema,
the shape of its answers (built as plain data by compliance.figures' rows, never
serialised row by row)."""

from typing import Any

from rest_framework import serializers

from compliance.states import State
from core.filters import QuerySerializer
from core.ids import MAX_ID


def _id(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=help_text
    )


class FiguresQuerySerializer(QuerySerializer):
    organisation = _id("One of your organisations (if you have several).")


class PeopleQuerySerializer(QuerySerializer):
    organisation = _id("One of your organisations (if you have several).")
    team = _id("Only the learners of this team (one in your scope).")
    person = _id("Only this person.")
    state = serializers.ChoiceField(choices=State.choices, required=False)


class _States(serializers.Serializer[Any]):
    compliant = serializers.IntegerField()
    due_soon = serializers.IntegerField()
    overdue = serializers.IntegerField()
    expired = serializers.IntegerField()
    not_started = serializers.IntegerField()
    exempt = serializers.IntegerField()


class FiguresSerializer(serializers.Serializer[Any]):
    people = serializers.IntegerField(help_text="Learners counted.")
    requirements = serializers.IntegerField(help_text="(person, requirement) pairs that apply.")
    counted = serializers.IntegerField(help_text="Requirements less the exempt ones.")
    met = serializers.IntegerField(help_text="Compliant or due soon.")
    share_met = serializers.FloatField(
        allow_null=True, help_text="met / counted, a percentage to 0.1; null when 0 counted."
    )
    missed = serializers.IntegerField(help_text="Overdue or expired.")
    people_overdue = serializers.IntegerField(help_text="People with a missed requirement.")
    states = _States()
    due_within_30_days = serializers.IntegerField(help_text="Not missed, due within 30 days.")
    due_within_60_days = serializers.IntegerField()
    due_within_90_days = serializers.IntegerField()


class _OverduePerson(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    missed = serializers.IntegerField()


class _TeamFigures(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    figures = FiguresSerializer()


class _OrganisationFigures(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    figures = FiguresSerializer()
    teams = _TeamFigures(many=True)
    people_overdue = _OverduePerson(many=True)


class ComplianceSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    organisations = _OrganisationFigures(many=True)


class StandingRowSerializer(serializers.Serializer[Any]):
    """One person's standing in one requirement."""

    organisation = serializers.IntegerField()
    person = serializers.IntegerField()
    full_name = serializers.CharField()
    requirement = serializers.CharField(help_text="training-<id> or competency-<id>.")
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=["module", "external", "competency"])
    state = serializers.ChoiceField(choices=State.choices)
    completed_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    exempt_until = serializers.DateField(allow_null=True)
