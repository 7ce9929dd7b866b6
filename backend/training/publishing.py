"""Publishing module content: a module file becomes a new version only when it changed."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from accounts.models import Organisation
from core.codes import codes_joined
from training.content import ModuleSpec
from training.models import Choice, Lesson, Module, ModuleVersion, Question, Topic
from training.rendering import render_markdown


@dataclass(frozen=True)
class PublishResult:
    module: Module
    version: ModuleVersion
    created: bool


@transaction.atomic
def module_publish(*, spec: ModuleSpec, organisation: Organisation | None = None) -> PublishResult:
    """Publish a module file: unchanged content is a no-op; a change makes a new version,
    so learners who already started keep the version they started."""
    module, _ = Module.objects.select_for_update().get_or_create(
        slug=spec.slug, organisation=organisation
    )
    digest = spec.content_hash()
    current = module.current_version
    if current is not None and current.content_hash == digest:
        return PublishResult(module=module, version=current, created=False)
    number = (module.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ModuleVersion.objects.create(
        module=module,
        number=number,
        title=spec.title,
        summary=spec.summary,
        estimated_minutes=spec.estimated_minutes,
        pass_mark=spec.pass_mark,
        max_attempts=spec.max_attempts,
        quiz_draw=spec.quiz_draw,
        retry_wait_minutes=spec.retry_wait_minutes,
        content_hash=digest,
    )
    Lesson.objects.bulk_create(
        Lesson(
            version=version,
            position=position,
            title=lesson.title,
            body_markdown=lesson.body,
            body_html=render_markdown(lesson.body),
        )
        for position, lesson in enumerate(spec.lessons, start=1)
    )
    for position, question_spec in enumerate(spec.questions, start=1):
        question = Question.objects.create(
            version=version,
            key=question_spec.key,
            position=position,
            kind=question_spec.kind,
            text=question_spec.text,
            explanation=question_spec.explanation,
        )
        Choice.objects.bulk_create(
            Choice(question=question, position=index, text=choice.text, is_correct=choice.correct)
            for index, choice in enumerate(question_spec.choices, start=1)
        )
    module.current_version = version
    module.sectors = codes_joined(spec.sectors)
    module.save(update_fields=["current_version", "sectors"])
    topics = [
        Topic.objects.get_or_create(
            slug=slug, defaults={"name": slug.replace("-", " ").capitalize()}
        )[0]
        for slug in spec.topics
    ]
    module.topics.set(topics)
    return PublishResult(module=module, version=version, created=True)
