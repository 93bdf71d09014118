"""Small helpers for the apps' forms."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from coopnet.engine.money import plain_number


def set_choices(form: forms.BaseForm, name: str, choices: Iterable[Any]) -> None:
    """Give the choice field `name` of `form` its choices, known only when the form is made."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    field.choices = list(choices)


class AmountField(forms.DecimalField):
    """A DecimalField that takes only plain numbers (`amounts.plain_number`): Django's reads
    "١٢٣", "1e3" and "1_000" too."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.strip() and not plain_number(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)
