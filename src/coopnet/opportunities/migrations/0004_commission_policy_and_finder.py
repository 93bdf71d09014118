# The commission policy and the finder's fee (spec §4), frozen on each opportunity.

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def posters_found_their_clients(apps, schema_editor):
    """Opportunities posted before the finder was kept were brought by their posters (who
    were paid no finder's fee: their finder_rate and finder_flat stay 0)."""
    opportunity = apps.get_model("opportunities", "Opportunity")
    opportunity.objects.update(finder=F("posted_by"))


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_commission_policy"),
        ("opportunities", "0003_partner_reason_others_cheaper"),
    ]

    operations = [
        migrations.AddField(
            model_name="opportunity",
            name="commission_flat",
            field=models.DecimalField(
                decimal_places=2,
                default=0,
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(0)],
            ),
        ),
        migrations.AddField(
            model_name="opportunity",
            name="commission_max",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=12,
                null=True,
                validators=[django.core.validators.MinValueValidator(0)],
            ),
        ),
        migrations.AddField(
            model_name="opportunity",
            name="commission_min",
            field=models.DecimalField(
                decimal_places=2,
                default=0,
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(0)],
            ),
        ),
        migrations.AddField(
            model_name="opportunity",
            name="finder",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="opportunities_found",
                to="directory.organisation",
            ),
        ),
        migrations.AddField(
            model_name="opportunity",
            name="finder_flat",
            field=models.DecimalField(
                decimal_places=2,
                default=0,
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(0)],
            ),
        ),
        migrations.AddField(
            model_name="opportunity",
            name="finder_rate",
            field=models.DecimalField(
                decimal_places=4,
                default=0,
                max_digits=5,
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(0.5),
                ],
            ),
        ),
        migrations.AddConstraint(
            model_name="opportunity",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("commission_max__isnull", True),
                    ("commission_min__lte", models.F("commission_max")),
                    _connector="OR",
                ),
                name="opportunities_opportunity_commission_min_max",
            ),
        ),
        migrations.AddConstraint(
            model_name="opportunity",
            constraint=models.CheckConstraint(
                condition=models.Q(("finder_rate", 0), ("finder_flat", 0), _connector="OR"),
                name="opportunities_opportunity_finder_rate_or_flat",
            ),
        ),
        migrations.RunPython(posters_found_their_clients, migrations.RunPython.noop),
    ]
