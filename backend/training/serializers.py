"""API representations of modules, enrolments, progress and quiz attempts.

Nothing here exposes which choices are correct or a question's explanation
before the learner passed the quiz or has no attempts left, nor ever when their
organisation says never (quizzes.quiz_answers_shown, docs/adr/0017).
"""

from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from core.fields import TextField
from core.ids import MAX_ID
from training.models import (
    Choice,
    Enrolment,
    Lesson,
    Module,
    Question,
    QuestionKind,
    QuizAttempt,
)
from training.quizzes import AnswerFeedback, attempt_feedback
from training.selectors import progress_percent


class ModuleSerializer(serializers.ModelSerializer[Module]):
    title = serializers.CharField(source="current_version.title")
    summary = serializers.CharField(source="current_version.summary")
    version = serializers.IntegerField(source="current_version.number")
    estimated_minutes = serializers.IntegerField(source="current_version.estimated_minutes")
    pass_mark = serializers.IntegerField(source="current_version.pass_mark")
    sectors = serializers.ListField(child=serializers.CharField(), source="sector_codes")
    topics = serializers.SerializerMethodField()
    organisation = serializers.IntegerField(source="organisation_id", allow_null=True)

    class Meta:
        model = Module
        fields = [
            "id",
            "slug",
            "title",
            "summary",
            "version",
            "estimated_minutes",
            "pass_mark",
            "sectors",
            "topics",
            "organisation",
        ]

    def get_topics(self, module: Module) -> list[str]:
        return [topic.slug for topic in module.topics.all()]


class LessonSerializer(serializers.ModelSerializer[Lesson]):
    class Meta:
        model = Lesson
        fields = ["id", "position", "title", "body_html"]


class ChoiceSerializer(serializers.ModelSerializer[Choice]):
    class Meta:
        model = Choice
        fields = ["id", "text"]


class QuestionSerializer(serializers.ModelSerializer[Question]):
    choices = ChoiceSerializer(many=True)

    class Meta:
        model = Question
        fields = ["key", "kind", "text", "choices"]


class QuizSerializer(serializers.Serializer[Any]):
    pass_mark = serializers.IntegerField()
    max_attempts = serializers.IntegerField(help_text="0 means unlimited.")
    questions = QuestionSerializer(many=True)


class ModuleDetailSerializer(ModuleSerializer):
    lessons = LessonSerializer(many=True, source="current_version.lessons")
    quiz = serializers.SerializerMethodField()

    class Meta(ModuleSerializer.Meta):
        fields = [*ModuleSerializer.Meta.fields, "lessons", "quiz"]

    def get_quiz(self, module: Module) -> dict[str, Any] | None:
        version = module.current_version
        if version is None:
            return None
        questions = list(version.questions.all())
        if not questions:
            return None
        return QuizSerializer(
            {
                "pass_mark": version.pass_mark,
                "max_attempts": version.max_attempts,
                "questions": questions,
            }
        ).data


class PersonRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class ModuleRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    slug = serializers.CharField()


class ProgressSerializer(serializers.Serializer[Any]):
    lessons_total = serializers.IntegerField()
    lessons_done = serializers.IntegerField()
    quiz_passed = serializers.BooleanField()
    attempts = serializers.IntegerField()
    best_score = serializers.IntegerField(allow_null=True)
    percent = serializers.IntegerField()


class EnrolmentSerializer(serializers.ModelSerializer[Enrolment]):
    learner = PersonRefSerializer()
    module = ModuleRefSerializer()
    title = serializers.CharField(source="version.title")
    version = serializers.IntegerField(source="version.number")
    team = serializers.IntegerField(source="team_id", allow_null=True)
    organisation = serializers.IntegerField(
        source="organisation_id",
        allow_null=True,
        help_text="The organisation the enrolment was made under; scope follows it.",
    )
    overdue = serializers.BooleanField(source="is_overdue")
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "learner",
            "module",
            "title",
            "version",
            "team",
            "organisation",
            "source",
            "status",
            "due_date",
            "overdue",
            "progress",
            "assigned_by",
            "created_at",
            "started_at",
            "completed_at",
            "withdrawn_at",
        ]
        read_only_fields = fields

    def get_progress(self, enrolment: Any) -> dict[str, Any]:
        return ProgressSerializer(
            {
                "lessons_total": enrolment.lessons_total,
                "lessons_done": enrolment.lessons_done,
                "quiz_passed": enrolment.quiz_passed,
                "attempts": enrolment.attempts_count,
                "best_score": enrolment.best_score,
                "percent": progress_percent(enrolment),
            }
        ).data


class ResumeSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["lesson", "quiz", "done"])
    lesson_position = serializers.IntegerField(allow_null=True)


class EnrolmentDetailSerializer(EnrolmentSerializer):
    lessons_done_ids = serializers.ListField(child=serializers.IntegerField())
    resume = ResumeSerializer()

    class Meta(EnrolmentSerializer.Meta):
        fields = [*EnrolmentSerializer.Meta.fields, "lessons_done_ids", "resume"]
        read_only_fields = fields


class SelfEnrolSerializer(serializers.Serializer[Any]):
    module = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class AssignSerializer(serializers.Serializer[Any]):
    """A team or some learners (one or the other: an empty or null one counts as not
    given), and a due date or a number of days (not both)."""

    module = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    team = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    learners = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        allow_null=True,
        max_length=5000,
    )
    due_date = serializers.DateField(required=False, allow_null=True)
    due_in_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=730
    )


