"""Indexes for reading the books at scale (benchmarks/ledger.py: a million postings).

- An organisation's statement (`selectors.statement`) sums all its account's postings and finds
  the latest ones by their entries' dates. On PostgreSQL, a covering index on the postings
  (account, entry, with id, amount and part) and one on the entries (id, with date, kind and
  what they reverse) let both be answered from the indexes alone, without visiting the rows.
- The exports stream every posting in the order of their entries' dates: an index on the
  entries' (date, id) lets the database walk them in that order instead of sorting a million
  rows on disk (PostgreSQL and SQLite).

Only indexes: the rows and the models are unchanged, so they live here as SQL, as the triggers
of 0002 do.
"""

from django.db import migrations

EVERYWHERE = [
    "CREATE INDEX books_journalentry_date_id ON books_journalentry (date, id)",
]
POSTGRESQL = [
    "CREATE INDEX books_posting_account_cover ON books_posting (account_id, entry_id) "
    "INCLUDE (id, amount, part_id)",
    "CREATE INDEX books_journalentry_cover ON books_journalentry (id) "
    "INCLUDE (date, kind, reverses_id)",
]
NAMES = ["books_journalentry_date_id", "books_posting_account_cover", "books_journalentry_cover"]


def _forward(apps, schema_editor):
    statements = EVERYWHERE
    if schema_editor.connection.vendor == "postgresql":
        statements = EVERYWHERE + POSTGRESQL
    for sql in statements:
        schema_editor.execute(sql)


def _backward(apps, schema_editor):
    for name in NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("books", "0004_credit_notes")]

    operations = [migrations.RunPython(_forward, _backward)]
