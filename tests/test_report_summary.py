"""The report's stored summary (partnerships/summary.py) never drifts from the records.

After each kind of write (seats, bodies, partnerships, organisations, areas; by the ORM, by
raw SQL, by an import, by an erasure, through the admin), the summary brought up to date
equals a recount: its stored tallies equal the partnerships' tallies made again and summed,
and the report read from it equals the report made live from the records, for England and
the regions, for every status and body. Runs on SQLite and on PostgreSQL (the triggers are
each database's own)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from curation.imports import file_import
from curation.services import person_erase
from partnerships import summary
from partnerships.choices import BodyKind, OrganisationKind, Sector
from partnerships.models import (
    Area,
    Body,
    Organisation,
    Partnership,
    PartnershipTally,
    Region,
    ScopeTally,
    Seat,
    TallyQueue,
)
from partnerships.report import representation_report
from partnerships.tallies import STATUSES, add, partnership_regions, partnership_tallies

from .factories import (
    BoardFactory,
    OrganisationFactory,
    PartnershipFactory,
    SeatFactory,
    ThemedGroupFactory,
    VacancyFactory,
    area,
)

pytestmark = pytest.mark.django_db

HARTLEPOOL, DARLINGTON, BARNET, LEEDS = "E06000001", "E06000005", "E09000003", "E08000035"
PAST = datetime.date(2009, 1, 1)
WATCHED = [
    "partnerships_seat",
    "partnerships_body",
    "partnerships_partnership",
    "partnerships_partnership_areas",
    "partnerships_organisation",
    "partnerships_organisation_areas",
    "partnerships_area",
    "partnerships_region",
]


def organisation(name, *, womens=False, areas=()):
    made = OrganisationFactory(name=name, is_womens_organisation=womens)
    made.areas.set([area(code) for code in areas])
    return made


@pytest.fixture
def directory():
    """Three partnerships in two regions, one of them in both, and one with no area; boards
    and themed groups; current, past and future seats; a vacancy; organisations with and
    without areas. The summary is up to date at the start of each test."""
    womens = organisation("Hartlepool Women's Aid", womens=True, areas=[HARTLEPOOL])
    other = organisation("Hartlepool Youth Trust", areas=[HARTLEPOOL])
    barnet_womens = organisation("Barnet Women's Centre", womens=True, areas=[BARNET])
    organisation("Darlington Food Bank", areas=[DARLINGTON])
    organisation("National Helpline")

    hartlepool = PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])
    board = BoardFactory(partnership=hartlepool, name="Hartlepool Partnership Board")
    group = ThemedGroupFactory(partnership=hartlepool, name="Safer Hartlepool")
    SeatFactory(body=board, organisation=womens, last_verified_on=datetime.date(2025, 3, 1))
    SeatFactory(body=board, organisation=other, last_verified_on=None)
    SeatFactory(body=group, organisation=other, end_date=PAST)
    SeatFactory(body=group, organisation=womens, start_date=datetime.date(2999, 1, 1))
    VacancyFactory(body=board)

    both = PartnershipFactory(name="Tees and Barnet", areas=[area(DARLINGTON), area(BARNET)])
    board = BoardFactory(partnership=both, name="Tees and Barnet Board")
    SeatFactory(body=board, organisation=barnet_womens, start_date=datetime.date(1990, 5, 1))
    SeatFactory(body=board, organisation=other, sector=Sector.POLICE)

    nowhere = PartnershipFactory(name="Nowhere Partnership", areas=[])
    SeatFactory(body=ThemedGroupFactory(partnership=nowhere, name="Lost group"))
    summary.refresh(rebuild_all=True)
    assert not TallyQueue.objects.exists()


def assert_summary_is_exact():
    """Bring the summary up to date, then compare it with a recount."""
    summary.up_to_date()
    assert not TallyQueue.objects.exists()
    today = timezone.localdate()
    tallies, _ = partnership_tallies(today)
    regions_of, _ = partnership_regions()
    sums = {
        "england": {},
        **{f"region-{pk}": {} for pk in Region.objects.values_list("pk", flat=True)},
    }
    for pk, tally in tallies.items():
        for key in summary.scopes_of(regions_of.get(pk)):
            add(sums.setdefault(summary.key_of(key), {}), tally)
    stored = dict(ScopeTally.objects.values_list("key", "tally"))
    assert stored == sums
    assert dict(PartnershipTally.objects.values_list("pk", "tally")) == tallies
    # The stored figures of every choice of status and body, for England; the commonest
    # and the narrowest for regions with partnerships and without.
    choices = [(None, status, kind) for status in STATUSES for kind in ("", *BodyKind.values)]
    for region in Region.objects.filter(slug__in=["north-east", "london", "south-west"]):
        choices += [(region, "current", ""), (region, "all", BodyKind.THEMED_GROUP)]
    for region, status, kind in choices:
        filters = {"region": region, "status": status, "body_kind": kind}
        live = representation_report(**filters).as_json()
        assert summary.report(**filters).as_json() == live, filters


def seat(**lookup):
    return Seat.objects.get(**lookup)


def hartlepool_board():
    return Body.objects.get(name="Hartlepool Partnership Board")


WRITES = {
    "a seat added": lambda: SeatFactory(body=hartlepool_board()),
    "a seat held for a women's organisation instead": lambda: Seat.objects.filter(
        organisation__name="Hartlepool Youth Trust", end_date=None
    ).update(organisation=Organisation.objects.get(name="Barnet Women's Centre")),
    "a seat ended": lambda: _save(
        Seat.objects.filter(body=hartlepool_board(), vacant=False).first(), end_date=PAST
    ),
    "a seat moved to another partnership": lambda: _save(
        Seat.objects.filter(body=hartlepool_board(), vacant=False).first(),
        body=Body.objects.get(name="Tees and Barnet Board"),
    ),
    "a seat deleted": lambda: Seat.objects.filter(body=hartlepool_board()).first().delete(),
    "a seat verified": lambda: Seat.objects.filter(last_verified_on=None).update(
        last_verified_on=datetime.date(2026, 1, 2)
    ),
    "a vacancy filled": lambda: Seat.objects.filter(vacant=True).update(
        vacant=False, selection_closes=None
    ),
    "a vacancy closed": lambda: Seat.objects.filter(vacant=True).update(selection_closes=PAST),
    "a board made a themed group": lambda: _save(
        hartlepool_board(), kind=BodyKind.THEMED_GROUP, theme="housing"
    ),
    "a themed group renamed": lambda: _save(
        Body.objects.get(name="Safer Hartlepool"), name="A Safer Hartlepool"
    ),
    "a body deleted": lambda: hartlepool_board().delete(),
    "a partnership moved to another region": lambda: Partnership.objects.get(
        name="Hartlepool Partnership"
    ).areas.set([area(LEEDS)]),
    "a partnership given a second region": lambda: Partnership.objects.get(
        name="Hartlepool Partnership"
    ).areas.add(area(BARNET)),
    "a partnership given its first area": lambda: Partnership.objects.get(
        name="Nowhere Partnership"
    ).areas.add(area(LEEDS)),
    "a partnership renamed": lambda: _save(
        Partnership.objects.get(name="Tees and Barnet"), name="Barnet and Tees"
    ),
    "a partnership deleted": lambda: Partnership.objects.get(name="Tees and Barnet").delete(),
    "a partnership added": lambda: SeatFactory(
        body=BoardFactory(partnership=PartnershipFactory(areas=[area(LEEDS)]))
    ),
    "an organisation now a women's organisation": lambda: _save(
        Organisation.objects.get(name="Hartlepool Youth Trust"), is_womens_organisation=True
    ),
    "an organisation no longer VCS": lambda: _save(
        Organisation.objects.get(name="Hartlepool Women's Aid"), kind=OrganisationKind.COUNCIL
    ),
    "an organisation verified": lambda: Organisation.objects.filter(
        name="Darlington Food Bank"
    ).update(last_verified_on=datetime.date(2026, 2, 3)),
    "an organisation's areas changed": lambda: Organisation.objects.get(
        name="Darlington Food Bank"
    ).areas.set([area(LEEDS)]),
    "an organisation deleted": lambda: Organisation.objects.get(
        name="Darlington Food Bank"
    ).delete(),
    "an organisation added": lambda: organisation("New Women's Forum", womens=True),
    "an area moved to another region": lambda: Area.objects.filter(gss_code=DARLINGTON).update(
        region=Region.objects.get(slug="london")
    ),
    "seats changed by raw SQL": lambda: _raw(
        "UPDATE partnerships_seat SET sector = 'vcs' WHERE sector = 'police'"
    ),
}


def _save(record, **fields):
    for name, value in fields.items():
        setattr(record, name, value)
    record.save()


def _raw(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
def test_the_summary_equals_a_recount_after_each_kind_of_write(directory, write):
    WRITES[write]()
    assert TallyQueue.objects.exists(), "the write was not queued"
    assert_summary_is_exact()


def test_after_an_import(directory, client, django_user_model):
    """An import writes in bulk (bulk_create and bulk_update, no save()): still queued."""
    response = client.get("/representatives/export.csv?status=all")
    exported = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = exported.splitlines()
    header = lines[0].split(",")
    changed = lines[1].split(",")
    changed[header.index("end_date")] = "2010-03-31"
    data = "\n".join([lines[0], ",".join(changed), *lines[2:]]).encode()
    result = file_import(kind="seats", data=data, filename="seats.csv", dry_run=False)
    assert not result.problems, result.problems
    assert TallyQueue.objects.exists()
    assert_summary_is_exact()


def test_after_an_erasure(directory, django_user_model):
    person = Seat.objects.filter(body=hartlepool_board(), vacant=False).first().person
    person_erase(person=person, user=django_user_model.objects.create_superuser("admin"))
    assert_summary_is_exact()


def test_the_request_that_saves_leaves_the_summary_up_to_date(directory, admin_client):
    """The admin's save brings the summary up to date before the next reader comes."""
    record = Organisation.objects.get(name="Hartlepool Youth Trust")
    form = admin_client.get(f"/admin/partnerships/organisation/{record.pk}/change/")
    assert form.status_code == 200
    data = {
        field.html_name: field.value() if field.value() is not None else ""
        for field in form.context["adminform"].form
    }
    data["is_womens_organisation"] = "on"
    data["areas"] = [str(pk) for pk in record.areas.values_list("pk", flat=True)]
    data = {key: value for key, value in data.items() if value not in (False, None)}
    response = admin_client.post(f"/admin/partnerships/organisation/{record.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    assert not TallyQueue.objects.exists()  # taken by the saving request
    assert_summary_is_exact()


def test_the_summary_is_brought_up_to_date_once_the_answer_is_sent(directory, caplog, monkeypatch):
    """The saving curator does not wait for it: it runs when the server closes the response
    (after its last byte); a failure there is logged, and the save stands."""
    from django.core.signals import request_finished
    from django.db import close_old_connections
    from django.http import HttpResponse
    from django.test import RequestFactory

    def save(request):
        SeatFactory(body=hartlepool_board())
        return HttpResponse(status=302)

    def close(response):  # as the server would; the test's own connection stays open
        request_finished.disconnect(close_old_connections)
        try:
            response.close()
        finally:
            request_finished.connect(close_old_connections)

    response = summary.RefreshAfterWrites(save)(RequestFactory().post("/admin/"))
    assert response.status_code == 302 and TallyQueue.objects.exists()  # not yet
    close(response)
    assert not TallyQueue.objects.exists()
    assert_summary_is_exact()

    def broken():
        raise RuntimeError("the database went away")

    response = summary.RefreshAfterWrites(save)(RequestFactory().post("/admin/"))
    monkeypatch.setattr(summary, "up_to_date", broken)
    close(response)
    monkeypatch.undo()
    assert "The report's summary was not brought up to date" in caplog.text
    assert TallyQueue.objects.exists()  # the next reader of the report takes it
    assert_summary_is_exact()


def test_a_new_day_makes_the_summary_again(directory):
    ScopeTally.objects.update(day=timezone.localdate() - datetime.timedelta(days=1))
    SeatFactory(body=hartlepool_board(), end_date=timezone.localdate())
    assert_summary_is_exact()
    assert set(ScopeTally.objects.values_list("day", flat=True)) == {timezone.localdate()}


def test_every_watched_table_has_its_triggers():
    """A migration that rebuilds a table (SQLite's way of altering one) drops its triggers:
    this says so, instead of a summary that silently stops following the records."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT event_object_table, event_manipulation FROM information_schema.triggers"
                " WHERE trigger_name LIKE 'tally_queue_%%'"
            )
        else:
            cursor.execute(
                "SELECT tbl_name, upper(substr(name, length('tally_queue_' || tbl_name) + 2))"
                " FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'tally_queue_%'"
            )
        found = set(cursor.fetchall())
    events = {"INSERT", "UPDATE", "DELETE"}
    assert found == {(table, event) for table in WATCHED for event in events}


def test_the_pages_read_the_summary_in_a_few_queries(
    directory, client, django_assert_max_num_queries
):
    summary.up_to_date()
    with django_assert_max_num_queries(12):
        assert client.get("/representation/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/representation/?region=north-east").status_code == 200


def test_the_nightly_command_makes_it_whole(directory):
    from io import StringIO

    from django.core.management import call_command

    ScopeTally.objects.update(tally={}, figures={})  # as if it had been lost
    out = StringIO()
    call_command("refresh_report", stdout=out)
    assert "The report's summary is made for" in out.getvalue()
    assert_summary_is_exact()


def test_a_summary_of_another_shape_is_made_again(directory, monkeypatch):
    """A release that changes what the stored figures hold raises summary.VERSION: a summary
    stored by the release before is made whole again, not read in its old shape."""
    monkeypatch.setattr(summary, "VERSION", summary.VERSION + 1)
    ScopeTally.objects.update(figures={})  # what an old release left, unreadable now
    assert_summary_is_exact()
    assert set(ScopeTally.objects.values_list("figures__version", flat=True)) == {summary.VERSION}
