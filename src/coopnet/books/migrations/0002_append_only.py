"""The database keeps the books honest on its own, whatever code writes to it.

PostgreSQL: posted rows (entries, postings, invoices and their parts, payments, payouts) are
never updated or deleted (a trigger raises); and when a transaction commits, each entry it
wrote must have at least two postings summing to zero (deferred constraint triggers), so an
unbalanced entry never lands. SQLite: posted rows are never updated (a trigger); the service
layer checks the balance, as it does on PostgreSQL first.
"""

from django.db import migrations

APPEND_ONLY = [
    "books_journalentry",
    "books_posting",
    "books_invoice",
    "books_invoicepart",
    "books_payment",
    "books_payout",
]

PG_FUNCTIONS = """
CREATE FUNCTION books_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the books are append-only: % rows cannot be changed or deleted; '
        'post a reversing entry or a credit note', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;

CREATE FUNCTION books_check_entry(entry bigint) RETURNS void AS $$
DECLARE total numeric; lines integer;
BEGIN
    SELECT coalesce(sum(amount), 0), count(*) INTO total, lines
        FROM books_posting WHERE entry_id = entry;
    IF lines < 2 OR total <> 0 THEN
        RAISE EXCEPTION 'journal entry % does not balance: % postings summing to %',
            entry, lines, total USING ERRCODE = 'integrity_constraint_violation';
    END IF;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION books_entry_balances() RETURNS trigger AS $$
BEGIN
    IF TG_TABLE_NAME = 'books_posting' THEN
        PERFORM books_check_entry(NEW.entry_id);
    ELSE
        PERFORM books_check_entry(NEW.id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER books_posting_balances AFTER INSERT ON books_posting
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION books_entry_balances();
CREATE CONSTRAINT TRIGGER books_entry_balances AFTER INSERT ON books_journalentry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION books_entry_balances();
"""

PG_UNDO = """
DROP TRIGGER IF EXISTS books_posting_balances ON books_posting;
DROP TRIGGER IF EXISTS books_entry_balances ON books_journalentry;
DROP FUNCTION IF EXISTS books_entry_balances();
DROP FUNCTION IF EXISTS books_check_entry(bigint);
"""


def _raw(schema_editor, sql):
    """Run `sql` as it is: with no parameters, psycopg reads no placeholders in PL/pgSQL's %."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)


def _forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _raw(schema_editor, PG_FUNCTIONS)
    for table in APPEND_ONLY:
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION books_refuse_change()"
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} BEGIN "
                f"SELECT RAISE(ABORT, 'the books are append-only: {table} rows cannot be "
                "changed; post a reversing entry or a credit note'); END"
            )


def _backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in APPEND_ONLY:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
    if vendor == "postgresql":
        _raw(schema_editor, PG_UNDO + "DROP FUNCTION IF EXISTS books_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("books", "0001_initial")]

    operations = [migrations.RunPython(_forward, _backward)]
