"""Forms for the competency pages. Business rules stay in services and the API's filter
validation: these forms shape input, keep what was typed, and carry errors back."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from accounts.models import User
from competencies.evidence import EVIDENCE_MAX_BYTES
from competencies.models import Competency, Domain, Level, Method, Outcome
from competencies.selectors import MatrixFilters
from competencies.serializers import matrix_filters
from competencies.states import State
from core.forms import RefusableForm

MATRIX_FILTER_NAMES = ("framework", "domain", "level", "state", "required_only")


def _messages(detail: Any) -> list[str]:
    if isinstance(detail, list | tuple):
        return [str(message) for message in detail]
    return [str(detail)]


class MatrixFilterForm(forms.Form):
    """The matrix's GET filters as controls. Validation is the API's own
    (competencies.serializers.matrix_filters), so the page, its CSV and the API accept exactly the
    same filters; these fields never refuse anything themselves."""

    framework = forms.CharField(label="Framework", required=False, widget=forms.Select)
    domain = forms.CharField(label="Domain", required=False, widget=forms.Select)
    level = forms.CharField(label="Level", required=False, widget=forms.Select)
    state = forms.CharField(label="State", required=False, widget=forms.Select)
    required_only = forms.BooleanField(
        label="Required only",
        required=False,
        help_text="Only competencies this team requires of someone.",
    )

    def __init__(self, data: QueryDict, *, frameworks: Iterable[tuple[int, str]]) -> None:
        super().__init__(data if any(name in data for name in MATRIX_FILTER_NAMES) else None)
        choices: dict[str, list[tuple[Any, str]]] = {
            "framework": [("", "All frameworks"), *frameworks],
            "domain": [("", "All domains"), *Domain.choices],
            "level": [("", "All levels"), *Level.choices],
            "state": [("", "Any state"), *State.choices],
        }
        for name, options in choices.items():
            cast(forms.Select, self.fields[name].widget).choices = options
        self.filters = MatrixFilters()
        self.valid_params = QueryDict(mutable=True)

    def clean(self) -> dict[str, Any]:
        """Validate with the API's filters; keep the valid ones when some are not."""
        cleaned = super().clean() or {}
        params = cast(QueryDict, self.data).copy()
        try:
            self.filters = matrix_filters(params, blank_means_any=True)
        except ValidationError as error:
            detail = cast(Mapping[str, Any], error.detail)
            for name, messages in detail.items():
                self.add_error(name if name in self.fields else None, _messages(messages))
                params.pop(name, None)
            try:
                self.filters = matrix_filters(params, blank_means_any=True)
            except ValidationError:  # Fields are checked one by one, so this is not expected.
                params = QueryDict(mutable=True)
        for name in MATRIX_FILTER_NAMES:
            values = [value for value in params.getlist(name) if value]
            if values:
                self.valid_params.setlist(name, values)
        return cleaned

    @property
    def is_filtered(self) -> bool:
        return self.filters != MatrixFilters()


class CompetencyChoiceField(forms.TypedChoiceField):
    """Competencies grouped by framework, each labelled with its code, title and level;
    cleans to the Competency itself."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, **kwargs)
        self.by_id: dict[int, Competency] = {}

    def set_competencies(self, competencies: Iterable[Competency]) -> None:
        groups: dict[str, list[tuple[int, str]]] = {}
        for competency in competencies:
            self.by_id[competency.pk] = competency
            groups.setdefault(competency.framework.title, []).append(
                (
                    competency.pk,
                    f"{competency.code} {competency.title} (level {competency.level})",
                )
            )
        self.choices = [("", "Choose a competency"), *groups.items()]

    def clean(self, value: Any) -> Competency | None:
        competency_id = super().clean(value)
        return self.by_id.get(competency_id) if competency_id else None


class LearnerChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({obj.email})"


ACCEPTED_EVIDENCE = ",".join(
    [
        ".pdf",
        ".jpg",
        ".jpeg",
        ".png",
        ".docx",
        "application/pdf",
        "image/jpeg",
        "image/png",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]
)


class AssessmentForm(RefusableForm):
    """An assessor records an observation or evidence review. Choices are limited to the
    people the actor may assess; the service checks scope again and owns every rule (not
    oneself, not in the future, evidence for a competent outcome, what a correction may
    correct)."""

    learner = LearnerChoiceField(
        queryset=User.objects.none(),
        label="Person assessed",
        empty_label="Choose a person",
        error_messages={
            "required": "Choose the person you assessed.",
            "invalid_choice": "Choose a person you assess.",
        },
    )
    competency = CompetencyChoiceField(
        label="Competency",
        error_messages={
            "required": "Choose the competency you assessed.",
            "invalid_choice": "Choose a competency from the list.",
        },
    )
    method = forms.ChoiceField(
        label="Method",
        choices=[(Method.OBSERVATION, "Observation"), (Method.EVIDENCE, "Evidence review")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose observation or evidence review.",
            "invalid_choice": "Choose observation or evidence review.",
        },
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose competent or not yet competent.",
            "invalid_choice": "Choose competent or not yet competent.",
        },
    )
    level = forms.TypedChoiceField(
        label="Level attained",
        choices=[("", "The competency's own level"), *Level.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Leave as the competency's own level unless you assessed another level.",
        error_messages={"invalid_choice": "Choose a level from the list."},
    )
    evidence_note = forms.CharField(
        label="Evidence",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "true"}),
        help_text="What you observed or reviewed. Needed when the outcome is competent, "
        "unless you attach a file.",
        error_messages={"max_length": "Keep the evidence to 5,000 characters or fewer."},
    )
    evidence_file = forms.FileField(
        label="Evidence file (optional)",
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPTED_EVIDENCE}),
        help_text=f"A PDF, JPEG, PNG or Word (.docx) file, up to "
        f"{EVIDENCE_MAX_BYTES // (1024 * 1024)} MB.",
        error_messages={
            "invalid": "Choose the evidence file again.",
            "missing": "Choose the evidence file again.",
            "empty": "The evidence file is empty: choose another.",
        },
    )
    assessed_at = forms.DateField(
        label="Date assessed",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the date you assessed.",
            "invalid": "Enter a real date, for example 27/03/2026.",
        },
    )
    supersedes = forms.IntegerField(
        label="Correction",
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "No such assessment to correct.",
            "min_value": "No such assessment to correct.",
        },
    )

    def __init__(
        self,
        *args: Any,
        learners: QuerySet[User],
        competencies: Sequence[Competency],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(LearnerChoiceField, self.fields["learner"]).queryset = learners
        cast(CompetencyChoiceField, self.fields["competency"]).set_competencies(competencies)
        today = timezone.localdate()
        self.fields["assessed_at"].initial = today
        self.fields["assessed_at"].widget.attrs["max"] = today.isoformat()

    def assessed_at_datetime(self) -> datetime.datetime:
        """The date as a moment: now for today, midday for any other day (so a future date
        stays in the future, for the service to refuse)."""
        day: datetime.date = self.cleaned_data["assessed_at"]
        if day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
