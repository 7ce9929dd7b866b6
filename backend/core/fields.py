"""Serializer fields every app's serializers share."""

from typing import Any

from rest_framework import serializers


class TextField(serializers.CharField):
    """Text input that is text: a JSON number or boolean is a 400 (DRF's CharField would
    quietly turn 0 into "0"), as the schema's `type: string` says."""

    default_error_messages = {"not_text": "Give text (a string)."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_text")
        return str(super().to_internal_value(data))
