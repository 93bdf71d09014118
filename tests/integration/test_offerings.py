"""Offerings and organisations described: services validate and 404 outsiders, the pages and
API show offerings to the network and, for a public organisation, to anyone; the comparison
names overlap, complement and partners; no rate or cost reaches anyone outside."""

from decimal import Decimal

import pytest
from casts import PLANTED_RATE, client_for, once, send
from django.core.exceptions import ValidationError
from django.http import Http404

from coopnet.directory import services as directory
from coopnet.directory.models import Organisation, Skill
from coopnet.offerings import selectors, services
from coopnet.offerings.models import Offering

pytestmark = pytest.mark.usefixtures("clock")
#: Outlier's coordination cost in the cast: private, like Ada's rate
PLANTED_COST = "500.00"


@pytest.fixture
def offered(cast):
    """Outlier sells web apps (Elixir, UX); Rival sells data work (Elixir, Python) and its
    admin Charlie also runs Partner Co-op, which sells design (UX)."""
    Skill.objects.create(slug="sql", name="SQL databases")
    alice, charlie = cast["alice"], cast["charlie"]
    directory.organisation_create(name="Partner Co-op", slug="partner", admin=charlie)
    web = services.offering_create(
        actor=alice, organisation_slug="outlier", name="Web apps",
        skills=["elixir", "ux-design"], price_low="5000", price_high="20000",
        lead_time_days=14, size="4-8 week projects",
    )  # fmt: skip
    data = services.offering_create(
        actor=charlie, organisation_slug="rival", name="Data pipelines",
        skills=["elixir", "python", "sql"], lead_time_days=10,
    )  # fmt: skip
    design = services.offering_create(
        actor=charlie, organisation_slug="partner", name="Service design", skills=["ux-design"]
    )
    return cast | {"web": web, "data": data, "design": design}


# -- services -------------------------------------------------------------------------------


def test_an_admin_adds_an_offering_with_its_skills_and_band(offered):
    web = Offering.objects.get(pk=offered["web"].pk)
    assert sorted(web.skills.values_list("slug", flat=True)) == ["elixir", "ux-design"]
    assert (web.price_low, web.price_high) == (Decimal("5000.00"), Decimal("20000.00"))
    assert web.lead_time_weeks == 2


@pytest.mark.parametrize("who", ["bob", "charlie"])
def test_only_its_admins_change_an_organisations_offerings(offered, who):
    with pytest.raises(Http404):
        services.offering_create(actor=offered[who], organisation_slug="outlier", name="X")
    with pytest.raises(Http404):
        services.offering_update(actor=offered[who], offering_id=offered["web"].pk, name="Y")
    with pytest.raises(Http404):
        services.offering_delete(actor=offered[who], offering_id=offered["web"].pk)
    assert Offering.objects.get(pk=offered["web"].pk).name == "Web apps"


def test_a_band_upside_down_and_unknown_skills_are_refused_at_once(offered):
    with pytest.raises(ValidationError) as refused:
        services.offering_create(
            actor=offered["alice"], organisation_slug="outlier", name="Bad",
            skills=["cobol"], price_low="10", price_high="9", lead_time_days=-1,
        )  # fmt: skip
    assert refused.value.message_dict == {
        "price_high": [services.BAND_UPSIDE_DOWN],
        "skills": [services.UNKNOWN_SKILLS.format(slugs="cobol")],
        "lead_time_days": [services.BAD_LEAD_TIME],
    }
    assert not Offering.objects.filter(name="Bad").exists()


def test_a_name_is_used_once_per_organisation(offered):
    with pytest.raises(ValidationError) as refused:
        services.offering_create(
            actor=offered["alice"], organisation_slug="outlier", name="Web apps"
        )
    assert refused.value.message_dict["name"] == [
        services.NAME_TAKEN.format(organisation="Outlier Co-op", name="Web apps")
    ]


def test_an_update_changes_only_what_it_names(offered):
    services.offering_update(
        actor=offered["alice"], offering_id=offered["web"].pk, price_high="25000"
    )
    web = Offering.objects.get(pk=offered["web"].pk)
    assert web.price_high == Decimal("25000.00")
    assert web.price_low == Decimal("5000.00")
    assert web.skills.count() == 2


