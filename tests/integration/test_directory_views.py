"""The directory's web pages: who may see and change what, tested with an owner (Alice), a member
(Bob) and an outsider (Charlie) for every page and method; forms that name the field at fault
and save nothing; invitations; sign-in."""

import datetime as dt
import html
import re

import pytest
from casts import PLANTED_HOURS, PLANTED_RATE, client_for, once
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from coopnet.directory import services
from coopnet.directory.models import Invitation, Membership, Person, PersonSkill, Skill
from coopnet.directory.services import NOT_ADMIN

pytestmark = pytest.mark.django_db

PRIVATE_VALUES = (str(PLANTED_RATE), str(PLANTED_HOURS), "500.00")
#: form data a person form needs besides its fields: the skills formset's management form
NO_SKILLS = {"skills-TOTAL_FORMS": "0", "skills-INITIAL_FORMS": "0"}


def private_pages(person_id):
    """(url, form data for a POST) of every page that only Outlier's members may reach."""
    return [
        ("/organisations/outlier/manage/", {}),
        ("/organisations/outlier/people/new/", {"name": "Eve", "hours_available": "1"}),
        ("/organisations/outlier/invite/", {"email": "eve@example.org", "role": "member"}),
        ("/organisations/outlier/people.csv", {}),
        ("/organisations/outlier/network.json", {}),
        ("/organisations/outlier/import/", {}),
        (f"/people/{person_id}/edit/", {"name": "X", "hours_available": "1", "cost_rate": "1"}),
        (f"/people/{person_id}/delete/", {}),
    ]


def person_data(**fields):
    """A person form's POST data; skills given as {slug: level}."""
    skills = fields.pop("skills", {})
    data = {"skills-TOTAL_FORMS": str(len(skills)), "skills-INITIAL_FORMS": "0", **fields}
    for k, (slug, level) in enumerate(skills.items()):
        data[f"skills-{k}-skill"] = slug
        data[f"skills-{k}-level"] = str(level)
    return data


def assert_nothing_changed(cast):
    ada = Person.objects.get(pk=cast["person"].pk)
    assert (ada.name, ada.cost_rate, ada.hours_available) == (
        "Ada Lovelace",
        PLANTED_RATE,
        PLANTED_HOURS,
    )
    assert [(s.skill.slug, s.level) for s in ada.skills.all()] == [("elixir", 4)]
    assert Person.objects.filter(organisation__slug="outlier").count() == 1
    assert not User.objects.filter(email="eve@example.org").exists()
    assert mail.outbox == []


# -- who may reach what ---------------------------------------------------------------------


def test_outsider_gets_404_on_every_private_page_and_method(cast):
    charlie = client_for(cast["charlie"])
    for url, data in private_pages(cast["person"].pk):
        for method in ("get", "post", "put", "patch", "delete", "head"):
            kwargs = {"data": data} if method == "post" else {}
            response = getattr(charlie, method)(url, **kwargs)
            assert response.status_code == 404, (method, url)
            for planted in PRIVATE_VALUES:
                assert planted not in response.content.decode(), (method, url)
    assert_nothing_changed(cast)


def test_anonymous_visitors_are_sent_to_sign_in(cast):
    anonymous = Client()
    public = ["/", "/directory/", "/directory/?skill=elixir", "/organisations/outlier/"]
    for url in public + [url for url, _ in private_pages(cast["person"].pk)]:
        for method in ("get", "post"):
            response = getattr(anonymous, method)(url)
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith("/accounts/login/?next="), (method, url)
    assert_nothing_changed(cast)


def test_member_sees_private_values_but_cannot_change_others(cast):
    bob = client_for(cast["bob"])
    page = bob.get("/organisations/outlier/manage/").content.decode()
    assert str(PLANTED_RATE) in page
    assert str(PLANTED_HOURS) in page
    assert "Add a person" not in page
    assert f"/people/{cast['person'].pk}/edit/" not in page
    for url, data in private_pages(cast["person"].pk):
        if url.endswith(("/manage/", ".csv", ".json")):
            assert bob.get(url).status_code == 200, url
            assert bob.post(url, data).status_code == 405, url
        else:
            assert bob.get(url).status_code == 403, url
            response = bob.post(url, data)
            assert response.status_code == 403, url
            assert NOT_ADMIN in response.content.decode()
    assert_nothing_changed(cast)


