import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_migrations_match_the_models():
    # exits non-zero (SystemExit) when a model change has no migration
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