def test_an_organisation_describes_itself(cast):
    directory.organisation_describe(
        actor=cast["alice"], organisation_slug="outlier", description="We build.",
        kind=Organisation.WORKER_COOP, location="Leeds", website="https://outlier.example",
        public=True,
    )  # fmt: skip
    outlier = Organisation.objects.get(slug="outlier")
    assert (outlier.location, outlier.website, outlier.public) == (
        "Leeds",
        "https://outlier.example",
        True,
    )
    with pytest.raises(Http404):
        directory.organisation_describe(
            actor=cast["bob"], organisation_slug="outlier", description="", kind="company",
            location="", website="", public=False,
        )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        directory.organisation_describe(
            actor=cast["alice"], organisation_slug="outlier", description="", kind="guild",
            location="", website="ftp://x", public=False,
        )  # fmt: skip
    assert refused.value.message_dict == {"kind": [directory.BAD_KIND]}


# -- the comparison -------------------------------------------------------------------------


def test_the_comparison_finds_overlap_complement_and_partners(offered):
    ids = [offered["web"].pk, offered["data"].pk]
    found = selectors.comparison(offered["bob"], ids)
    (pair,) = found.pairs
    assert pair.overlap == ("Elixir",)
    assert pair.only_first == ("Ux-Design",)
    assert pair.only_second == ("Python", "SQL databases")
    assert pair.competes
    web_bundle, data_bundle = found.bundles
    assert [(p.organisation.slug, p.offerings, p.adds) for p in web_bundle.partners] == [
        ("rival", ("Data pipelines",), ("Python", "SQL databases"))
    ]
    # Partner Co-op brings UX as Outlier does: the tie goes to the one adding nothing off target
    assert [(p.organisation.slug, p.adds) for p in data_bundle.partners] == [
        ("outlier", ("Ux-Design",))
    ]
    assert web_bundle.uncovered == data_bundle.uncovered == ()


def test_compare_takes_two_to_four_ids():
    assert selectors.parse_ids(["3,1", "3"]) == [3, 1]
    for bad in (["1"], ["1,2,3,4,5"]):
        with pytest.raises(ValueError, match="Choose two to 4"):
            selectors.parse_ids(bad)
    with pytest.raises(ValueError, match="invalid literal"):
        selectors.parse_ids(["x,2"])


# -- pages ----------------------------------------------------------------------------------


def test_members_browse_filter_and_compare_on_the_pages(offered):
    client = client_for(offered["bob"])
    page = client.get("/offerings/", {"skill": "python"}).content.decode()
    assert "Data pipelines" in page
    assert "Web apps" not in page
    page = client.get("/offerings/", {"kind": "company"}).content.decode()
    assert "No offerings match." in page
    ids = f"{offered['web'].pk},{offered['data'].pk}"
    page = client.get("/offerings/compare/", {"ids": ids}).content.decode()
    assert "they compete on Elixir" in page
    assert "only Data pipelines brings Python, SQL databases" in page
    assert "sql" not in page.replace("SQL", "")  # names, never slugs
    assert client.get("/offerings/compare/", {"ids": "1"}).status_code == 302


def test_the_browse_page_shows_the_band_in_the_networks_currency(offered):
    page = client_for(offered["bob"]).get("/offerings/").content.decode()
    assert "£5,000.00–£20,000.00" in page
    assert "2 weeks" in page


def test_an_admin_adds_an_offering_through_the_form(offered):
    client = client_for(offered["alice"])
    data = {"name": "Audits", "skills": "Python, elixir", "lead_time": "3",
            "lead_time_unit": "weeks", "price_low": "", "price_high": ""}  # fmt: skip
    url = "/offerings/organisations/outlier/new/"
    response = client.post(url, {**data, **once(offered["alice"])})
    assert response.status_code == 302
    audits = Offering.objects.get(name="Audits")
    assert audits.lead_time_days == 21
    assert sorted(audits.skills.values_list("slug", flat=True)) == ["elixir", "python"]
    more = {**data, "name": "More", "skills": "cobol", **once(offered["alice"])}
    response = client.post(url, more)
    assert response.status_code == 400
    assert "No skill is named" in response.content.decode()


def test_outsiders_get_404_on_an_organisations_forms(offered):
    charlie = client_for(offered["charlie"])
    assert charlie.get("/offerings/organisations/outlier/new/").status_code == 404
    assert charlie.get(f"/offerings/{offered['web'].pk}/edit/").status_code == 404
    assert charlie.post(f"/offerings/{offered['web'].pk}/delete/").status_code == 404
    assert client_for(offered["bob"]).get("/directory/organisations/").status_code == 200
    assert client_for(offered["bob"]).get("/organisations/outlier/describe/").status_code == 403


