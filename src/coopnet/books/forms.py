"""Forms for the books' pages: they check the shape of what was typed and name the field at
fault; the services (services, settlement, details) decide what is allowed and check amounts,
dates, IBANs and rates, and their errors are put back on these fields (`apply_errors`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

MILESTONE_LINE = (
    "Line {n}: write a title, a colon and an amount, e.g. “Design: 4000” (got {line!r})."
)
MONTH = "A month as YYYY-MM, e.g. 2026-05."
DATE = "A date as YYYY-MM-DD."

_date_errors = {"invalid": DATE}


def _date(label: str, help_text: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=_date_errors,
    )


class ClientForm(forms.Form):
    """The client as the next invoices address it."""

    client = forms.CharField(label="Client's name", max_length=200)
    address = forms.CharField(
        label="Client's address",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MilestonesForm(forms.Form):
    """The contract's value in parts, one a line: "Title: amount", in the order delivered."""

    milestones = forms.CharField(
        label="Milestones",
        help_text="One a line, in order: a title, a colon and its amount. They must add up to "
        "the contract's value.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
    )

    def clean_milestones(self) -> list[dict[str, str]]:
        rows = []
        lines = [line.strip() for line in self.cleaned_data["milestones"].splitlines()]
        for n, line in enumerate((line for line in lines if line), start=1):
            title, colon, amount = line.rpartition(":")
            if not colon or not title.strip() or not amount.strip():
                raise forms.ValidationError(MILESTONE_LINE.format(n=n, line=line))
            rows.append({"title": title.strip(), "amount": amount.strip().replace(",", "")})
        return rows


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is the contract cancelled?",
        help_text="The partners see this.",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class PaymentForm(forms.Form):
    amount = forms.CharField(label="Amount received", max_length=40)
    received = _date("Received on", "Leave blank for today.")
    reference = forms.CharField(
        label="Reference", required=False, max_length=140, help_text="The bank's, if any."
    )


class CreditNoteForm(forms.Form):
    reason = forms.CharField(
        label="Why is what is owing cancelled?",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class PayoutRunForm(forms.Form):
    reference = forms.CharField(
        label="Batch reference",
        required=False,
        max_length=35,
        help_text="On the bank file; leave blank for COOPNET-PAYOUT-<number>.",
    )
    paid = _date("Paid on", "Leave blank for today.")


class ServiceMonthForm(forms.Form):
    period = forms.CharField(
        label="Month", max_length=7, help_text="YYYY-MM", widget=forms.TextInput({"type": "month"})
    )

    def clean_period(self) -> dt.date:
        try:
            return dt.date.fromisoformat(f"{self.cleaned_data['period'].strip()}-01")
        except ValueError:
            raise forms.ValidationError(MONTH) from None


class BooksSettingsForm(forms.Form):
    """The network's invoicing details; `details.books_settings_set` checks each."""

    legal_name = forms.CharField(label="Legal name", required=False, max_length=200)
    address = forms.CharField(
        label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    vat_number = forms.CharField(label="VAT number", required=False, max_length=40)
    vat_rate = forms.CharField(
        label="VAT rate", max_length=12, help_text="0.2 is 20%; 0 for no VAT."
    )
    iban = forms.CharField(label="IBAN payouts are paid from", required=False, max_length=50)
    bic = forms.CharField(label="BIC", required=False, max_length=20)


class BankAccountForm(forms.Form):
    holder = forms.CharField(label="Account holder", max_length=70)
    iban = forms.CharField(label="IBAN", max_length=50)
    bic = forms.CharField(label="BIC", required=False, max_length=20, help_text="Optional.")


def initial_from(obj: Any, form: type[forms.Form]) -> dict[str, Any]:
    """The form's fields' values on `obj` (a settings or bank row), to edit them."""
    return {name: getattr(obj, name, "") for name in form.base_fields} if obj else {}
