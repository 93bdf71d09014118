"""Gross is net + VAT to within half a cent (exactly, for whole cents): SQLite adds decimals in
binary floating point, so the exact check refused invoices such as 0.10 + 0.02.

SQLite makes a constraint change by rebuilding the table, which drops its triggers: the
append-only trigger of 0002 is made again on the new table."""

from decimal import Decimal

import django.db.models.expressions
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
    dependencies = [("books", "0002_append_only")]

    operations = [
        migrations.RemoveConstraint(
            model_name="invoice",
            name="gross_is_net_vat",
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "gross__gt",
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(
                                models.F("net"), "+", models.F("vat")
                            ),
                            "-",
                            models.Value(Decimal("0.005")),
                        ),
                    ),
                    (
                        "gross__lt",
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(
                                models.F("net"), "+", models.F("vat")
                            ),
                            "+",
                            models.Value(Decimal("0.005")),
                        ),
                    ),
                ),
                name="gross_is_net_vat",
            ),
        ),
        migrations.RunPython(_append_only_again, migrations.RunPython.noop),
    ]
