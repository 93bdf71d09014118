"""Import and export of an organisation's people, as CSV and as spec §2 network JSON: members
export, admins import, outsiders get 404, and a file with any bad row saves nothing and says
which row and field are wrong."""

import json
from decimal import Decimal

import pytest
from casts import PLANTED_HOURS, PLANTED_RATE, client_for
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from coopnet.directory import csv_io, services
from coopnet.directory.models import Person
from coopnet.engine.formats import parse_network

pytestmark = pytest.mark.django_db

IMPORT = "/organisations/outlier/import/"
GOOD_CSV = (
    "name,hours_available,cost_rate,skills\n"
    "Grace Hopper,80,65.50,python:5;ux-design:2\n"
    "Ada Lovelace,10,70,elixir:5\n"
)


def upload(client, content, name="people.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})


def outlier_people():
    return {
        p.name: (p.hours_available, p.cost_rate, {s.skill.slug: s.level for s in p.skills.all()})
        for p in Person.objects.filter(organisation__slug="outlier")
    }


ORIGINAL = {"Ada Lovelace": (PLANTED_HOURS, PLANTED_RATE, {"elixir": 4})}


# -- export ---------------------------------------------------------------------------------


def test_members_export_csv_with_private_values(cast):
    for user in ("alice", "bob"):
        response = client_for(cast[user]).get("/organisations/outlier/people.csv")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        assert response.content.decode() == (
            "name,hours_available,cost_rate,skills\n"
            f"Ada Lovelace,{PLANTED_HOURS},{PLANTED_RATE},elixir:4\n"
        )


def test_members_export_network_json_that_the_engine_reads(cast):
    response = client_for(cast["bob"]).get("/organisations/outlier/network.json")
    assert response.status_code == 200
    document = response.json()
    network = parse_network(json.loads(response.content, parse_float=Decimal))
    assert [o.id for o in network.organisations] == ["outlier"]
    assert network.organisations[0].coordination_cost == 500
    (person,) = network.people
    assert (person.org, person.hours, person.cost_rate) == ("outlier", PLANTED_HOURS, PLANTED_RATE)
    assert dict(person.skills) == {"elixir": 4}
    assert document["people"][0]["name"] == "Ada Lovelace"


def test_outsiders_can_neither_export_nor_import(cast):
    charlie = client_for(cast["charlie"])
    for url in ("/organisations/outlier/people.csv", "/organisations/outlier/network.json"):
        response = charlie.get(url)
        assert response.status_code == 404
        assert str(PLANTED_RATE) not in response.content.decode()
    assert upload(charlie, GOOD_CSV).status_code == 404
    assert upload(client_for(cast["bob"]), GOOD_CSV).status_code == 403
    assert outlier_people() == ORIGINAL


def test_formula_cells_are_quoted_on_export_and_restored_on_import(cast):
    alice = client_for(cast["alice"])
    assert upload(alice, "name,hours_available,cost_rate\n=HYPERLINK(1),1,1\n").status_code == 302
    exported = alice.get("/organisations/outlier/people.csv").content.decode()
    assert "'=HYPERLINK(1)" in exported
    assert upload(alice, exported).status_code == 302
    assert Person.objects.filter(name="=HYPERLINK(1)").count() == 1


# -- import ---------------------------------------------------------------------------------


def test_admin_imports_csv_adding_and_updating_by_name(cast):
    response = upload(client_for(cast["alice"]), GOOD_CSV)
    assert response.status_code == 302
    assert outlier_people() == {
        "Ada Lovelace": (10, 70, {"elixir": 5}),
        "Grace Hopper": (80, Decimal("65.50"), {"python": 5, "ux-design": 2}),
    }


def test_export_then_import_changes_nothing(cast):
    alice = client_for(cast["alice"])
    for url, name in (
        ("/organisations/outlier/people.csv", "people.csv"),
        ("/organisations/outlier/network.json", "network.json"),
    ):
        exported = alice.get(url).content
        response = upload(alice, exported, name)
        assert response.status_code == 302, name
        assert outlier_people() == ORIGINAL


def test_csv_with_one_bad_row_saves_nothing_and_names_the_row_and_field(cast):
    bad = GOOD_CSV + "Bad Row,20,-5,python:3\n"
    response = upload(client_for(cast["alice"]), bad)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nothing was imported" in text
    assert "<td>Row 4</td><td>cost_rate</td>" in text
    assert "Ensure this value is greater than or equal to 0." in text
    assert outlier_people() == ORIGINAL


def test_every_bad_row_and_field_is_reported(cast):
    content = (
        "name,hours_available,cost_rate,skills\n"
        ",lots,1,cobol:3\n"
        "Eve,1,1,python:7\n"
        "Eve,1,1.234,python\n"
    )
    with pytest.raises(csv_io.ImportRejected) as rejected:
        csv_io.people_import(
            actor=cast["alice"], organisation_slug="outlier", data=content.encode()
        )
    assert [(e.row, e.field) for e in rejected.value.errors] == [
        ("Row 2", "name"),
        ("Row 2", "hours_available"),
        ("Row 2", "skills"),
        ("Row 3", "skills"),
        ("Row 4", "cost_rate"),
        ("Row 4", "skills"),
    ]
    messages = [e.message for e in rejected.value.errors]
    assert "Unknown skill 'cobol': choose one from the network's skill list." in messages
    assert "The level of python must be a whole number from 1 to 5 (got '7')." in messages
    assert outlier_people() == ORIGINAL


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("name,cost_rate\nEve,1\n", "Row 1: The header row lacks the column(s) hours_available"),
        ("name,hours_available,cost_rate\nEve,1,1\nEve,2,2\n", "'Eve' appears more than once"),
        ("name,hours_available,cost_rate\nEve,1,1,extra\n", "Row 2: This row has more cells"),
        ("name,hours_available,cost_rate\n", "File: The file holds no people."),
        (b"name,hours\xff\n", "File: The file is not UTF-8 text."),
        ('{"people": [}', "File: The file is not valid JSON"),
        ("[" * 100_000, "File: The file is not valid JSON"),
        ('{"people": [' + "9" * 5000 + "]}", "File: The file is not valid JSON"),
        ('{"organisations": [], "people": []}', "must describe exactly one organisation"),
        (
            '{"organisations": [{"id": "o1"}], "people": [{"id": "p", "org": "o2"}]}',
            "people[0], org: 'o2' is not the file's organisation 'o1'.",
        ),
        (
            '{"organisations": [{"id": "o1"}], "people": ['
            '{"id": "a", "org": "o1", "hours": 1, "cost_rate": 1},'
            '{"id": "b", "org": "o1", "hours": -1, "cost_rate": NaN}]}',
            "people[1], hours: Ensure this value is greater than or equal to 0.; "
            "people[1], cost_rate: Enter a number.",
        ),
    ],
)
def test_malformed_files_get_a_clear_error(cast, content, expected):
    data = content.encode() if isinstance(content, str) else content
    with pytest.raises(csv_io.ImportRejected) as rejected:
        csv_io.people_import(actor=cast["alice"], organisation_slug="outlier", data=data)
    assert expected in str(rejected.value)
    assert outlier_people() == ORIGINAL


