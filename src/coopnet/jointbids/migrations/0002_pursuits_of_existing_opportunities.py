"""A pursuit for each opportunity posted before joint bids were: its client's name key."""

from typing import Any

from django.db import migrations

from coopnet.engine.clients import client_name_key


def forwards(apps: Any, schema_editor: Any) -> None:
    opportunity = apps.get_model("opportunities", "Opportunity")
    pursuit = apps.get_model("jointbids", "Pursuit")
    rows = opportunity.objects.filter(pursuit__isnull=True).values_list("pk", "client")
    pursuit.objects.bulk_create(
        (pursuit(opportunity_id=pk, name_key=client_name_key(client)) for pk, client in rows),
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [("jointbids", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
