"""An invoice may have more than one credit note: a payment reversed after a credit note (it
bounced) is owed again, and another credit note cancels it (the second one used to fail on the
one-to-one's unique index).

SQLite changes the column by rebuilding the table, which drops its triggers: the append-only
trigger of 0002 is made again on the new table."""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "books_invoice"


def _append_only_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only")
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE ON {TABLE} BEGIN "
            f"SELECT RAISE(ABORT, 'the books are append-only: {TABLE} rows cannot be "
            "changed; post a reversing entry or a credit note'); END"
        )


class Migration(migrations.Migration):
    dependencies = [("books", "0003_gross_within_half_a_cent")]

    operations = [
        migrations.AlterField(
            model_name="invoice",
            name="credits",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="credit_notes",
                to="books.invoice",
            ),
        ),
        migrations.RunPython(_append_only_again, migrations.RunPython.noop),
    ]
