import pytest

from coopnet.directory.models import Organisation, Person, Skill
from coopnet.web.demo_data import seed_directory

# the demo's opportunities, sessions, scores and fees are dated from today
pytestmark = pytest.mark.usefixtures("clock")


@pytest.mark.django_db
def test_demo_network_is_realistic_and_has_logins():
    logins = seed_directory(people=40, organisations=6, seed=3)
    assert Organisation.objects.count() == 6
    assert Person.objects.count() == 40
    assert Skill.objects.count() > 300
    roles = {login.role for login in logins}
    assert roles == {"network coordinator", "organisation admin", "member"}
    assert all(p.skills.exists() for p in Person.objects.all())


@pytest.mark.django_db
def test_demo_has_opportunities_in_different_states(settings):
    from coopnet.opportunities.models import Opportunity

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    seed_directory(people=60, organisations=9, seed=7)
    states = set(Opportunity.objects.values_list("status", flat=True))
    assert {"draft", "formed"} <= states
    assert len(states) >= 3
