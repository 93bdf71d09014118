"""Issue 11 (trust leaks): the poster's consent to show a formed consortium's title on its
partners' profiles (off for every opportunity, old ones included), and the "superseded" status
of a proposal left open when another proposal for the same opportunity formed (set on those
stored before it existed)."""

from django.db import migrations, models


def supersede(apps, schema_editor):
    Proposal = apps.get_model("opportunities", "Proposal")
    Proposal.objects.filter(status="proposed", opportunity__status="formed").update(
        status="superseded"
    )


def unsupersede(apps, schema_editor):
    Proposal = apps.get_model("opportunities", "Proposal")
    Proposal.objects.filter(status="superseded").update(status="proposed")


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0004_commission_policy_and_finder"),
    ]

    operations = [
        migrations.AddField(
            model_name="opportunity",
            name="title_public",
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name="proposal",
            name="status",
            field=models.CharField(
                choices=[
                    ("proposed", "Proposed"),
                    ("declined", "Declined"),
                    ("formed", "Formed"),
                    ("superseded", "Superseded"),
                ],
                default="proposed",
                max_length=10,
            ),
        ),
        migrations.RunPython(supersede, unsupersede),
    ]
