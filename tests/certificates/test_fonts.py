"""Issue 12: certificates carry fonts for the scripts staff names are written in, and
a bidirectional override in a stored name cannot reverse the name printed."""

from pathlib import Path

import pytest

from accounts.models import User
from certificates.pdf import certificate_pdf
from certificates.tasks import issue_certificate
from tests.certificates.conftest import certificate_of, complete_module, stored_pdf
from tests.certificates.pdfs import pdf_fonts, pdf_text, squashed
from tests.certificates.test_rendering import certificate, write
from tests.factories import UserFactory
from training.models import Module

DEJAVU = {"DejaVu-Sans", "DejaVu-Sans-Bold", "DejaVu-Serif-Bold"}


@pytest.mark.parametrize(
    ("name", "font"),
    [
        ("أميرة خان", "Noto-Naskh-Arabic-Bold"),  # Arabic
        ("王秀英", "Noto-Serif-CJK-SC-Bold"),  # Chinese
        ("Łucja Wąsowska-Żółć", None),  # Polish: DejaVu has every letter
        ("Sam Taylor 🌈😀", "Noto-Color-Emoji-Bold"),  # emoji, by fontconfig's fallback
    ],
)
def test_a_name_in_any_script_prints_every_character_in_an_embedded_font(
    tmp_path: Path, name: str, font: str | None
) -> None:
    path = write(tmp_path, certificate_pdf(certificate(learner_name=name)))

    fonts = pdf_fonts(path)
    names = {found.name for found in fonts}

    assert squashed(name) in squashed(pdf_text(path))
    assert all(found.embedded for found in fonts), fonts
    expected = DEJAVU | ({font} if font else set())
    assert names == expected, names  # nothing else: digits and spaces stay in DejaVu
    assert "HRTH-2026-7KQ4-M2XP" in pdf_text(path)


@pytest.mark.django_db
def test_a_bidirectional_override_stored_in_a_name_is_gone_from_the_certificate(
    module: Module, media: Path
) -> None:
    learner = UserFactory.create()
    # Stored before names were normalised on the way in (straight to the database).
    User.objects.filter(pk=learner.pk).update(full_name="\u202enahK\u202c Amira \u2066Khan\u2069")
    learner.refresh_from_db()
    enrolment = complete_module(learner, module)

    issue_certificate(enrolment.pk)

    issued = certificate_of(enrolment)
    text = pdf_text(stored_pdf(media, issued))
    assert issued.learner_name == "nahK Amira Khan"
    assert "nahK Amira Khan" in text
    assert not any(mark in text for mark in "\u202a\u202b\u202c\u202d\u202e\u2066\u2069")
