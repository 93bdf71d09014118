# The moved tables take this app's names (a rename: no row is touched).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("common", "0001_initial"),
        ("directory", "0002_coordinator_and_tokens_moved_to_common"),
    ]

    operations = [
        migrations.AlterModelTable(name="apitoken", table=None),
        migrations.AlterModelTable(name="coordinator", table=None),
    ]
