"""Page forms whose data a service checks: how such a form shows the service's refusal."""

from django import forms

from core.errors import HearthError


class RefusableForm(forms.Form):
    """A page's form whose data a service checks (core.pages catches the refusal)."""

    def apply_error(self, error: HearthError) -> None:
        """Show a service's refusal on the fields it names, or above the form."""
        if not error.fields:
            self.add_error(None, error.message)
            return
        for name, messages in error.fields.items():
            self.add_error(name if name in self.fields else None, messages)
