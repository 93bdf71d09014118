"""Small helpers for the apps' forms."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms

from coopnet.engine.money import plain_number


def set_choices(form: forms.BaseForm, name: str, choices: Iterable[Any]) -> None:
    """Give the choice field `name` of `form` its choices, known only when the form is made."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    field.choices = list(choices)


#: what an amount field says of a number too large or too precise, instead of Django's "no
#: more than 8 digits in total", which counts what nobody counts
TOO_LARGE = "Enter a number no larger than {largest}."
TOO_PRECISE = "Enter a number with at most {places} decimal places."


class AmountField(forms.DecimalField):
    """A DecimalField that takes only plain numbers (`amounts.plain_number`): Django's reads
    "١٢٣", "1e3" and "1_000" too. Its limits are said as numbers: "no larger than 999,999.99"
    (error messages the caller gives win).

    >>> field = AmountField(max_digits=8, decimal_places=2, min_value=0)
    >>> field.error_messages["max_digits"]
    'Enter a number no larger than 999,999.99.'
    """

    def __init__(self, *, error_messages: dict[str, str] | None = None, **kwargs: Any) -> None:
        digits, places = kwargs.get("max_digits"), kwargs.get("decimal_places")
        said: dict[str, str] = {}
        if digits is not None and places is not None:
            largest = f"{'9' * (digits - places) or '0'}.{'9' * places}" if places else "9" * digits
            shown = f"{Decimal(largest):,}"
            said["max_digits"] = said["max_whole_digits"] = TOO_LARGE.format(largest=shown)
        if places is not None:
            said["max_decimal_places"] = TOO_PRECISE.format(places=places)
        super().__init__(error_messages={**said, **(error_messages or {})}, **kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.strip() and not plain_number(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)
