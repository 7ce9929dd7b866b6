"""What erasure does to every row that links to the erased person (issue 17): one entry per
link that `privacy.personal_data.person_links()` finds, so a new model with a foreign key to
the person fails tests/privacy/test_erasure_rules.py until it is decided here.

Each entry names the columns erasure overwrites on the rows that mention the person through
that link (the person's own evidence note, their exemption's reason, their name as invited)
and the value each gets. An entry with no columns is a decision too: the row says who did
something (an assessor, the person who assigned a module) and nothing personal beyond the
link itself, which points at the pseudonymised person row. Rows are never deleted, so every
statistic and indicator figure stays the same.

Rows held under an organisation (`personal_data.organisation_path`) are erased for the
organisation asking only. Rows that belong to no organisation (the person's own row, its
audit history, their second-factor devices) are erased once no other organisation still
holds un-erased records of the person: scope follows the record (ADR 0012).
"""

from dataclasses import dataclass, field
from typing import Any

from privacy.models import ExportStatus


class Token:
    """A value known only when erasing: the person's pseudonymous email, say."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Token({self.name})"


ERASED_EMAIL = Token("erased email")
ERASED_NAME = Token("erased name")
# The certificate's printed name: blanked when the person asked for it to be withheld (the
# verify page then says so), kept otherwise.
WITHHELD_NAME = Token("withheld name")

ERASED_FULL_NAME = "Erased person"


@dataclass(frozen=True)
class Rule:
    columns: dict[str, Any] = field(default_factory=dict)
    files: tuple[str, ...] = ()  # file columns whose stored files are deleted, then blanked
    why: str = ""


NOTHING_PERSONAL = Rule(why="says who acted; the link points at the pseudonymised person")

_PERSON = {"email": ERASED_EMAIL, "full_name": ERASED_NAME, "job_title": ""}
_MEMBERSHIP = {"invited_full_name": "", "invited_job_title": "", "employee_number": ""}
_ASSESSMENT = Rule(columns={"evidence_note": ""}, files=("evidence_file",))
# Why a certificate was revoked or reissued is often about its holder (a change of name).
_CERTIFICATE_REASONS = {"revoked_reason": "", "reissue_reason": ""}
_CERTIFICATE = Rule(columns={"learner_name": WITHHELD_NAME, **_CERTIFICATE_REASONS}, files=("pdf",))
_TRAINING_RECORD = Rule(columns={"notes": "", "certificate_number": ""}, files=("evidence_file",))

RULES: dict[str, Rule] = {
    "accounts.User.pk": Rule(columns=_PERSON, why="the person row stays, pseudonymised"),
    "accounts.Membership.user": Rule(columns=_MEMBERSHIP),
    "accounts.AccessEvent.subject": Rule(
        columns={"description": ""}, why="a read of their data may describe them"
    ),
    "accounts.OrganisationAPIKey.created_by": Rule(why="keys they made are revoked"),
    "admin.LogEntry.user": Rule(why="platform staff's own admin actions"),
    "audit.AssessmentEvent.learner": Rule(columns={"evidence_note": "", "evidence_file": ""}),
    "audit.AssessmentEvent.assessor": NOTHING_PERSONAL,
    "audit.CertificateEvent.learner": Rule(
        columns={"learner_name": WITHHELD_NAME, "pdf": "", **_CERTIFICATE_REASONS}
    ),
    "audit.CertificateEvent.issued_by": NOTHING_PERSONAL,
    "audit.CertificateEvent.revoked_by": NOTHING_PERSONAL,
    "audit.EnrolmentChangeEvent.by": NOTHING_PERSONAL,
    "audit.EnrolmentEvent.assigned_by": NOTHING_PERSONAL,
    "audit.EnrolmentEvent.learner": NOTHING_PERSONAL,
    "audit.ExemptionEvent.created_by": NOTHING_PERSONAL,
    "audit.ExemptionEvent.person": Rule(columns={"reason": ""}),
    "audit.MembershipEvent.user": Rule(columns=_MEMBERSHIP),
    "audit.OrganisationAPIKeyEvent.created_by": NOTHING_PERSONAL,
    "audit.ProvisioningTokenEvent.created_by": NOTHING_PERSONAL,
    "audit.TrainingRecordEvent.person": Rule(
        columns={"notes": "", "certificate_number": "", "evidence_file": ""}
    ),
    "audit.TrainingRecordEvent.verified_by": NOTHING_PERSONAL,
    "audit.UserEvent.pgh_obj": Rule(columns=_PERSON, why="the person row's own history"),
    "certificates.Certificate.learner": _CERTIFICATE,
    "certificates.Certificate.issued_by": NOTHING_PERSONAL,
    "certificates.Certificate.revoked_by": NOTHING_PERSONAL,
    "competencies.Assessment.learner": _ASSESSMENT,
    "competencies.Assessment.assessor": NOTHING_PERSONAL,
    "compliance.Exemption.person": Rule(
        columns={"reason": ""}, why="why they are exempt may be about their health"
    ),
    "compliance.Exemption.created_by": NOTHING_PERSONAL,
    "compliance.TrainingRecord.person": _TRAINING_RECORD,
    "compliance.TrainingRecord.verified_by": NOTHING_PERSONAL,
    "notifications.EmailOptOut.person": Rule(why="which emails they declined, nothing more"),
    "notifications.ReminderLog.person": Rule(
        columns={"context": {}, "last_error": ""}, why="a mail server's refusal names the address"
    ),
    "otp_static.StaticDevice.user": Rule(why="deleted with the person row's erasure"),
    "otp_totp.TOTPDevice.user": Rule(why="deleted with the person row's erasure"),
    "privacy.Erasure.person": Rule(why="holds nothing personal"),
    "privacy.Erasure.requested_by": NOTHING_PERSONAL,
    "privacy.OrganisationExport.requested_by": NOTHING_PERSONAL,
    "privacy.SubjectAccessExport.person": Rule(
        columns={"failure": "", "status": ExportStatus.EXPIRED},
        files=("file",),
        why="the archive is a copy of their data: expired, its file deleted",
    ),
    "privacy.SubjectAccessExport.requested_by": NOTHING_PERSONAL,
    "provisioning.ProvisionedUser.user": Rule(
        columns={"user_name": ERASED_EMAIL, "external_id": "", "attributes": {}}
    ),
    "provisioning.ProvisioningToken.created_by": NOTHING_PERSONAL,
    "reporting.IndicatorReport.requested_by": NOTHING_PERSONAL,
    "training.Enrolment.learner": NOTHING_PERSONAL,
    "training.Enrolment.assigned_by": NOTHING_PERSONAL,
    "training.EnrolmentChange.by": NOTHING_PERSONAL,
}


# The text a required reason gets (an extension must give one).
ERASED_TEXT = "(erased)"

# Rows about the person that link to them through another row, not a foreign key of their
# own: label -> (model, the lookup to the person, the rule). A manager's reason for
# extending a learner's deadline is about the learner ("off sick since March").
RELATED: dict[str, tuple[str, str, Rule]] = {
    "training.EnrolmentChange.enrolment__learner": (
        "training.EnrolmentChange",
        "enrolment__learner",
        Rule(columns={"reason": ERASED_TEXT}),
    ),
    "audit.EnrolmentChangeEvent.enrolment__learner": (
        "audit.EnrolmentChangeEvent",
        "enrolment__learner",
        Rule(columns={"reason": ERASED_TEXT}),
    ),
}


def resolved(value: Any, *, person_id: int, withhold_name: bool) -> Any:
    """The value a column gets, or `KEEP` when it is to stay as it is."""
    if value is ERASED_EMAIL:
        return erased_email(person_id)
    if value is ERASED_NAME:
        return ERASED_FULL_NAME
    if value is WITHHELD_NAME:
        return "" if withhold_name else KEEP
    return value


KEEP = Token("keep")


def erased_email(person_id: int) -> str:
    return f"erased-{person_id}@erased.invalid"
