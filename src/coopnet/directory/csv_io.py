"""Import and export of an organisation's people: CSV for spreadsheets, and the network JSON of
spec/interfaces.md §2 for the engine and the command line.

Export is for the organisation's members (it carries rates and hours). Import is for its admins:
every row is checked first and every problem is reported with its row and field; then all rows
are saved through the directory services in one transaction, so either all of them are saved
or none is. A row whose name matches a person already in the organisation updates that person;
other rows add people; nobody is removed.

CSV columns: name, hours_available, cost_rate, skills (written "python:4;ux-design:2").
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from coopnet.common.access import User
from coopnet.directory import selectors, services
from coopnet.directory.forms import PersonRowForm
from coopnet.directory.models import Organisation, Person, Skill

__all__ = [
    "CSV_COLUMNS",
    "ImportRejected",
    "ImportResult",
    "RowError",
    "export_csv",
    "export_network",
    "people_import",
]

CSV_COLUMNS = ("name", "hours_available", "cost_rate", "skills")
REQUIRED_COLUMNS = ("name", "hours_available", "cost_rate")
#: the JSON format's names for the fields that the CSV and the models name otherwise
JSON_FIELDS = {"hours_available": "hours", "cost_rate": "cost_rate", "name": "name"}
MAX_BYTES = 2_000_000
MAX_ROWS = 5_000
#: cells starting with these are formulas to a spreadsheet; exports quote them with a '
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

TOO_BIG = f"The file is larger than {MAX_BYTES // 1_000_000} MB: split it into smaller files."
TOO_MANY_ROWS = f"The file has more than {MAX_ROWS} people: split it into smaller files."
NOT_TEXT = "The file is not UTF-8 text."
EMPTY = "The file holds no people."
MISSING_COLUMNS = "The header row lacks the column(s) {columns}; expected {expected}."
EXTRA_CELLS = "This row has more cells than the header has columns."
NAME_TWICE = "{name!r} appears more than once in the file (also {other})."
NAME_AMBIGUOUS = "The organisation has several people called {name!r}: rename them first."
NOT_JSON = "The file is not valid JSON ({reason})."
ONE_ORGANISATION = "The file must describe exactly one organisation (it has {count})."
OTHER_ORGANISATION = "{org!r} is not the file's organisation {own!r}."


@dataclass(frozen=True)
class RowError:
    row: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.row}, {self.field}" if self.field else self.row
        return f"{where}: {self.message}"


class ImportRejected(Exception):
    """Nothing was imported; `errors` says what to fix, row by row and field by field."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


@dataclass(frozen=True)
class _Row:
    label: str
    fields: dict[str, Any]  # the raw cells, keyed by CSV column name
    field_names: dict[str, str]  # how to name each field in an error


@dataclass(frozen=True)
class _Valid:
    label: str
    name: str
    changes: dict[str, Any]


# -- export ---------------------------------------------------------------------------------