def test_owner_reaches_every_private_page(cast):
    alice = client_for(cast["alice"])
    for url, _ in private_pages(cast["person"].pk):
        assert alice.get(url).status_code == 200, url
    page = alice.get("/organisations/outlier/manage/").content.decode()
    assert str(PLANTED_RATE) in page
    assert "Invite someone" in page


def test_csrf_is_enforced_on_every_post(cast):
    alice = client_for(cast["alice"], csrf=True)
    for url, data in private_pages(cast["person"].pk):
        assert alice.post(url, data).status_code == 403, url
    assert alice.post("/accounts/logout/").status_code == 403
    assert_nothing_changed(cast)


def test_wrong_method_is_405_for_members(cast):
    alice = client_for(cast["alice"])
    assert alice.post("/organisations/outlier/manage/").status_code == 405
    assert alice.delete(f"/people/{cast['person'].pk}/delete/").status_code == 405
    assert alice.post("/directory/").status_code == 405
    assert alice.get("/accounts/logout/").status_code == 405  # signing out is a POST


# -- the public directory -------------------------------------------------------------------


def test_public_pages_show_no_private_values(cast):
    charlie = client_for(cast["charlie"])
    htmx = {"HTTP_HX_REQUEST": "true"}
    for url, headers in (
        ("/directory/?skill=elixir&min_level=3", {}),
        ("/directory/?skill=elixir&min_level=3", htmx),
        ("/directory/?name=ada", {}),
        ("/directory/?name=outlier&min_hours=100", {}),
        ("/directory/", {}),
        ("/organisations/outlier/", {}),
    ):
        response = charlie.get(url, **headers)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "Ada Lovelace" in text, url
        for planted in PRIVATE_VALUES:
            assert planted not in text, (url, planted)
        assert "Cost rate" not in text
        assert "/organisations/outlier/manage/" not in text  # no way in for outsiders


def test_search_filters_by_skill_level_hours_and_name(cast):
    alice = client_for(cast["alice"])

    def names(query):
        return "Ada Lovelace" in alice.get(f"/directory/?{query}").content.decode()

    assert names("skill=elixir&min_level=4")
    assert not names("skill=elixir&min_level=5")
    assert not names("skill=python")
    assert names("skill=elixir&min_hours=100")
    assert not names("skill=elixir&min_hours=200")
    assert names("name=lovel")
    assert names("name=outlier")
    assert not names("name=rival")


