"""Filters of the dashboards, and the person record's actions. They only shape input;
figures come from the selectors, and the rules of each action from its service."""

import datetime
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils import timezone

from accounts.models import Team
from core.forms import RefusableForm
from reporting.indicators import Quarter

RECENT_QUARTERS = 8


def last_twelve_months(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """From the first of the month eleven months ago to today."""
    index = today.year * 12 + today.month - 1 - 11
    return datetime.date(index // 12, index % 12 + 1, 1), today


class DashboardFilterForm(forms.Form):
    """The organisation dashboard's period and team."""

    date_from = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real start date, for example 2026-03-27."},
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real end date, for example 2026-03-27."},
    )
    team = forms.TypedChoiceField(
        label="Team",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose one of your teams, or all of them."},
    )

    def __init__(self, *args: Any, teams: Iterable[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["team"]).choices = [
            ("", "All your teams"),
            *((team.pk, team.name) for team in teams),
        ]
        start, _ = last_twelve_months(timezone.localdate())
        self.fields["date_from"].help_text = f"Default: {start:%-d %B %Y}."
        self.fields["date_to"].help_text = "Default: today."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "Choose a day on or after the start.")
        return data

    def defaults(self) -> dict[str, Any]:
        start, end = last_twelve_months(timezone.localdate())
        return {"from": start, "to": end, "team": None}

    def cleaned(self) -> dict[str, Any]:
        defaults = self.defaults()
        return {
            "from": self.cleaned_data.get("date_from") or defaults["from"],
            "to": self.cleaned_data.get("date_to") or defaults["to"],
            "team": self.cleaned_data.get("team"),
        }


def recent_quarters(today: datetime.date | None = None) -> list[Quarter]:
    """This quarter and the seven before it, newest first."""
    current = Quarter.containing(today or timezone.localdate())
    return [current.shifted(-offset) for offset in range(RECENT_QUARTERS)]


class QuarterForm(forms.Form):
    """Which quarter a partnership's report shows (or is built for)."""

    quarter = forms.ChoiceField(
        label="Quarter",
        error_messages={
            "required": "Choose a quarter.",
            "invalid_choice": "Choose one of the last eight quarters.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        quarters = recent_quarters()
        field = cast(forms.ChoiceField, self.fields["quarter"])
        field.choices = [(str(q), _quarter_label(q)) for q in quarters]
        field.initial = str(Quarter.last_complete())

    def chosen_quarter(self) -> Quarter:
        return Quarter.parse(self.cleaned_data["quarter"])


def _quarter_label(quarter: Quarter) -> str:
    return f"{quarter} ({quarter.first_day:%b} to {quarter.last_day:%b %Y})"


REASON_HELP = "Kept in the enrolment's history, which the learner's managers can see."


class ExtendForm(RefusableForm):
    """A later due date for one enrolment, and why (training.services_changes checks)."""

    due_date = forms.DateField(
        label="New due date",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Later than the current due date.",
        error_messages={"required": "Enter the new due date.", "invalid": "Enter a real date."},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=REASON_HELP,
        error_messages={"required": "Say why."},
    )


class WithdrawForm(RefusableForm):
    """Withdraw one enrolment, and why."""

    reason = forms.CharField(
        label="Reason for withdrawing",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=REASON_HELP + " Progress so far is kept.",
        error_messages={"required": "Say why."},
    )
