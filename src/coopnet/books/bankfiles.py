"""The files a treasurer gives the bank for a payout run: an ISO 20022 `pain.001` credit-transfer
batch (made with sepaxml and checked against the schema it ships) and a CSV of the same run.

Both are made from the run's payouts as recorded, with the bank details each organisation had
given when the run was made (a `Payout` keeps a copy), so a file downloaded again later pays the
same accounts the books say were paid. The network's invoicing details (`BooksSettings`: its
legal name, IBAN and BIC) are the debtor: the account the transfers leave from.

A payout to an organisation that had given no bank details is left out of the pain.001 file (a
bank cannot pay it) and listed in the CSV with a note: the run is not refused, because one
organisation's missing details should not hold up everyone else's money. The treasurer pays it
some other way, or reverses that payout (`settlement.entry_reverse`) so that it is owed again
and paid in a later run once the organisation has given its details.

The currency is the network's. In euros the batch is a SEPA credit transfer (service level
SEPA); in any other currency it is the same ISO 20022 message without the SEPA service level,
which banks that take pain.001 for domestic payments accept (the schema allows any ISO 4217
code); the CSV serves a bank that does not.

Only the coordinator sees a run's files: they hold every paid organisation's bank details.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from sepaxml import SepaTransfer  # type: ignore[import-untyped]
from sepaxml.validation import ValidationError as SchemaError  # type: ignore[import-untyped]

from coopnet.books.models import BooksSettings, Payout, PayoutRun
from coopnet.common.access import User, coordinator_or_404
from coopnet.common.money import network_currency
from coopnet.directory.csv_io import FORMULA_STARTS

SCHEMA = "pain.001.001.03"
SEPA_CURRENCY = "EUR"
CSV_COLUMNS = ("organisation", "holder", "iban", "bic", "amount", "currency", "reference", "note")
NO_DETAILS_NOTE = "No bank details: not in the bank file"

NO_DEBTOR = (
    "Set the network's legal name and IBAN (the account payouts are paid from) in the books' "
    "settings before making a bank file: {missing} missing."
)
NOTHING_TO_TRANSFER = (
    "No organisation paid in run {reference} had given bank details, so the bank file would be "
    "empty: use the CSV."
)
NOT_VALID = "The bank file does not match the {schema} schema ({reason}): use the CSV."


@dataclass(frozen=True)
class BankFile:
    """A pain.001 document and what it holds: the payouts in it and those left out of it."""

    xml: bytes
    included: list[Payout]
    left_out: list[Payout]

    @property
    def filename(self) -> str:
        return f"payout-run-{self.included[0].run_id}-{SCHEMA}.xml"


def run_for_user(user: User, run_id: int) -> PayoutRun:
    """A payout run, for the coordinator only: anyone else gets 404 (the files behind it hold
    every paid organisation's bank details)."""
    coordinator_or_404(user)
    run = PayoutRun.objects.filter(pk=run_id).first()
    if run is None:
        raise Http404("no such payout run")
    return run


def payouts(run: PayoutRun) -> list[Payout]:
    return list(run.payouts.select_related("organisation").order_by("organisation__name", "pk"))


def has_bank_details(payout: Payout) -> bool:
    return bool(payout.iban)


def cents(amount: Decimal) -> int:
    """An amount of money as whole cents, as sepaxml takes it; never rounds (money is kept to
    the cent, so anything finer is a bug worth stopping on)."""
    scaled = amount.scaleb(2)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of cents")
    return int(scaled)


def execution_date(run: PayoutRun, today: dt.date | None = None) -> dt.date:
    """The day the bank is asked to pay: the run's date, or today if that has passed (a bank
    refuses a requested execution date in the past)."""
    return max(run.paid, today or timezone.localdate())


def _debtor(settings: BooksSettings, currency: str) -> dict[str, object]:
    missing = [name for name, value in (("legal name", settings.legal_name),
                                        ("IBAN", settings.iban)) if not value]  # fmt: skip
    if missing:
        raise ValidationError(NO_DEBTOR.format(missing=" and ".join(missing)))
    config: dict[str, object] = {
        "name": settings.legal_name,
        "IBAN": settings.iban,
        "batch": True,
        "currency": currency,
        # the SEPA service level is for euros only: another currency is a plain ISO 20022 batch
        "domestic": currency != SEPA_CURRENCY,
    }
    if settings.bic:
        config["BIC"] = settings.bic
    return config


def _transfer(payout: Payout, run: PayoutRun, day: dt.date) -> dict[str, object]:
    transfer: dict[str, object] = {
        "name": payout.holder or payout.organisation.name,
        "IBAN": payout.iban,
        "amount": cents(payout.amount),
        "execution_date": day,
        "description": f"Payout {payout.reference} ({run.reference})",
        "endtoend_id": payout.reference,
    }
    if payout.bic:
        transfer["BIC"] = payout.bic
    return transfer


def pain001(run: PayoutRun, settings: BooksSettings, today: dt.date | None = None) -> BankFile:
    """The run's transfers as one pain.001 batch from the network's account, validated against
    the schema; ValidationError with a message for the page if it cannot be made."""
    everyone = payouts(run)
    included = [p for p in everyone if has_bank_details(p)]
    left_out = [p for p in everyone if not has_bank_details(p)]
    batch = SepaTransfer(_debtor(settings, network_currency()), schema=SCHEMA, clean=True)
    if not included:
        raise ValidationError(NOTHING_TO_TRANSFER.format(reference=run.reference))
    day = execution_date(run, today)
    for payout in included:
        batch.add_payment(_transfer(payout, run, day))
    # one message id per run: a bank refuses the same file sent twice, not paying a run twice
    batch._xml.find("CstmrCdtTrfInitn/GrpHdr/MsgId").text = f"COOPNET-RUN-{run.pk}"
    try:
        xml = batch.export(validate=True)
    except SchemaError as error:
        raise ValidationError(NOT_VALID.format(schema=SCHEMA, reason=_why(error))) from error
    return BankFile(xml=xml, included=included, left_out=left_out)


def _why(error: Exception) -> str:
    """Where the schema refused the file and why, in a line (xmlschema's error is the cause)."""
    cause = error.__cause__
    path = str(getattr(cause, "path", "") or "").rsplit("/", 2)[-2:]
    reason = str(getattr(cause, "reason", "") or cause or error).splitlines()[0]
    return f"{'/'.join(path)}: {reason}" if any(path) else reason


def _cell(text: str) -> str:
    """A spreadsheet must not read a name as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def payouts_csv(run: PayoutRun) -> str:
    """The run as CSV, one row per payout; those with no bank details say so."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    currency = network_currency()
    for payout in payouts(run):
        note = "" if has_bank_details(payout) else NO_DETAILS_NOTE
        writer.writerow(
            [_cell(payout.organisation.name), _cell(payout.holder), payout.iban, payout.bic,
             f"{payout.amount:.2f}", currency, payout.reference, note]
        )  # fmt: skip
    return out.getvalue()
