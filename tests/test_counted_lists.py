"""Long lists count their rows only up to views.COUNT_UP_TO: counting every one of 300,000
current seats would cost more than making the rest of the page. Past that the list says
"more than ...", pages as far as it counted, and points to its filters and downloads."""

import pytest

from partnerships import views

from .factories import BoardFactory, PartnershipFactory, SeatFactory, VacancyFactory, area

pytestmark = pytest.mark.django_db


@pytest.fixture
def nine_seats():
    board = BoardFactory(partnership=PartnershipFactory(areas=[area()]))
    for _ in range(5):
        SeatFactory(body=board)
    for _ in range(4):
        VacancyFactory(body=board)


def test_a_list_longer_than_it_counts_says_more_than(client, nine_seats, monkeypatch):
    monkeypatch.setattr(views, "COUNT_UP_TO", 3)
    page = client.get("/representatives/").content.decode()
    assert "Current seats: more than 3</h1>" in page
    assert "more than 3 seats" in page
    assert "The list goes as far as the first 3. Narrow it with the filters" in page
    involved = client.get("/get-involved/").content.decode()
    assert "more than 3 seats" in involved


def test_a_list_it_counts_whole_says_how_many(client, nine_seats, monkeypatch):
    monkeypatch.setattr(views, "COUNT_UP_TO", 5)
    page = client.get("/representatives/").content.decode()
    assert "5 seats" in page
    assert "more than" not in page
    assert "The list goes as far" not in page


def test_the_count_reads_no_more_rows_than_it_counts(client, nine_seats, monkeypatch):
    monkeypatch.setattr(views, "COUNT_UP_TO", 3)
    paginator = views.CountedUpTo(views.Seat.objects.order_by("pk"), 2)
    assert (paginator.count, paginator.more, paginator.num_pages) == (3, True, 2)
    assert paginator.page(2).object_list.count() == 1  # pages as far as it counted
    whole = views.CountedUpTo(views.Seat.objects.filter(vacant=True).order_by("pk")[:3], 2)
    assert (whole.count, whole.more, whole.counted) == (3, False, "3")
