# Every token has an expiry from here on (0003 gave the older ones theirs); a migration of its
# own, so that PostgreSQL alters the table after 0003's updates have committed.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("common", "0003_token_expiry_last_used_password")]

    operations = [
        migrations.AlterField(model_name="apitoken", name="expires", field=models.DateTimeField()),
    ]