# --- The rules AssignSerializer keeps, stated for the schema only (issue 11) -------------


class _AssignDue(serializers.Serializer[Any]):
    schema_not_both = ("due_date", "due_in_days")

    module = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    due_date = serializers.DateField(
        required=False, allow_null=True, help_text="Today or later; not with due_in_days."
    )
    due_in_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=730
    )


class AssignToTeamSerializer(_AssignDue):
    team = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class AssignToLearnersSerializer(_AssignDue):
    learners = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=5000
    )


ASSIGN_SCHEMA = PolymorphicProxySerializer(
    component_name="AssignTo",
    serializers=[AssignToTeamSerializer, AssignToLearnersSerializer],
    resource_type_field_name=None,
)


class AssignmentResultSerializer(serializers.Serializer[Any]):
    created = serializers.ListField(child=serializers.IntegerField(), help_text="Enrolment ids.")
    already_enrolled = serializers.ListField(
        child=serializers.IntegerField(), help_text="Existing active enrolment ids, unchanged."
    )
    due_date = serializers.DateField(allow_null=True)


class ExtendSerializer(serializers.Serializer[Any]):
    due_date = serializers.DateField(
        help_text="Later than the current due date, and today or later."
    )
    reason = TextField(
        max_length=500, help_text="Why the learner has longer: kept in the enrolment's history."
    )


class WithdrawSerializer(serializers.Serializer[Any]):
    reason = TextField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why, kept in the enrolment's history: required when a manager or org "
        "admin withdraws; a learner withdrawing their own self-enrolment may leave it out.",
    )


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "oneOf": [{"type": "integer"}, {"type": "array", "items": {"type": "integer"}}]
        },
    }
)
class AnswersField(serializers.JSONField):
    """Answers as training.scoring.clean_answers reads them (it checks them against the
    attempt's drawn questions: each answered with its own choices)."""


class QuizSubmitSerializer(serializers.Serializer[Any]):
    answers = AnswersField(
        help_text=(
            "An object mapping each question key to a list of chosen choice ids (or one id); "
            "every question this attempt drew (GET .../quiz/) answered, and no other."
        )
    )


class QuestionResultSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(source="question.key")
    chosen = serializers.SerializerMethodField()
    correct = serializers.BooleanField()
    correct_choices = serializers.SerializerMethodField(
        help_text="Null until the learner passed or has no attempts left (or ever, if "
        "their organisation says never)."
    )
    explanation = serializers.CharField(
        allow_null=True, help_text="Null while the right answers are withheld."
    )

    def get_chosen(self, feedback: AnswerFeedback) -> list[int]:
        return [choice.pk for choice in feedback.chosen]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField(), allow_null=True))
    def get_correct_choices(self, feedback: AnswerFeedback) -> list[int] | None:
        if feedback.correct_choices is None:
            return None
        return [choice.pk for choice in feedback.correct_choices]


class QuizAttemptSerializer(serializers.ModelSerializer[QuizAttempt]):
    """An attempt with its marked questions, in the order it showed them. Needs `version`
    (selectors.version_with_content) and `answers_shown` (quizzes.quiz_answers_shown)
    in its context."""

    answers_shown = serializers.SerializerMethodField(
        help_text="Whether the right answers and explanations are included."
    )
    results = serializers.SerializerMethodField()

    class Meta:
        model = QuizAttempt
        fields = [
            "number",
            "score",
            "passed",
            "correct_count",
            "question_count",
            "submitted_at",
            "answers_shown",
            "results",
        ]
        read_only_fields = fields

    def get_answers_shown(self, attempt: QuizAttempt) -> bool:
        return bool(self.context["answers_shown"])

    @extend_schema_field(QuestionResultSerializer(many=True))
    def get_results(self, attempt: QuizAttempt) -> list[dict[str, Any]]:
        feedback = attempt_feedback(
            version=self.context["version"],
            attempt=attempt,
            answers_shown=self.context["answers_shown"],
        )
        return list(QuestionResultSerializer(feedback, many=True).data)


class QuizResultSerializer(QuizAttemptSerializer):
    completed = serializers.SerializerMethodField(
        help_text="Whether this attempt completed the module."
    )

    class Meta(QuizAttemptSerializer.Meta):
        fields = [*QuizAttemptSerializer.Meta.fields, "completed"]
        read_only_fields = fields

    def get_completed(self, attempt: QuizAttempt) -> bool:
        return bool(self.context["completed"])


class DrawnQuestionSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(source="question.key")
    kind = serializers.ChoiceField(source="question.kind", choices=QuestionKind.choices)
    text = serializers.CharField(source="question.text")
    choices = ChoiceSerializer(many=True, help_text="In this attempt's order.")


class NextQuizSerializer(serializers.Serializer[Any]):
    """The next attempt's quiz: its drawn questions, shuffled options, never the answers."""

    number = serializers.IntegerField(help_text="The attempt these questions are for.")
    pass_mark = serializers.IntegerField()
    max_attempts = serializers.IntegerField(help_text="0 means unlimited.")
    attempts_left = serializers.IntegerField(allow_null=True, help_text="Null when unlimited.")
    may_attempt = serializers.BooleanField(
        help_text="False once completed, withdrawn or out of attempts."
    )
    opens_at = serializers.DateTimeField(
        allow_null=True, help_text="While waiting after a failed attempt, when the next opens."
    )
    questions = DrawnQuestionSerializer(many=True)