def test_json_import_adds_people_with_their_names(cast):
    document = {
        "organisations": [{"id": "o1", "name": "Outlier Co-op"}],
        "people": [
            {
                "id": "p1",
                "org": "o1",
                "name": "Grace",
                "skills": {"python": 4},
                "hours": "12.5",
                "cost_rate": 40,
            },
            {"id": "p2", "org": "o1", "skills": {}, "hours": 3, "cost_rate": 30.25},
        ],
    }
    response = upload(client_for(cast["alice"]), json.dumps(document), "network.json")
    assert response.status_code == 302
    people = outlier_people()
    assert people["Grace"] == (Decimal("12.5"), 40, {"python": 4})
    assert people["p2"] == (3, Decimal("30.25"), {})


def test_a_service_failure_midway_rolls_back_the_rows_before_it(cast, monkeypatch):
    create = services.person_create

    def failing_on_grace(**kwargs):
        if kwargs["name"] == "Grace Hopper":
            raise ValidationError({"name": "refused"})
        return create(**kwargs)

    monkeypatch.setattr(services, "person_create", failing_on_grace)
    content = "name,hours_available,cost_rate\nEve,1,1\nGrace Hopper,1,1\n"
    with pytest.raises(csv_io.ImportRejected) as rejected:
        csv_io.people_import(
            actor=cast["alice"], organisation_slug="outlier", data=content.encode()
        )
    assert str(rejected.value) == "Row 3, name: refused"
    assert outlier_people() == ORIGINAL


def test_import_page_explains_the_format(cast):
    text = client_for(cast["alice"]).get(IMPORT).content.decode()
    assert "python:4;ux-design:2" in text
    assert 'enctype="multipart/form-data"' in text
