"""What a new user tripped on (issue 13): each page says what the reader may do, amounts carry
their unit, a form sent twice makes no second person, a restated cost keeps what was typed,
and no id repeats on the organisation's skills page."""

import re
from collections import Counter
from decimal import Decimal

import pytest
from casts import PLANTED_HOURS, PLANTED_RATE, client_for, once
from django.core.exceptions import ValidationError

from coopnet.directory import services as directory
from coopnet.directory.models import Membership, Person
from coopnet.sharedservices import services as shared
from coopnet.sharedservices.models import Enrolment

pytestmark = pytest.mark.usefixtures("clock")


def _main(response):
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


# -- the home page, by role ------------------------------------------------------------------


def test_the_coordinators_home_leads_to_the_network_not_to_an_invitation(cast, coordinator):
    page = _main(client_for(coordinator).get("/"))
    assert "Ask an organisation admin to invite you" not in page
    for link in ('href="/network/"', 'href="/network/organisations/"', 'href="/books/network/"'):
        assert link in page, link
    assert "post one" not in page


def test_a_member_is_not_invited_to_post_but_may_edit_its_own_hours(cast):
    bob = cast["bob"]
    page = _main(client_for(bob).get("/"))
    assert "post one" not in page
    assert "its admins post them" in page
    assert "Edit my hours and skills" not in page  # not one of the directory's people yet
    Person.objects.filter(pk=cast["person"].pk).update(user=bob)
    page = _main(client_for(bob).get("/"))
    assert f'href="/people/{cast["person"].pk}/edit/">Edit my hours and skills' in page


def test_an_admin_is_invited_to_post(cast):
    page = _main(client_for(cast["alice"]).get("/"))
    assert "post one for your organisation" in page
    assert "Ask an organisation admin" not in page


def test_the_coordinator_is_told_why_no_opportunity_is_listed(cast, coordinator):
    page = _main(client_for(coordinator).get("/opportunities/"))
    assert 'id="coordinator-note"' in page
    assert 'href="/network/"' in page
    assert "No opportunities yet" not in page


# -- amounts with their unit -----------------------------------------------------------------


def test_the_people_table_gives_hours_and_rates_their_unit(cast):
    page = _main(client_for(cast["alice"]).get("/organisations/outlier/manage/"))
    assert f">{PLANTED_HOURS}\N{NO-BREAK SPACE}h<" in page
    assert f">£{PLANTED_RATE}/h<" in page


def test_too_many_digits_are_refused_as_a_number_too_large(cast):
    form = {"name": "Big", "hours_available": "12345678", "cost_rate": "10"}
    form |= {"skills-TOTAL_FORMS": "0", "skills-INITIAL_FORMS": "0", **once(cast["alice"])}
    response = client_for(cast["alice"]).post("/organisations/outlier/people/new/", form)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter a number no larger than 999,999.99." in page
    assert "digits in total" not in page
    assert not Person.objects.filter(name="Big").exists()


# -- a person made twice ---------------------------------------------------------------------


def test_a_second_person_of_the_same_name_is_refused_whatever_the_case(cast):
    with pytest.raises(ValidationError) as refused:
        directory.person_create(
            actor=cast["alice"],
            organisation_slug="outlier",
            name="ada LOVELACE",
            hours_available="1",
            cost_rate="1",
        )
    message = directory.NAME_TAKEN.format(organisation="Outlier Co-op", name="ada LOVELACE")
    assert refused.value.message_dict == {"name": [message]}
    assert cast["outlier"].people.count() == 1