def test_htmx_gets_the_results_alone(cast):
    alice = client_for(cast["alice"])
    response = alice.get("/directory/?skill=elixir", HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert "Ada Lovelace" in text
    assert "<html" not in text
    assert "HX-Request" in response["Vary"]
    full = alice.get("/directory/?skill=elixir").content.decode()
    assert "<html" in full
    assert 'hx-get="/directory/"' in full
    assert "vendor/htmx.min.js" in full


def test_bad_search_names_the_field(cast):
    alice = client_for(cast["alice"])
    for query, label in (
        ("min_hours=-1", "Minimum free hours"),
        ("min_hours=lots", "Minimum free hours"),
        ("min_level=9", "Minimum level"),
        ("skill=cobol", "Skill"),
    ):
        response = alice.get(f"/directory/?{query}", HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        text = response.content.decode()
        assert label in text, query
        assert "Ada Lovelace" not in text, query


def test_profile_lists_people_and_skills_and_unknown_is_404(cast):
    charlie = client_for(cast["charlie"])
    text = charlie.get("/organisations/outlier/").content.decode()
    assert "Outlier Co-op" in text
    assert "Elixir" in text
    assert charlie.get("/organisations/nowhere/").status_code == 404
    assert (
        "/organisations/outlier/manage/"
        in client_for(cast["bob"]).get("/organisations/outlier/").content.decode()
    )


def test_profile_table_lists_each_person_once_by_name_with_every_text_escaped(cast):
    """The profile's table of people, written in Python: each person once whatever their
    number of skills, by name, their skills highest level first; names escaped as the
    template engine escapes them, a person with no skill listed as having none."""
    Skill.objects.create(slug="markup", name='<i>Markup</i> & "co"')
    for name, skills in (('<b>Eve</b> & "E"', {"markup": 2, "python": 4}), ("Zoe", {})):
        services.person_create(
            actor=cast["alice"],
            organisation_slug="outlier",
            name=name,
            hours_available="1",
            cost_rate="1",
            skills=skills,
        )
    charlie = client_for(cast["charlie"])
    text = charlie.get("/organisations/outlier/").content.decode()
    level = '<span class="level" title="level {0} of 5">{0}</span>'
    eve = (
        '<tr><td>&lt;b&gt;Eve&lt;/b&gt; &amp; &quot;E&quot;</td><td><ul class="skills">'
        f"<li>Python {level.format(4)}</li>"
        f"<li>&lt;i&gt;Markup&lt;/i&gt; &amp; &quot;co&quot; {level.format(2)}</li></ul></td></tr>"
    )
    assert eve in text
    assert "<b>Eve</b>" not in text
    assert '<tr><td>Zoe</td><td><span class="muted">none listed</span></td></tr>' in text
    ada = f'<tr><td>Ada Lovelace</td><td><ul class="skills"><li>Elixir {level.format(4)}</li>'
    assert text.count("<tr><td>") == 3
    assert text.index(ada) < text.index("<tr><td>Zoe</td>")
    # the directory's results list skills the same way, the one searched for marked
    found = charlie.get("/directory/?skill=markup").content.decode()
    assert (
        f'<li class="match">&lt;i&gt;Markup&lt;/i&gt; &amp; &quot;co&quot; {level.format(2)}'
        in found
    )


# -- changing people ------------------------------------------------------------------------


def test_admin_adds_edits_and_removes_a_person(cast):
    alice = client_for(cast["alice"])
    data = person_data(
        name="Eve", hours_available="40", cost_rate="50.5", skills={"python": 3, "ux-design": 2}
    )
    response = alice.post("/organisations/outlier/people/new/", {**data, **once(cast["alice"])})
    assert response.status_code == 302
    eve = Person.objects.get(name="Eve")
    assert eve.cost_rate == 50.5
    assert {s.skill.slug: s.level for s in eve.skills.all()} == {"python": 3, "ux-design": 2}

    data = person_data(name="Eve Smith", hours_available="20", cost_rate="60", skills={"python": 4})
    assert alice.post(f"/people/{eve.pk}/edit/", data).status_code == 302
    eve.refresh_from_db()
    assert (eve.name, eve.hours_available, eve.cost_rate) == ("Eve Smith", 20, 60)
    assert {s.skill.slug: s.level for s in eve.skills.all()} == {"python": 4}

    assert alice.post(f"/people/{eve.pk}/delete/").status_code == 302
    assert not Person.objects.filter(pk=eve.pk).exists()
    assert not PersonSkill.objects.filter(person_id=eve.pk).exists()


def test_edit_form_shows_current_values(cast):
    text = client_for(cast["alice"]).get(f"/people/{cast['person'].pk}/edit/").content.decode()
    assert 'value="Ada Lovelace"' in text
    assert f'value="{PLANTED_RATE}"' in text
    assert 'value="Elixir"' in text  # the skill's name, not its slug


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"cost_rate": "-5"}, "Ensure this value is greater than or equal to 0."),
        ({"hours_available": "many"}, "Enter a number."),
        ({"name": ""}, "This field is required."),
        ({"skills": {"cobol": 2}}, "Unknown skill 'cobol'"),
        ({"skills": {"python": 7}}, "Select a valid choice. 7 is not one of the available"),
    ],
)
def test_bad_person_form_names_the_field_and_saves_nothing(cast, fields, message):
    alice = client_for(cast["alice"])
    data = person_data(**{"name": "Eve", "hours_available": "1", "cost_rate": "1", **fields})
    response = alice.post("/organisations/outlier/people/new/", {**data, **once(cast["alice"])})
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert message in text
    assert "Nothing was saved" in text
    assert 'aria-invalid="true"' in text
    assert not Person.objects.filter(name="Eve").exists()
    response = alice.post(f"/people/{cast['person'].pk}/edit/", data)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert_nothing_changed(cast)


