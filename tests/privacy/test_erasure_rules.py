"""Every link to a person that introspection finds (privacy.personal_data.person_links) has
an erasure rule (issue 17): a new model with a foreign key to the person fails here until
erasure_rules.RULES says what erasure does to it, and each rule names real columns."""

from django.db import models

from privacy.erasure_rules import RULES
from privacy.personal_data import person_links

PERSONAL_TEXT = (models.CharField, models.TextField, models.JSONField, models.FileField)


def test_every_link_to_a_person_has_an_erasure_rule_and_no_rule_is_stale() -> None:
    links = {link.label for link in person_links()}

    assert links - set(RULES) == set(), "decide what erasure does to these links"
    assert set(RULES) - links == set(), "these rules name links that no longer exist"


def test_each_rule_names_columns_of_its_model() -> None:
    for link in person_links():
        rule = RULES[link.label]
        names = {field.name for field in link.model._meta.concrete_fields}
        assert set(rule.columns) | set(rule.files) <= names, link.label
        for column in rule.files:
            assert isinstance(link.model._meta.get_field(column), models.FileField), link.label


def test_a_rule_without_columns_is_for_a_row_that_holds_no_free_text_about_the_person() -> None:
    """A rule that changes nothing must say why (the link says who acted, say)."""
    for link in person_links():
        rule = RULES[link.label]
        if not (rule.columns or rule.files):
            assert rule.why, link.label
