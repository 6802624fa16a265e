"""Stand for a seat (issue 12): vacant seats and terms ending soon, which the report never
counts as held."""

import datetime

import pytest
from django.db import IntegrityError

from partnerships.choices import DocumentKind
from partnerships.managers import months_later
from partnerships.models import Document, Seat

from .factories import OrganisationFactory, PersonFactory, SeatFactory, VacancyFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 29)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 11, 29), 6, datetime.date(2027, 5, 28)),
        (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 1, 15), -1, datetime.date(2025, 12, 15)),
        (datetime.date(2026, 12, 1), 1, datetime.date(2027, 1, 1)),
    ],
)
def test_months_later_stays_within_the_month(day, months, expected):
    assert months_later(day, months) == expected


def test_a_vacancy_is_never_held():
    held = SeatFactory()
    vacancy = VacancyFactory(selection_closes=TODAY)
    assert list(Seat.objects.held()) == [held]
    assert list(Seat.objects.current(TODAY)) == [held]
    assert list(Seat.objects.vacant(TODAY)) == [vacancy]
    assert vacancy.holder_name == "Vacant"


def test_a_vacancy_whose_selection_has_closed_is_no_longer_open():
    VacancyFactory(selection_closes=TODAY - datetime.timedelta(days=1))
    no_date = VacancyFactory(selection_closes=None)
    closing_today = VacancyFactory(selection_closes=TODAY)
    assert set(Seat.objects.vacant(TODAY)) == {no_date, closing_today}


def test_a_term_ending_within_six_months_is_ending_soon():
    ends = {
        "ended yesterday": TODAY - datetime.timedelta(days=1),
        "ends today": TODAY,
        "ends in six months": datetime.date(2027, 5, 28),
        "ends a day later": datetime.date(2027, 5, 29),
    }
    seats = {name: SeatFactory(end_date=end) for name, end in ends.items()}
    SeatFactory(end_date=None)
    soon = set(Seat.objects.ending_soon(TODAY))
    assert soon == {seats["ends today"], seats["ends in six months"]}


def test_open_seats_come_soonest_first():
    later = VacancyFactory(selection_closes=TODAY + datetime.timedelta(days=60))
    undated = VacancyFactory(selection_closes=None)
    ending = SeatFactory(end_date=TODAY + datetime.timedelta(days=10))
    sooner = VacancyFactory(selection_closes=TODAY + datetime.timedelta(days=5))
    SeatFactory(end_date=None)  # held with no end: not opening
    assert list(Seat.objects.open_or_opening(TODAY)) == [sooner, ending, later, undated]


def test_a_vacant_seat_cannot_have_a_holder():
    with pytest.raises(IntegrityError):
        VacancyFactory(person=PersonFactory())


# --- Gender Equality Schemes due ---


def scheme(organisation, start, end):
    return Document.objects.create(
        kind=DocumentKind.GES,
        title=f"{organisation.name} Gender Equality Scheme {start}-{end}",
        organisation=organisation,
        start_year=start,
        end_year=end,
    )


def test_a_scheme_is_due_when_its_period_has_ended_or_ends_within_three_months():
    council, police, health = (
        OrganisationFactory(kind=kind) for kind in ("council", "police", "health")
    )
    ended = scheme(council, 2022, 2025)
    scheme(police, 2026, 2028)  # runs to December 2028
    ends_this_year = scheme(health, 2026, 2026)
    # 29 November 2026 + 3 months is February 2027: a scheme ending December 2026 is due.
    assert set(Document.objects.schemes_due(TODAY)) == {ended, ends_this_year}
    # On 1 September it still had four months to run.
    assert set(Document.objects.schemes_due(datetime.date(2026, 9, 1))) == {ended}


def test_only_a_bodys_latest_scheme_is_due():
    council = OrganisationFactory(kind="council")
    scheme(council, 2007, 2010)
    latest = scheme(council, 2010, 2013)
    renewed = OrganisationFactory(kind="council")
    scheme(renewed, 2020, 2023)
    scheme(renewed, 2024, 2028)
    assert list(Document.objects.schemes_due(TODAY)) == [latest]


def test_a_scheme_with_no_period_or_only_a_start_year():
    council, police = OrganisationFactory(kind="council"), OrganisationFactory(kind="police")
    undated = scheme(council, None, None)
    annual = scheme(police, 2025, None)  # re-done annually: ran to December 2025
    assert set(Document.objects.schemes_due(TODAY)) == {undated, annual}
