"""The cast of every privacy test: Alice (admin of Outlier), Bob (member of Outlier) and
Charlie (admin of Rival, a competitor: an outsider to Outlier's private data)."""

import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from coopnet.directory import services
from coopnet.directory.models import Membership, Skill

#: Values planted in Outlier's private data; they must never reach an outsider.
PLANTED_RATE = Decimal("77.71")
PLANTED_HOURS = Decimal("123.45")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def skills(db):
    return [Skill.objects.create(slug=s, name=s.title()) for s in ("elixir", "python", "ux-design")]


@pytest.fixture
def cast(db, skills):
    alice = User.objects.create_user("alice", password="pw-alice-123")
    bob = User.objects.create_user("bob", password="pw-bob-123")
    charlie = User.objects.create_user("charlie", password="pw-charlie-123")
    outlier = services.organisation_create(
        name="Outlier Co-op", slug="outlier", admin=alice, coordination_cost=Decimal("500")
    )
    Membership.objects.create(user=bob, organisation=outlier, role=Membership.MEMBER)
    services.organisation_create(name="Rival Ltd", slug="rival", admin=charlie)
    person = services.person_create(
        actor=alice,
        organisation_slug="outlier",
        name="Ada Lovelace",
        hours_available=PLANTED_HOURS,
        cost_rate=PLANTED_RATE,
        skills={"elixir": 4},
    )
    return {"alice": alice, "bob": bob, "charlie": charlie, "outlier": outlier, "person": person}


def client_for(user, csrf=False):
    client = Client(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)
    return client


def send(client, method, url, body=None):
    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)(url, **kwargs)
