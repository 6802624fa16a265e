"""Curators record open seats from a spreadsheet (issue 12, point 1): a row with an empty
person is a vacant seat, with two optional columns, selection_closes and how_to_apply. Files
made before those columns existed still import, and an export still imports back unchanged."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from curation.erasure import Erasure
from partnerships.models import Person, Seat

from .test_curator_import import (
    CAMDEN,
    HARTLEPOOL,
    SEAT,
    curator_of,
    messages,
    run,
    snapshot,
    to_csv,
)

pytestmark = pytest.mark.django_db

VACANCY = {
    **SEAT,
    "person": "",
    "organisation": "",
    "organisation_is_womens": "",
    "email": "",
    "phone": "",
    "publish_contact": "",
    "start_date": "",
    "selection_closes": "2027-01-31",
    "how_to_apply": "Ask Hartlepool Voluntary Development Agency for a nomination form",
}
COLUMNS = [*SEAT, "selection_closes", "how_to_apply"]


def test_a_row_with_no_person_is_a_vacant_seat():
    result = run("seats", to_csv([SEAT, VACANCY], columns=COLUMNS))
    assert result.ok and result.written, messages(result)
    vacancy = Seat.objects.get(vacant=True)
    assert vacancy.person is None
    assert vacancy.selection_closes == datetime.date(2027, 1, 31)
    assert vacancy.how_to_apply.startswith("Ask Hartlepool Voluntary")
    assert vacancy.body == Seat.objects.get(vacant=False).body
    assert result.counts["people"]["created"] == 1  # Jane only: a vacancy has nobody
    assert [row.label for row in result.rows][1].startswith("Vacant seat on")

    # Again: nothing changes. Then a later closing date changes the vacancy, and only it.
    before = snapshot()
    assert not run("seats", to_csv([SEAT, VACANCY], columns=COLUMNS)).has_changes
    assert snapshot() == before
    later = {**VACANCY, "selection_closes": "2027-02-28"}
    result = run("seats", to_csv([SEAT, later], columns=COLUMNS))
    assert [row.status for row in result.rows] == ["unchanged", "changed"]
    assert Seat.objects.get(vacant=True).selection_closes == datetime.date(2027, 2, 28)


def test_a_file_without_the_new_columns_still_imports_and_leaves_them_alone():
    run("seats", to_csv([VACANCY], columns=COLUMNS))
    old_file = to_csv([SEAT, VACANCY])  # the columns of before: no selection_closes etc.
    result = run("seats", old_file)
    assert result.ok, messages(result)
    assert [row.status for row in result.rows] == ["new", "unchanged"]
    vacancy = Seat.objects.get(vacant=True)
    assert vacancy.selection_closes == datetime.date(2027, 1, 31)
    assert vacancy.how_to_apply


@pytest.mark.parametrize(
    ("changes", "column", "says"),
    [
        ({"email": "someone@example.org"}, "email", "must be empty: person is empty"),
        ({"publish_contact": "yes"}, "publish_contact", "must be empty or no"),
        ({"selection_closes": "soon"}, "selection_closes", "is not a date"),
        ({"how_to_apply": "x" * 301}, "how_to_apply", "is too long"),
    ],
)
def test_a_vacancy_row_with_a_problem_names_it_and_writes_nothing(changes, column, says):
    before = snapshot()
    result = run("seats", to_csv([{**VACANCY, **changes}], columns=COLUMNS))
    assert [(p.row, p.column) for p in result.problems] == [(2, column)]
    assert says in messages(result)[0]
    assert snapshot() == before


def test_only_a_vacancy_has_a_closing_date_or_a_way_to_apply():
    result = run("seats", to_csv([{**SEAT, "how_to_apply": "Write to us"}], columns=COLUMNS))
    assert messages(result) == [
        "row 2: how_to_apply 'Write to us' is only for a vacant seat, but person is "
        "'Jane Smith' (leave person empty for a vacancy)."
    ]


def test_two_rows_for_one_vacancy_are_a_duplicate():
    result = run("seats", to_csv([VACANCY, VACANCY], columns=COLUMNS))
    assert "this row repeats row 2" in messages(result)[0]


def test_a_curator_records_vacancies_only_in_their_areas():
    curator = curator_of(HARTLEPOOL)
    elsewhere = {**VACANCY, "area_code": CAMDEN, "partnership": "Camden Together"}
    result = run("seats", to_csv([elsewhere], columns=COLUMNS), user=curator)
    assert messages(result) == [
        "row 2: area_code E09000007 (Camden) is outside the areas you curate."
    ]
    assert run("seats", to_csv([VACANCY], columns=COLUMNS), user=curator).written


def test_an_export_with_a_vacancy_and_an_erased_holder_imports_back_unchanged(client):
    """The erased holder's seat exports with an empty person too; it is found again as the
    seat it is (still held), not taken for a new vacancy."""
    erased = {**SEAT, "person": "Bea Gone", "publish_contact": "no", "email": "", "phone": ""}
    assert run("seats", to_csv([SEAT, VACANCY, erased], columns=COLUMNS)).written
    admin = User.objects.create_superuser("boss", password="pw")
    Erasure(Person.objects.get(name="Bea Gone"), admin).remove()
    before = snapshot()
    # Every held seat (status=all), and the open vacancies (term=vacant): the whole file.
    for fmt in ("csv", "xlsx"):
        for query, rows in (({"status": "all"}, 2), ({"term": "vacant"}, 1)):
            response = client.get(reverse(f"exports:seats_{fmt}"), query)
            data = b"".join(response.streaming_content)
            result = run("seats", data, filename=f"export.{fmt}")
            assert result.ok, messages(result)
            assert len(result.rows) == rows
            assert not result.has_changes, [(r.label, r.changes) for r in result.rows]
    assert snapshot() == before
    assert Seat.objects.filter(vacant=True).count() == 1