def test_the_form_sent_twice_makes_one_person_and_the_import_still_matches_it(cast):
    alice = client_for(cast["alice"])
    form = {"name": "Grace Hopper", "hours_available": "10", "cost_rate": "50"}
    form |= {"skills-TOTAL_FORMS": "0", "skills-INITIAL_FORMS": "0"}
    # each time with the token of a page of its own (the page came back with the back button)
    sent = alice.post("/organisations/outlier/people/new/", {**form, **once(cast["alice"])})
    assert sent.status_code == 302
    again = alice.post("/organisations/outlier/people/new/", {**form, **once(cast["alice"])})
    assert again.status_code == 400
    assert "already has a person called" in again.content.decode()
    assert cast["outlier"].people.filter(name="Grace Hopper").count() == 1
    csv = b"name,hours_available,cost_rate,skills\nGrace Hopper,20,50,python:3\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("people.csv", csv, content_type="text/csv")
    response = alice.post("/organisations/outlier/import/", {"file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert cast["outlier"].people.get(name="Grace Hopper").hours_available == Decimal("20")


def test_renaming_a_person_to_a_colleagues_name_is_refused(cast):
    other = directory.person_create(
        actor=cast["alice"],
        organisation_slug="outlier",
        name="Grace Hopper",
        hours_available="1",
        cost_rate="1",
    )
    with pytest.raises(ValidationError):
        directory.person_update(actor=cast["alice"], person_id=other.pk, name="Ada Lovelace")
    renamed = directory.person_update(actor=cast["alice"], person_id=other.pk, name="Grace H.")
    assert renamed.name == "Grace H."


# -- a restated going-alone cost -------------------------------------------------------------


def test_restating_a_worked_out_cost_starts_from_the_hours_rate_and_tools_typed(cast, coordinator):
    shared.service_create(actor=coordinator, name="Accounts", fixed_cost="100")
    alice = client_for(cast["alice"])
    typed = {"hours_alone": "6", "rate": "40", "tools_cost": "35.50", "alone_cost": ""}
    assert alice.post("/services/accounts/outlier/enrolment/", typed).status_code == 302
    enrolment = Enrolment.objects.get()
    assert enrolment.alone_cost == Decimal("275.50")  # 6 × 40 + 35.50
    page = alice.get("/services/accounts/").content.decode()
    assert re.search(r'name="tools_cost"[^>]*value="35.50"', page)
    assert re.search(r'name="rate"[^>]*value="40.00"', page)
    assert not re.search(r'name="alone_cost"[^>]*value=', page)  # worked out again
    restated = {**typed, "hours_alone": "8"}
    assert alice.post("/services/accounts/outlier/enrolment/", restated).status_code == 302
    assert Enrolment.objects.get().alone_cost == Decimal("355.50")  # the tools kept


def test_restating_a_stated_cost_shows_the_cost_stated(cast, coordinator):
    shared.service_create(actor=coordinator, name="Accounts", fixed_cost="100")
    alice = client_for(cast["alice"])
    alice.post("/services/accounts/outlier/enrolment/", {"alone_cost": "250", "hours_alone": "6"})
    page = alice.get("/services/accounts/").content.decode()
    assert re.search(r'name="alone_cost"[^>]*value="250.00"', page)
    assert not re.search(r'name="tools_cost"[^>]*value=', page)


# -- the organisation's skills page ----------------------------------------------------------


def test_no_id_repeats_on_the_skills_page_and_every_label_names_one_field(cast):
    Membership.objects.filter(user=cast["bob"]).update(role=Membership.ADMIN)
    page = client_for(cast["alice"]).get("/skills/organisations/outlier/").content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [i for i, n in ids.items() if n > 1] == []
    targets = re.findall(r'<label for="([^"]+)"', page)
    assert len(targets) >= 8  # four forms, with people and skills each
    assert all(ids[target] == 1 for target in targets)
    for form in ("wish", "level", "session", "mentor-hours"):
        assert f'id="{form}-' in page, form


# -- a large organisation's skills page ------------------------------------------------------


def _many(cast, count):
    Person.objects.bulk_create(
        Person(organisation=cast["outlier"], name=f"Person {k:03}", hours_available=Decimal(k))
        for k in range(count)
    )


def test_a_large_organisations_skills_page_lists_its_people_a_page_at_a_time(cast):
    _many(cast, 120)
    alice = client_for(cast["alice"])
    page = alice.get("/skills/organisations/outlier/").content.decode()
    table = page[
        page.index('id="people-mentoring"') : page.index(
            "</table>", page.index('id="people-mentoring"')
        )
    ]
    assert table.count("<tr>") == 1 + 50  # the header and 50 people
    assert "Page 1 of 3" in page
    assert "Person 119" not in page  # neither in the table nor in any form's list
    assert "<option" not in page.split('id="record-session"')[1].split("</section>")[0]
    last = alice.get("/skills/organisations/outlier/?page=3").content.decode()
    assert "Person 119" in last


def test_person_fields_suggest_names_as_typed_among_whom_the_viewer_may_act_for(cast):
    _many(cast, 30)
    alice, bob = client_for(cast["alice"]), client_for(cast["bob"])
    found = alice.get("/skills/organisations/outlier/people/?q=person 02").content.decode()
    assert re.findall(r'value="([^"]+)"', found) == [
        f"Person {k:03} (Outlier Co-op)" for k in range(20, 30)
    ]
    assert str(PLANTED_RATE) not in found
    # Bob is a member, not an admin: he acts for himself alone, and is no one here yet
    assert (
        "<option" not in bob.get("/skills/organisations/outlier/people/?q=person").content.decode()
    )
    assert (
        client_for(cast["charlie"]).get("/skills/organisations/outlier/people/?q=a").status_code
        == 404
    )


def test_a_person_is_chosen_by_name_and_a_namesake_needs_the_organisation(cast):
    from coopnet.mentoring.forms import PERSON_AMBIGUOUS, PERSON_UNKNOWN, WishForm

    people = Person.objects.filter(organisation=cast["outlier"])
    form = WishForm({"person": "ada lovelace", "skill": "Python"}, people=people, search="/s/")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["person"] == cast["person"].pk
    form = WishForm({"person": "Nobody", "skill": "Python"}, people=people, search="/s/")
    assert form.errors["person"] == [PERSON_UNKNOWN.format(text="Nobody")]
    Person.objects.create(organisation=cast["outlier"], name="Ada Lovelace")  # a legacy namesake
    form = WishForm({"person": "Ada Lovelace", "skill": "Python"}, people=people, search="/s/")
    assert form.errors["person"] == [PERSON_AMBIGUOUS.format(text="Ada Lovelace")]
    outsiders = Person.objects.filter(organisation__slug="rival")
    form = WishForm(
        {"person": str(cast["person"].pk), "skill": "Python"}, people=outsiders, search="/s/"
    )
    assert "person" in form.errors  # an id among the people it may choose only
