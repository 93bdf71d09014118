"""Issue 11 (trust leaks): what a partner reads of the other partners' money (none by default)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0004_reservation"),
    ]

    operations = [
        migrations.AddField(
            model_name="networksettings",
            name="partner_view",
            field=models.CharField(
                choices=[
                    ("own", "Only their own money (the others' names, hours and work)"),
                    (
                        "payouts",
                        "Also the others' payouts and the contract's value (may give costs away)",
                    ),
                    ("full", "Also the others' added values and why (gives costs away)"),
                ],
                default="own",
                max_length=8,
            ),
        ),
    ]
