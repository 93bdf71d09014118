# The network's commission policy, finder's fee and exemptions (spec §4).

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0002_coordinator_and_tokens_moved_to_common"),
    ]

    operations = [
        migrations.AddField(
            model_name="networksettings",
            name="commission_exempt",
            field=models.ManyToManyField(blank=True, related_name="+", to="directory.organisation"),
        ),
        migrations.AddField(
            model_name="networksettings",
            name="commission_flat",
            field=models.DecimalField(
                decimal_places=2,
                default=0,
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(0)],
            ),
        ),
        migrations.AddField(
            model_name="networksettings",
            name="commission_free_contracts",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="networksettings",
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
            model_name="networksettings",
            name="commission_min",
            field=models.DecimalField(
                decimal_places=2,
                default=0,
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(0)],
            ),
        ),
        migrations.AddField(
            model_name="networksettings",
            name="finder_flat",
            field=models.DecimalField(
                decimal_places=2,
                default=0,
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(0)],
            ),
        ),
        migrations.AddField(
            model_name="networksettings",
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
            model_name="networksettings",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("commission_max__isnull", True),
                    ("commission_min__lte", models.F("commission_max")),
                    _connector="OR",
                ),
                name="directory_networksettings_commission_min_max",
            ),
        ),
        migrations.AddConstraint(
            model_name="networksettings",
            constraint=models.CheckConstraint(
                condition=models.Q(("finder_rate", 0), ("finder_flat", 0), _connector="OR"),
                name="directory_networksettings_finder_rate_or_flat",
            ),
        ),
    ]