def test_skill_given_twice_or_without_level_is_refused(cast):
    alice = client_for(cast["alice"])
    data = person_data(name="Eve", hours_available="1", cost_rate="1")
    data |= {"skills-TOTAL_FORMS": "3", "skills-0-skill": "python", "skills-0-level": "3"}
    data |= {"skills-1-skill": "python", "skills-1-level": "2", "skills-2-skill": "elixir"}
    text = alice.post("/organisations/outlier/people/new/", data).content.decode()
    assert "python is listed twice" in text
    assert "Choose a level from 1 to 5 for this skill." in text
    assert not Person.objects.filter(name="Eve").exists()


def test_every_field_error_shows_at_once(cast):
    data = person_data(name="", hours_available="-1", cost_rate="x", skills={"cobol": 3})
    response = client_for(cast["alice"]).post(f"/people/{cast['person'].pk}/edit/", data)
    text = html.unescape(response.content.decode())
    for message in (
        "This field is required.",
        "Ensure this value is greater than or equal to 0.",
        "Enter a number.",
        "Unknown skill 'cobol'",
    ):
        assert message in text
    assert_nothing_changed(cast)


def test_skills_may_be_typed_by_name_in_any_case(cast):
    Skill.objects.create(slug="k8s", name="Kubernetes")
    data = person_data(name="Eve", hours_available="1", cost_rate="1", skills={"kubernetes": 2})
    data |= {"skills-TOTAL_FORMS": "2", "skills-1-skill": "PYTHON", "skills-1-level": "4"}
    data |= once(cast["alice"])
    response = client_for(cast["alice"]).post("/organisations/outlier/people/new/", data)
    assert response.status_code == 302
    eve = Person.objects.get(name="Eve")
    assert {s.skill.slug: s.level for s in eve.skills.all()} == {"k8s": 2, "python": 4}


def test_member_edits_their_own_hours_and_skills_but_not_their_rate(cast):
    Person.objects.filter(pk=cast["person"].pk).update(user=cast["bob"])
    bob = client_for(cast["bob"])
    url = f"/people/{cast['person'].pk}/edit/"
    page = bob.get(url).content.decode()
    assert "Cost rate" not in page
    assert "Edit my hours and skills" in bob.get("/organisations/outlier/manage/").content.decode()
    data = person_data(hours_available="10", cost_rate="1", name="Mallory", skills={"python": 3})
    assert bob.post(url, data).status_code == 302
    ada = Person.objects.get(pk=cast["person"].pk)
    assert (ada.name, ada.hours_available, ada.cost_rate) == ("Ada Lovelace", 10, PLANTED_RATE)
    assert {s.skill.slug: s.level for s in ada.skills.all()} == {"python": 3}
    assert bob.post(f"/people/{ada.pk}/delete/").status_code == 403


# -- invitations ----------------------------------------------------------------------------


def set_password_link(message):
    return re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)


def test_invitation_sends_a_working_set_password_link(cast):
    alice = client_for(cast["alice"])
    data = {"email": "Dana@Example.org", "role": "member"}
    response = alice.post("/organisations/outlier/invite/", data)
    assert response.status_code == 302
    dana = User.objects.get(email="Dana@example.org")  # the domain part is case-insensitive
    assert not dana.has_usable_password()
    assert Membership.objects.get(user=dana).role == Membership.MEMBER
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Dana@example.org"]
    assert "Outlier Co-op" in mail.outbox[0].subject

    visitor = Client()
    response = visitor.get(set_password_link(mail.outbox[0]))
    assert response.status_code == 302  # Django swaps the token for a session, then asks
    form_url = response["Location"]
    assert "Choose a password" in visitor.get(form_url).content.decode()
    password = {"new_password1": "a-long-new-password", "new_password2": "a-long-new-password"}
    assert visitor.post(form_url, password).status_code == 302

    dana_client = Client()
    assert dana_client.login(username=dana.username, password="a-long-new-password")
    assert dana_client.get("/organisations/outlier/manage/").status_code == 200
    # the link works once
    assert (
        "expired" in Client().get(set_password_link(mail.outbox[0]), follow=True).content.decode()
    )


