"""The directory in a real browser: a skill row of the person form suggests skills as you type
and saves the one chosen by name; the results come a page at a time, the next page swapped in
by htmx with the search kept."""

import pytest

from coopnet.directory.models import Person, Skill

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_skill_row_suggests_skills_and_saves_the_one_typed(
    cast, live_server, page, requests_elsewhere, sign_in
):
    Skill.objects.create(slug="k8s", name="Kubernetes", family="ops")
    base = live_server.url
    sign_in(page, base, "alice")
    page.goto(f"{base}/people/{cast['person'].pk}/edit/")
    assert page.locator("#id_skills-0-skill").input_value() == "Elixir"  # its name
    row = page.locator("#id_skills-1-skill")
    row.press_sequentially("K8")
    option = page.locator("#id_skills-1-skill-options option")
    option.first.wait_for(state="attached")
    assert option.evaluate_all("all => all.map(o => [o.value, o.label])") == [
        ["Kubernetes", "ops"]  # its family, never its id
    ]
    assert page.locator("#id_skills-0-skill-options option").count() == 0  # each row its own
    row.fill("Kubernetes")
    page.select_option("#id_skills-1-level", "3")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=was saved")
    held = {s.skill.slug: s.level for s in cast["person"].skills.all()}
    assert held == {"elixir": 4, "k8s": 3}
    assert requests_elsewhere == []


def test_the_results_page_on_with_the_search_kept(cast, live_server, page, sign_in):
    outlier = cast["person"].organisation
    Person.objects.bulk_create(
        Person(organisation=outlier, name=f"Member {n:02}", hours_available=1) for n in range(30)
    )
    base = live_server.url
    sign_in(page, base, "charlie")
    page.goto(f"{base}/directory/")
    page.fill("#id_name", "member")
    page.locator("#results >> text=People 1–25 of 30 found.").wait_for()
    page.click("#results a[rel=next]")
    page.locator("#results >> text=People 26–30 of 30 found.").wait_for()
    assert page.locator("#id_name").input_value() == "member"  # the form was not reloaded
    page.wait_for_url("**/directory/?*name=member&page=2")  # pushed into the history
    assert page.locator("#results tbody tr").count() == 5