def test_the_directory_finds_organisations_by_a_skill_held_or_offered(offered):
    client = client_for(offered["bob"])
    page = client.get("/directory/organisations/", {"skill": "SQL databases"}).content.decode()
    assert "Rival Ltd" in page
    assert "Outlier Co-op" not in page
    page = client.get("/directory/organisations/", {"skill": "elixir"}).content.decode()
    assert "Rival Ltd" in page  # offered
    assert "Outlier Co-op" in page  # held by Ada, and offered
    assert "Partner Co-op" not in page


def test_a_public_profile_shows_offerings_to_visitors_and_nothing_private(offered):
    visitor = client_for(None)
    assert visitor.get("/organisations/outlier/public/").status_code == 404
    assert visitor.get("/offerings/").status_code == 302  # sign in first
    directory.organisation_describe(
        actor=offered["alice"], organisation_slug="outlier", description="We build.",
        kind=Organisation.WORKER_COOP, location="Leeds", website="", public=True,
    )  # fmt: skip
    page = visitor.get("/organisations/outlier/public/").content.decode()
    assert "Web apps" in page
    assert "Leeds" in page
    assert "Worker co-operative" in page
    for private in (str(PLANTED_RATE), PLANTED_COST, "Ada Lovelace", "123.45"):
        assert private not in page
    assert visitor.get("/organisations/rival/public/").status_code == 404


# -- the API --------------------------------------------------------------------------------


def test_the_api_lists_compares_and_writes_offerings(offered):
    alice = client_for(offered["alice"])
    listed = alice.get("/api/offerings", {"skill": "ux-design"}).json()
    assert [o["name"] for o in listed] == ["Web apps", "Service design"]
    ids = f"{offered['web'].pk},{offered['data'].pk}"
    compared = alice.get("/api/offerings/compare", {"ids": ids}).json()
    assert compared["pairs"][0]["overlap"] == ["Elixir"]
    assert compared["bundles"][0]["partners"][0]["organisation"] == "rival"
    assert alice.get("/api/offerings/compare", {"ids": "1"}).status_code == 422
    made = send(alice, "post", "/api/offerings",
                {"organisation": "outlier", "name": "Audits", "skills": ["python"]})  # fmt: skip
    assert made.status_code == 201
    offering_id = made.json()["id"]
    patched = send(alice, "patch", f"/api/offerings/{offering_id}", {"price_low": "100"})
    assert patched.json()["price_low"] == "100.00"
    charlie = client_for(offered["charlie"])
    assert send(charlie, "delete", f"/api/offerings/{offering_id}").status_code == 404
    assert send(alice, "delete", f"/api/offerings/{offering_id}").status_code == 204


def test_a_new_offering_shows_on_the_kept_profile_at_once(offered):
    charlie = client_for(offered["charlie"])
    assert "Web apps" in charlie.get("/organisations/outlier/").content.decode()
    services.offering_create(actor=offered["alice"], organisation_slug="outlier", name="Audits")
    page = charlie.get("/organisations/outlier/").content.decode()
    assert "Audits" in page
    services.offering_delete(actor=offered["alice"], offering_id=offered["web"].pk)
    assert "Web apps" not in charlie.get("/organisations/outlier/").content.decode()


def test_a_competitor_comparing_reads_no_private_figure(offered):
    ids = f"{offered['web'].pk},{offered['data'].pk},{offered['design'].pk}"
    urls = [f"/offerings/compare/?ids={ids}", f"/api/offerings/compare?ids={ids}"]
    urls += ["/offerings/", "/api/offerings", "/directory/organisations/?skill=elixir"]
    for url in urls:
        body = client_for(offered["charlie"]).get(url).content.decode()
        assert str(PLANTED_RATE) not in body, url
        assert PLANTED_COST not in body, url
        assert "123.45" not in body, url


def test_an_admin_describes_the_organisation_on_its_page(offered):
    alice = client_for(offered["alice"])
    data = {"kind": "company", "location": "York", "website": "outlier.example",
            "description": "Apps.", "public": "on"}  # fmt: skip
    assert alice.post("/organisations/outlier/describe/", data).status_code == 302
    outlier = Organisation.objects.get(slug="outlier")
    assert (outlier.kind, outlier.website, outlier.public) == (
        "company",
        "https://outlier.example",
        True,
    )
    page = client_for(None).get("/organisations/outlier/public/").content.decode()
    assert "Company" in page
    assert "York" in page
    refused = alice.post("/organisations/outlier/describe/", {**data, "kind": "guild"})
    assert refused.status_code == 400
