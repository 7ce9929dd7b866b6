"""Forms for the certificate pages. They only shape input; the services keep the rules."""

from django import forms


class ReasonForm(forms.Form):
    """Why an org admin revokes or reissues a certificate (kept on the record)."""

    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason."},
    )

    def __init__(self, *args: object, label: str, help_text: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["reason"].label = label
        self.fields["reason"].help_text = help_text
