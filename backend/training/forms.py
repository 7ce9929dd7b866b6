"""Forms for the learner site and the assign page. Business rules stay in services:
these forms only shape input and carry the services' field errors back to the page."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from accounts.models import Membership, Sector, Team
from core.errors import HearthError
from core.forms import RefusableForm
from training import selectors
from training.draws import DrawnQuestion
from training.models import Module, QuestionKind, Topic


class CatalogueFilterForm(forms.Form):
    """The catalogue's GET filters: words in the title or summary, a sector, a topic."""

    q = forms.CharField(
        label="Search titles and summaries",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "true"}),
        error_messages={"max_length": "Search with 100 characters or fewer."},
    )
    sector = forms.ChoiceField(
        label="Sector",
        required=False,
        error_messages={"invalid_choice": "Choose a sector from the list."},
    )
    topic = forms.ChoiceField(
        label="Topic",
        required=False,
        error_messages={"invalid_choice": "Choose a topic from the list."},
    )

    def __init__(self, *args: Any, topics: Iterable[Topic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["sector"]).choices = [
            ("", "All sectors"),
            *Sector.choices,
        ]
        cast(forms.ChoiceField, self.fields["topic"]).choices = [("", "All topics")] + [
            (topic.slug, topic.name) for topic in topics
        ]

    def filter(self, modules: QuerySet[Module]) -> QuerySet[Module]:
        """Narrow already-scoped modules by every filter that is valid; ignore the rest."""
        if not self.is_bound:
            return modules
        self.is_valid()
        data = self.cleaned_data
        return selectors.catalogue_filtered(
            modules,
            words=(data.get("q") or "").strip(),
            sector=data.get("sector") or "",
            topic=data.get("topic") or "",
        )

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.cleaned_data.get(name) for name in self.fields)


class ModuleChoiceField(forms.ModelChoiceField[Module]):
    def label_from_instance(self, obj: Module) -> str:
        return obj.current_version.title if obj.current_version else obj.slug


class TeamChoiceField(forms.ModelChoiceField[Team]):
    def label_from_instance(self, obj: Team) -> str:
        return f"{obj.name}, {obj.organisation.name}"


class AssignForm(RefusableForm):
    """Assign a module to a team or to chosen people, with a due date or a number of days.

    Choices are limited to what the actor may assign; the service checks scope again and
    owns the rules (one of team or people, a due date not in the past)."""

    module = ModuleChoiceField(
        queryset=Module.objects.none(),
        label="Module",
        empty_label="Choose a module",
        error_messages={
            "required": "Choose a module to assign.",
            "invalid_choice": "Choose a module from the list.",
        },
    )
    team = TeamChoiceField(
        queryset=Team.objects.none(),
        label="A whole team",
        required=False,
        empty_label="No team: I will choose people below",
        help_text="Everyone who is a learner in the team.",
        error_messages={"invalid_choice": "Choose one of your teams."},
    )
    learners = forms.TypedMultipleChoiceField(
        label="Or choose people",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose people from the list.",
            "invalid_list": "Choose people from the list.",
        },
    )
    due_date = forms.DateField(
        label="Due date",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Leave empty for no due date, or give a number of days instead.",
        error_messages={"invalid": "Enter a real due date, for example 27/03/2026."},
    )
    due_in_days = forms.IntegerField(
        label="Or due in this many days",
        required=False,
        min_value=1,
        max_value=730,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text="From today, 1 to 730.",
        error_messages={
            "invalid": "Enter the number of days as a whole number, like 30.",
            "min_value": "Enter a number of days from 1 to 730.",
            "max_value": "Enter a number of days from 1 to 730.",
        },
    )

    def __init__(
        self,
        *args: Any,
        modules: QuerySet[Module],
        teams: QuerySet[Team],
        learner_memberships: Sequence[Membership],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(ModuleChoiceField, self.fields["module"]).queryset = modules
        cast(TeamChoiceField, self.fields["team"]).queryset = teams
        cast(forms.TypedMultipleChoiceField, self.fields["learners"]).choices = learner_choices(
            learner_memberships
        )


def learner_choices(memberships: Iterable[Membership]) -> list[tuple[int, str]]:
    """One checkbox per person, naming their teams (a person can learn in two teams)."""
    teams: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    for membership in memberships:
        names.setdefault(membership.user_id, membership.user.full_name)
        if membership.team is not None:
            teams.setdefault(membership.user_id, []).append(membership.team.name)
    return [
        (user_id, f"{name} ({' and '.join(teams.get(user_id, []))})")
        for user_id, name in names.items()
    ]


@dataclass(frozen=True)
class QuizChoice:
    """One option as the learner sees it: never whether it is correct."""

    id: int
    text: str
    checked: bool


@dataclass
class QuizQuestion:
    """A question as the learner sees it, with their current choices and any errors."""

    key: str
    number: int
    text: str
    multiple: bool
    instruction: str
    choices: list[QuizChoice]
    errors: list[str] = field(default_factory=list)

    @property
    def input_name(self) -> str:
        return f"answer-{self.key}"

    @property
    def fieldset_id(self) -> str:
        return f"question-{self.key}"


class QuizForm:
    """The quiz as a form: one attempt's drawn questions and shuffled options
    (training.draws), in that order. It reads the learner's choices from POST and carries
    the scoring service's errors back to each question; it holds no correct answers or
    explanations."""

    def __init__(self, questions: Sequence[DrawnQuestion], data: QueryDict | None = None) -> None:
        self.data = data
        self.non_field_errors: list[str] = []
        self.questions = [
            QuizQuestion(
                key=drawn.question.key,
                number=number,
                text=drawn.question.text,
                multiple=drawn.question.kind == QuestionKind.MULTIPLE,
                instruction=str(QuestionKind(drawn.question.kind).label),
                choices=[
                    QuizChoice(
                        id=choice.pk,
                        text=choice.text,
                        checked=str(choice.pk) in self._raw(drawn.question.key),
                    )
                    for choice in drawn.choices
                ],
            )
            for number, drawn in enumerate(questions, start=1)
        ]

    def _raw(self, key: str) -> list[str]:
        return self.data.getlist(f"answer-{key}") if self.data is not None else []

    def answers(self) -> dict[str, Any]:
        """{question key: [choice ids]}; values that are not whole numbers are passed on as
        they are, so the scoring service explains the problem in its own words."""
        answers: dict[str, Any] = {}
        for question in self.questions:
            raw = self._raw(question.key)
            try:
                answers[question.key] = [int(value) for value in raw]
            except ValueError:
                answers[question.key] = raw
        return answers

    def apply_error(self, error: HearthError) -> None:
        by_key = {question.key: question for question in self.questions}
        for name, messages in error.fields.items():
            key = name.removeprefix("answers.")
            if key in by_key:
                by_key[key].errors.extend(messages)
            else:
                self.non_field_errors.extend(messages)
        if not error.fields:
            self.non_field_errors.append(error.message)

    @property
    def has_errors(self) -> bool:
        return bool(self.non_field_errors) or any(q.errors for q in self.questions)