def test_inviting_again_sends_a_fresh_link(cast):
    alice = client_for(cast["alice"])
    data = {"email": "dana@example.org", "role": "member"}
    assert alice.post("/organisations/outlier/invite/", data).status_code == 302
    assert alice.post("/organisations/outlier/invite/", data).status_code == 302
    assert len(mail.outbox) == 2
    assert Membership.objects.filter(user__email="dana@example.org").count() == 1
    assert Client().get(set_password_link(mail.outbox[1])).status_code == 302


def test_only_admins_can_invite(cast):
    data = {"email": "eve@example.org", "role": "admin"}
    assert client_for(cast["bob"]).post("/organisations/outlier/invite/", data).status_code == 403
    response = client_for(cast["charlie"]).post("/organisations/outlier/invite/", data)
    assert response.status_code == 404
    assert_nothing_changed(cast)
    assert not Membership.objects.filter(organisation__slug="outlier", role="admin").exclude(
        user=cast["alice"]
    )


def test_inviting_an_existing_member_is_refused_with_a_message(cast):
    cast["bob"].email = "bob@example.org"
    cast["bob"].save()
    alice = client_for(cast["alice"])
    response = alice.post("/organisations/outlier/invite/", {"email": "bob@example.org"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()  # the role
    data = {"email": "bob@example.org", "role": "member"}
    response = alice.post("/organisations/outlier/invite/", data)
    assert response.status_code == 400
    assert "bob@example.org is already a member of Outlier Co-op." in response.content.decode()
    assert mail.outbox == []


def existing_account(user, email):
    user.email = email
    user.save()
    return user


def invite(cast, email, role="member"):
    data = {"email": email, "role": role}
    return client_for(cast["alice"]).post("/organisations/outlier/invite/", data)


def test_inviting_an_existing_account_asks_it_and_admits_nobody_yet(cast):
    charlie = existing_account(cast["charlie"], "charlie@example.org")
    assert invite(cast, "charlie@example.org").status_code == 302
    assert not Membership.objects.filter(user=charlie, organisation__slug="outlier").exists()
    invitation = Invitation.objects.get(user=charlie)
    assert (invitation.organisation, invitation.invited_by) == (cast["outlier"], cast["alice"])
    assert (invitation.status, invitation.role, invitation.email) == (
        "pending",
        "member",
        "charlie@example.org",
    )
    assert invitation.expires > invitation.created
    assert f"/invitations/{invitation.token}/" in mail.outbox[0].body
    assert "/accounts/reset/" not in mail.outbox[0].body
    assert client_for(charlie).get("/organisations/outlier/manage/").status_code == 404
    home = client_for(charlie).get("/").content.decode()
    assert "Invitations waiting for your answer" in home
    assert "Outlier Co-op" in home


def test_the_invited_account_accepts_and_only_then_is_a_member(cast):
    charlie = existing_account(cast["charlie"], "charlie@example.org")
    invite(cast, "charlie@example.org", role="admin")
    token = Invitation.objects.get(user=charlie).token
    page = client_for(charlie).get(f"/invitations/{token}/")
    assert page.status_code == 200
    assert "Accept" in page.content.decode()
    response = client_for(charlie).post(f"/invitations/{token}/", {"answer": "accept"})
    assert response.status_code == 302
    assert Membership.objects.get(user=charlie, organisation__slug="outlier").role == "admin"
    assert Invitation.objects.get(user=charlie).status == "accepted"
    assert client_for(charlie).get("/organisations/outlier/manage/").status_code == 200
    # answered: the link is spent
    assert client_for(charlie).get(f"/invitations/{token}/").status_code == 404


def test_the_invited_account_may_decline(cast):
    charlie = existing_account(cast["charlie"], "charlie@example.org")
    invite(cast, "charlie@example.org")
    token = Invitation.objects.get(user=charlie).token
    response = client_for(charlie).post(f"/invitations/{token}/", {"answer": "decline"})
    assert response.status_code == 302
    assert not Membership.objects.filter(user=charlie, organisation__slug="outlier").exists()
    assert Invitation.objects.get(user=charlie).status == "declined"
    assert "Invitations waiting" not in client_for(charlie).get("/").content.decode()


def test_nobody_but_the_invited_account_sees_or_answers_the_invitation(cast):
    charlie = existing_account(cast["charlie"], "charlie@example.org")
    invite(cast, "charlie@example.org")
    token = Invitation.objects.get(user=charlie).token
    for other in (cast["alice"], cast["bob"]):
        assert client_for(other).get(f"/invitations/{token}/").status_code == 404
        answer = client_for(other).post(f"/invitations/{token}/", {"answer": "accept"})
        assert answer.status_code == 404
    assert Client().get(f"/invitations/{token}/").status_code == 302  # to sign in
    assert not Membership.objects.filter(user=charlie, organisation__slug="outlier").exists()
    assert Invitation.objects.get(user=charlie).status == "pending"


def test_an_expired_invitation_cannot_be_accepted(cast, clock):
    charlie = existing_account(cast["charlie"], "charlie@example.org")
    invite(cast, "charlie@example.org")
    token = Invitation.objects.get(user=charlie).token
    clock.shift(dt.timedelta(days=services.INVITATION_DAYS, seconds=1))
    response = client_for(charlie).post(f"/invitations/{token}/", {"answer": "accept"})
    assert response.status_code == 400
    assert services.INVITATION_EXPIRED in html.unescape(response.content.decode())
    assert not Membership.objects.filter(user=charlie, organisation__slug="outlier").exists()
    assert "Invitations waiting" not in client_for(charlie).get("/").content.decode()


def test_inviting_an_existing_account_twice_leaves_one_invitation_with_a_fresh_link(cast):
    charlie = existing_account(cast["charlie"], "charlie@example.org")
    invite(cast, "charlie@example.org")
    first = Invitation.objects.get(user=charlie).token
    invite(cast, "charlie@example.org", role="admin")
    invitation = Invitation.objects.get(user=charlie)
    assert (invitation.role, invitation.token != first) == ("admin", True)
    assert client_for(charlie).get(f"/invitations/{first}/").status_code == 404


def test_the_api_lists_accepts_and_declines_the_accounts_own_invitations(cast):
    charlie = existing_account(cast["charlie"], "charlie@example.org")
    invite(cast, "charlie@example.org")
    invitation = Invitation.objects.get(user=charlie)
    [listed] = client_for(charlie).get("/api/invitations").json()
    assert (listed["id"], listed["organisation"], listed["invited_by"]) == (
        invitation.pk,
        "outlier",
        "alice",
    )
    assert "token" not in listed
    assert client_for(cast["alice"]).get("/api/invitations").json() == []
    url = f"/api/invitations/{invitation.pk}/accept"
    assert client_for(cast["alice"]).post(url).status_code == 404
    assert client_for(cast["bob"]).post(url).status_code == 404
    assert not Membership.objects.filter(user=charlie, organisation__slug="outlier").exists()
    answered = client_for(charlie).post(url)
    assert answered.status_code == 200
    assert answered.json()["status"] == "accepted"
    assert Membership.objects.filter(user=charlie, organisation__slug="outlier").exists()
    assert client_for(charlie).post(url).status_code == 404  # answered once


def test_the_api_declines(cast):
    charlie = existing_account(cast["charlie"], "charlie@example.org")
    invite(cast, "charlie@example.org")
    invitation = Invitation.objects.get(user=charlie)
    answered = client_for(charlie).post(f"/api/invitations/{invitation.pk}/decline")
    assert answered.json()["status"] == "declined"
    assert not Membership.objects.filter(user=charlie, organisation__slug="outlier").exists()


# -- home and sign-in -----------------------------------------------------------------------


def test_home_lists_the_users_organisations(cast):
    text = client_for(cast["bob"]).get("/").content.decode()
    assert "Outlier Co-op" in text
    assert "/organisations/outlier/manage/" in text
    text = client_for(cast["charlie"]).get("/").content.decode()
    assert "Rival Ltd" in text
    assert "Outlier" not in text


def test_sign_in_and_out(cast):
    client = Client()
    assert "Sign in" in client.get("/accounts/login/").content.decode()
    data = {"username": "alice", "password": "pw-alice-123"}
    response = client.post("/accounts/login/", data)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 200
    assert client.get("/").status_code == 302


def test_password_reset_sends_a_link_by_email(cast):
    cast["alice"].email = "alice@example.org"
    cast["alice"].save()
    response = Client().post("/accounts/password_reset/", {"email": "alice@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert Client().get(set_password_link(mail.outbox[0])).status_code == 302
