"""Loading the synthetic ledger (`benchmarks.ledger_data`) into the scratch database: the
organisations, their accounts and the contracts with the ORM, the journal's tables with
PostgreSQL's `COPY`, all in one transaction; then the id sequences moved past the rows and the
tables vacuumed and analysed, as a long-lived database's would be.

The balance triggers of migration 0002 check each entry once per posting when the transaction
commits (a million lookups, over a minute here); for the load they are switched off, and the
same rule (two or more postings summing to zero) is checked over the whole journal in one query
before the transaction commits, which refuses the load if any entry breaks it."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from benchmarks.ledger_data import COMMISSION_PERCENT, START, Builder, cents, split

FIXED_ACCOUNTS = [
    "Assets:Bank",
    "Assets:Receivables:Clients",
    "Liabilities:VAT",
    "Liabilities:Clearing:Contracts",
    "Income:Commission",
]


def _models() -> dict[str, Any]:
    from coopnet.books.models import (
        Invoice,
        InvoicePart,
        JournalEntry,
        Payment,
        Payout,
        PayoutRun,
        Posting,
    )

    return {"entry": JournalEntry, "posting": Posting, "invoice": Invoice, "part": InvoicePart,
            "payment": Payment, "run": PayoutRun, "payout": Payout}  # fmt: skip


def _directory(organisations: int) -> None:
    from coopnet.books.models import Account
    from coopnet.directory.models import Organisation

    Organisation.objects.bulk_create(
        Organisation(pk=k, name=f"Organisation {k:04d}", slug=f"org-{k:04d}")
        for k in range(1, organisations + 1)
    )
    accounts = [Account(pk=k, name=n, opened=START) for k, n in enumerate(FIXED_ACCOUNTS, 1)]
    accounts += [
        Account(pk=Builder.org_account(k), name=f"Liabilities:Organisations:Org{k:04d}",
                organisation_id=k, opened=START)
        for k in range(1, organisations + 1)
    ]  # fmt: skip
    Account.objects.bulk_create(accounts)


def _contracts(builder: Builder, coordinator: Any) -> None:
    """Each contract's opportunity, formation run and proposal, the contract and its shares."""
    from coopnet.books.models import Contract, Share
    from coopnet.opportunities.models import FormationRun, Opportunity, Proposal

    rows: dict[str, list[Any]] = {"opp": [], "run": [], "proposal": [], "contract": [], "share": []}
    for k, plan in enumerate(builder.contracts, start=1):
        value = sum(plan.milestones) or 100
        commission = value * COMMISSION_PERCENT // 100
        money = {"value": Decimal(cents(value)), "commission": Decimal(cents(commission))}
        rows["opp"].append(Opportunity(
            pk=k, posted_by_id=plan.poster, title=f"Contract {k}", client=f"Client {k}",
            value=money["value"], commission=Decimal("0.05"), deadline=START, status="formed",
        ))  # fmt: skip
        rows["run"].append(FormationRun(pk=k, opportunity_id=k, started_by=coordinator))
        rows["proposal"].append(Proposal(
            pk=k, opportunity_id=k, run_id=k, kind=Proposal.CHEAPEST, cost=money["value"],
            status=Proposal.FORMED,
        ))  # fmt: skip
        rows["contract"].append(Contract(
            pk=k, proposal_id=k, opportunity_id=k, posted_by_id=plan.poster,
            title=f"Contract {k}", client=f"Client {k}", **money,
        ))  # fmt: skip
        payouts = split(value - commission, plan.weights)
        rows["share"].extend(
            Share(contract_id=k, organisation_id=org, payout=Decimal(cents(p)))
            for org, p in zip(plan.partners, payouts, strict=True)
        )
    for model, key in ((Opportunity, "opp"), (FormationRun, "run"), (Proposal, "proposal"),
                       (Contract, "contract"), (Share, "share")):  # fmt: skip
        model.objects.bulk_create(rows[key], batch_size=2000)


def _reset_sequences(models: list[Any]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce(max(id), 0) + 1, false) FROM {table}"
            )


def _balance_triggers(cursor: Any, action: str) -> None:
    cursor.execute(f"ALTER TABLE books_posting {action} TRIGGER books_posting_balances")
    cursor.execute(f"ALTER TABLE books_journalentry {action} TRIGGER books_entry_balances")


UNBALANCED = """
SELECT e.id FROM books_journalentry e LEFT JOIN books_posting p ON p.entry_id = e.id
GROUP BY e.id HAVING count(p.id) < 2 OR coalesce(sum(p.amount), 0) <> 0 LIMIT 5
"""


def _check_balanced(cursor: Any) -> None:
    """0002's rule over every entry at once: at least two postings, summing to zero."""
    cursor.execute(UNBALANCED)
    wrong = [row[0] for row in cursor.fetchall()]
    if wrong:
        raise RuntimeError(f"the synthetic ledger has unbalanced entries: {wrong}")


def load(target: int, organisations: int, per_day: int) -> dict[str, Any]:
    """Generate and load the ledger; its row counts and how long each step took."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from coopnet.books.models import Account, Contract, Share
    from coopnet.common.models import Coordinator
    from coopnet.directory.models import Organisation
    from coopnet.opportunities.models import FormationRun, Opportunity, Proposal

    clock = {"start": time.perf_counter()}
    with transaction.atomic():
        user = get_user_model().objects.create_user("coordinator", password=None)
        Coordinator.objects.create(user=user)
        builder = Builder(_models(), organisations, user.pk)
        last_day = builder.run(target, per_day)
        clock["generated"] = time.perf_counter()
        _directory(organisations)
        _contracts(builder, user)
        with connection.cursor() as cursor:
            _balance_triggers(cursor, "DISABLE")
            for table in builder.tables.values():
                with cursor.copy(table.statement()) as copy:
                    copy.write(table.buffer.getvalue())
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys, checked now
            _balance_triggers(cursor, "ENABLE")
            clock["copied"] = time.perf_counter()
            _check_balanced(cursor)
        _reset_sequences([Organisation, Account, Opportunity, FormationRun, Proposal, Contract,
                          Share, *_models().values()])  # fmt: skip
    clock["committed"] = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    clock["analysed"] = time.perf_counter()
    counts = {f"{name}_rows": table.rows for name, table in builder.tables.items()}
    return {
        **counts,
        "organisations": organisations,
        "contracts": len(builder.contracts),
        "first_day": START.isoformat(),
        "last_day": last_day.isoformat(),
        "generate_seconds": clock["generated"] - clock["start"],
        "copy_seconds": clock["copied"] - clock["generated"],
        "check_and_commit_seconds": clock["committed"] - clock["copied"],
        "vacuum_analyse_seconds": clock["analysed"] - clock["committed"],
    }
