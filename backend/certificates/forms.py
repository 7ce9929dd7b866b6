"""Forms for the certificate pages. They only shape input; the services keep the rules."""

from django import forms


class ReasonForm(forms.Form):
    """Why an org admin revokes or reissues a certificate (kept on the record)."""

    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: object, label: str, help_text: str, required: str, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        reason = self.fields["reason"]
        reason.label = label
        reason.help_text = help_text
        reason.error_messages = {
            "required": required,
            "max_length": "Keep the reason to 500 characters or fewer.",
        }