def _skills_text(person: Person) -> str:
    return ";".join(f"{s.skill.slug}:{s.level}" for s in person.skills.all())


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def export_csv(people: Iterable[Person]) -> str:
    """The people as CSV text, one row each, skills as 'python:4;ux-design:2'."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for person in people:
        writer.writerow(
            [_cell(person.name), person.hours_available, person.cost_rate, _skills_text(person)]
        )
    return out.getvalue()


def _number(amount: Decimal) -> int | float:
    # Amounts have at most 12 significant digits, so a float carries them exactly to JSON.
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def export_network(organisation: Organisation, people: Iterable[Person]) -> dict[str, Any]:
    """A spec §2 network document of one organisation (people carry their name as well)."""
    return {
        "organisations": [
            {
                "id": organisation.slug,
                "name": organisation.name,
                "coordination_cost": _number(organisation.coordination_cost),
            }
        ],
        "people": [
            {
                "id": f"p{person.pk}",
                "org": organisation.slug,
                "name": person.name,
                "skills": {s.skill.slug: s.level for s in person.skills.all()},
                "hours": _number(person.hours_available),
                "cost_rate": _number(person.cost_rate),
            }
            for person in people
        ],
    }


# -- reading --------------------------------------------------------------------------------


def _text(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportRejected([RowError("File", "", TOO_BIG)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected([RowError("File", "", NOT_TEXT)]) from None


def _unquote(name: str) -> str:
    return name[1:] if name.startswith("'") and name[1:].startswith(FORMULA_STARTS) else name


def read_csv(text: str) -> list[_Row]:
    reader = csv.DictReader(io.StringIO(text), restkey="\0extra")
    header = [column.strip() for column in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        expected = ", ".join(CSV_COLUMNS)
        message = MISSING_COLUMNS.format(columns=", ".join(missing), expected=expected)
        raise ImportRejected([RowError("Row 1", "", message)])
    names = {column: column for column in CSV_COLUMNS}
    rows = []
    try:
        for cells in reader:
            label = f"Row {reader.line_num}"
            if "\0extra" in cells:
                raise ImportRejected([RowError(label, "", EXTRA_CELLS)])
            fields = {column: (cells.get(column) or "").strip() for column in CSV_COLUMNS}
            fields["name"] = _unquote(fields["name"])
            rows.append(_Row(label, fields, names))
    except csv.Error as exc:
        raise ImportRejected([RowError(f"Row {reader.line_num}", "", str(exc))]) from None
    return rows


def _json_value(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        return "" if value is None else "not a number"
    return str(value)


def _json_skills(value: Any) -> str:
    if not isinstance(value, dict):
        return "not skill:level pairs"
    return ";".join(f"{slug}:{_json_value(level)}" for slug, level in value.items())


def read_network(text: str) -> list[_Row]:
    try:
        # NaN and Infinity stay the words they are, for the form to refuse at their field
        doc = json.loads(text, parse_float=Decimal, parse_constant=str)
    except json.JSONDecodeError as exc:
        message = NOT_JSON.format(reason=f"{exc.msg} at line {exc.lineno}")
        raise ImportRejected([RowError("File", "", message)]) from None
    except (ValueError, RecursionError):  # integers too long to read, nesting too deep
        message = NOT_JSON.format(reason="too deeply nested, or a number too long")
        raise ImportRejected([RowError("File", "", message)]) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("people"), list):
        raise ImportRejected([RowError("File", "people", "expected a list of people")])
    organisations = doc.get("organisations")
    if not isinstance(organisations, list) or len(organisations) != 1:
        count = len(organisations) if isinstance(organisations, list) else 0
        raise ImportRejected(
            [RowError("File", "organisations", ONE_ORGANISATION.format(count=count))]
        )
    own = organisations[0].get("id") if isinstance(organisations[0], dict) else None
    names = {**JSON_FIELDS, "skills": "skills"}
    rows, errors = [], []
    for k, entry in enumerate(doc["people"]):
        label = f"people[{k}]"
        if not isinstance(entry, dict):
            errors.append(RowError(label, "", "expected an object"))
            continue
        if entry.get("org") != own:
            message = OTHER_ORGANISATION.format(org=entry.get("org"), own=own)
            errors.append(RowError(label, "org", message))
        fields = {
            "name": _json_value(entry.get("name", entry.get("id"))),
            "hours_available": _json_value(entry.get("hours")),
            "cost_rate": _json_value(entry.get("cost_rate")),
            "skills": _json_skills(entry.get("skills", {})),
        }
        rows.append(_Row(label, fields, names))
    if errors:
        raise ImportRejected(errors)
    return rows


def _read(data: bytes, filename: str) -> list[_Row]:
    text = _text(data)
    is_json = filename.lower().endswith(".json") or text.lstrip().startswith(("{", "["))
    rows = read_network(text) if is_json else read_csv(text)
    if not rows:
        raise ImportRejected([RowError("File", "", EMPTY)])
    if len(rows) > MAX_ROWS:
        raise ImportRejected([RowError("File", "", TOO_MANY_ROWS)])
    return rows


# -- checking and saving --------------------------------------------------------------------


def _validate(rows: list[_Row]) -> list[_Valid]:
    known = set(Skill.objects.values_list("slug", flat=True))
    valid, errors = [], []
    first_row: dict[str, str] = {}
    for row in rows:
        form = PersonRowForm(row.fields, known_skills=known)
        if not form.is_valid():
            errors += [
                RowError(row.label, row.field_names.get(field, field), str(message))
                for field, messages in form.errors.items()
                for message in messages
            ]
            continue
        data = form.cleaned_data
        name = data["name"]
        if name in first_row:
            message = NAME_TWICE.format(name=name, other=first_row[name])
            errors.append(RowError(row.label, row.field_names["name"], message))
            continue
        first_row[name] = row.label
        changes = {key: data[key] for key in ("hours_available", "cost_rate", "skills")}
        valid.append(_Valid(row.label, name, changes))
    if errors:
        raise ImportRejected(errors)
    return valid


def _existing(organisation: Organisation, rows: list[_Valid]) -> dict[str, int]:
    """{name: person id} of the rows' names already in the organisation."""
    wanted = {row.name for row in rows}
    people = organisation.people.filter(name__in=wanted).values_list("name", "pk")
    counts = Counter(name for name, _ in people)
    errors = [
        RowError(row.label, "name", NAME_AMBIGUOUS.format(name=row.name))
        for row in rows
        if counts[row.name] > 1
    ]
    if errors:
        raise ImportRejected(errors)
    return dict(people)


def _service_errors(label: str, error: ValidationError) -> list[RowError]:
    if not hasattr(error, "error_dict"):
        return [RowError(label, "", message) for message in error.messages]
    return [
        RowError(label, field.split(".")[0], message)
        for field, messages in error.message_dict.items()
        for message in messages
    ]


def people_import(
    *, actor: User, organisation_slug: str, data: bytes, filename: str = ""
) -> ImportResult:
    """Check every row, then save all of them or none (ImportRejected says why).

    Only the organisation's admins may import (Http404 to everyone else, as the services do).
    """
    organisation = selectors.organisation_for_admin(actor, organisation_slug)
    rows = _validate(_read(data, filename))
    existing = _existing(organisation, rows)
    with transaction.atomic():
        for row in rows:
            try:
                _save(actor, organisation_slug, row, existing.get(row.name))
            except ValidationError as error:
                # leaving the atomic block by this exception rolls back the rows saved so far
                raise ImportRejected(_service_errors(row.label, error)) from None
    updated = sum(1 for row in rows if row.name in existing)
    return ImportResult(created=len(rows) - updated, updated=updated)


def _save(actor: User, slug: str, row: _Valid, person_id: int | None) -> None:
    if person_id is None:
        services.person_create(actor=actor, organisation_slug=slug, name=row.name, **row.changes)
    else:
        services.person_update(actor=actor, person_id=person_id, **row.changes)
