# API tokens gain an expiry, the time they were last used, and the fingerprint of the owner's
# password they were issued under. Tokens issued before this migration expire 90 days after it
# runs (not after they were made, which would stop every older script at once) and stay valid
# under the owner's present password.

import datetime as dt
from hashlib import sha256

from django.db import migrations, models
from django.utils import timezone


def backfill(apps, schema_editor):
    ApiToken = apps.get_model("common", "ApiToken")
    expires = timezone.now() + dt.timedelta(days=90)
    for token in ApiToken.objects.select_related("user"):
        token.expires = expires
        token.password_fingerprint = sha256(str(token.user.password).encode()).hexdigest()
        token.save(update_fields=["expires", "password_fingerprint"])


class Migration(migrations.Migration):
    dependencies = [("common", "0002_own_tables")]

    operations = [
        migrations.AlterModelOptions(name="apitoken", options={"ordering": ["-created", "-pk"]}),
        migrations.AddField(
            model_name="apitoken", name="expires", field=models.DateTimeField(null=True)
        ),
        migrations.AddField(
            model_name="apitoken",
            name="last_used",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="password_fingerprint",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
