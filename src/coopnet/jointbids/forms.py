"""Forms of the joint bids' pages: the shape of what was typed; the services decide."""

from __future__ import annotations

from django import forms


class PursuitForm(forms.Form):
    website = forms.CharField(
        max_length=200, required=False, label="Client's website",
        help_text="Matched on its address alone (example.org), never shown to other members.",
    )  # fmt: skip
    tender_reference = forms.CharField(
        max_length=100, required=False, label="Tender reference",
        help_text="As the client wrote it; matched without spaces or punctuation.",
    )  # fmt: skip


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("agree", "Agree"), ("decline", "Decline")])
