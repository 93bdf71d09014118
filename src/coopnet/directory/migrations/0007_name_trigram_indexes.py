"""Searching people and organisations by part of their name (`name__icontains`, which Django
writes as UPPER(name) LIKE UPPER('%…%')) reads every row without an index: 90 ms on 100,000
people. On PostgreSQL, trigram indexes (pg_trgm) on UPPER(name) serve it. Where the database
user may not create the extension, the searches work as before, without the index; SQLite has
neither and needs neither at its sizes."""

from django.db import DatabaseError, migrations, transaction

INDEXES = {
    "directory_person_name_trgm": "directory_person",
    "directory_organisation_name_trgm": "directory_organisation",
}


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            return  # not allowed to: name searches read every row, as before
        for index, table in INDEXES.items():
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON {table} "
                "USING gin (UPPER(name::text) gin_trgm_ops)"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for index in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [("directory", "0006_invitation")]

    operations = [migrations.RunPython(create, drop)]
