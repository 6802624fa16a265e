"""The domain model holds its rules in the database, and its QuerySets answer what pages ask."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from networks.choices import NetworkKind, NetworkStatus
from networks.models import Network
from partnerships.choices import BodyKind, DocumentKind, OrganisationKind, Sector, Theme
from partnerships.models import Area, Body, Document, Organisation, Partnership, Seat

from .factories import (
    BoardFactory,
    DocumentFactory,
    NetworkFactory,
    OrganisationFactory,
    PartnershipFactory,
    SeatFactory,
    ThemedGroupFactory,
    area,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def refused(create):
    """True when the database itself refuses the row."""
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_a_seat_cannot_end_before_it_starts():
    seat = SeatFactory()
    seat.start_date, seat.end_date = datetime.date(2009, 1, 1), datetime.date(2008, 1, 1)
    assert refused(seat.save)
    # The same rule reaches forms and the admin through model validation.
    with pytest.raises(Exception, match="end date cannot be before"):
        seat.full_clean()


def test_a_seat_may_end_on_the_day_it_starts_or_have_no_dates():
    seat = SeatFactory(start_date=datetime.date(2009, 1, 1), end_date=datetime.date(2009, 1, 1))
    assert seat.pk
    assert SeatFactory(start_date=None, end_date=None).pk


def test_a_board_has_no_theme_and_a_themed_group_needs_one():
    partnership = PartnershipFactory()
    assert refused(
        lambda: Body.objects.create(
            partnership=partnership, kind=BodyKind.BOARD, theme=Theme.HOUSING, name="Board"
        )
    )
    assert refused(
        lambda: Body.objects.create(
            partnership=partnership, kind=BodyKind.THEMED_GROUP, theme="", name="Group"
        )
    )


def test_body_names_are_unique_within_a_partnership():
    board = BoardFactory(name="Executive Board")
    assert refused(lambda: BoardFactory(partnership=board.partnership, name="Executive Board"))
    assert BoardFactory(name="Executive Board").pk  # another partnership may reuse it


def test_a_document_needs_the_right_owner():
    partnership = PartnershipFactory()
    council = OrganisationFactory(kind=OrganisationKind.COUNCIL)
    assert refused(lambda: Document.objects.create(kind=DocumentKind.SCS, title="SCS"))
    assert refused(
        lambda: Document.objects.create(kind=DocumentKind.GES, title="GES", partnership=partnership)
    )
    assert Document.objects.create(kind=DocumentKind.GES, title="GES", organisation=council).pk
    assert refused(lambda: DocumentFactory(start_year=2010, end_year=2008))


def test_only_infrastructure_bodies_have_an_infrastructure_type():
    assert refused(
        lambda: OrganisationFactory(kind=OrganisationKind.VCS, infrastructure_type="cvs")
    )
    assert OrganisationFactory(kind=OrganisationKind.INFRASTRUCTURE, infrastructure_type="cvs").pk


def test_gss_codes_and_slugs_are_unique():
    hartlepool = area("E06000001")
    assert refused(
        lambda: Area.objects.create(
            gss_code="E06000001", name="Copy", slug="copy", kind="unitary", region=hartlepool.region
        )
    )
    first = PartnershipFactory(name="Hartlepool Partnership")
    second = PartnershipFactory(name="Hartlepool Partnership")
    assert first.slug == "hartlepool-partnership"
    assert second.slug == "hartlepool-partnership-2"
    assert refused(lambda: Partnership.objects.filter(pk=second.pk).update(slug=first.slug))


def test_enums_are_choices_checked_by_validation():
    seat = SeatFactory.build(body=BoardFactory(), sector="nonsense")
    with pytest.raises(Exception, match="sector"):
        seat.full_clean(exclude=["person", "organisation"])


def test_current_and_past_seats():
    current = SeatFactory(end_date=None)
    ending_today = SeatFactory(end_date=TODAY)
    ended = SeatFactory(start_date=datetime.date(2005, 1, 1), end_date=datetime.date(2007, 1, 1))
    not_started = SeatFactory(start_date=TODAY + datetime.timedelta(days=30))
    assert set(Seat.objects.current()) == {current, ending_today}
    assert set(Seat.objects.past()) == {ended}
    assert not_started not in Seat.objects.current()


def test_vcs_and_womens_seats_chain():
    womens = OrganisationFactory(is_womens_organisation=True)
    vcs_womens = SeatFactory(organisation=womens)
    vcs_other = SeatFactory()
    council = SeatFactory(sector=Sector.LOCAL_AUTHORITY)
    assert set(Seat.objects.vcs()) == {vcs_womens, vcs_other}
    assert set(Seat.objects.vcs().womens().current()) == {vcs_womens}
    assert council not in Seat.objects.vcs()


def test_seats_and_partnerships_by_region_and_area():
    camden = area("E09000007")
    london_board = BoardFactory(partnership=PartnershipFactory(areas=[camden]))
    london_seat = SeatFactory(body=london_board)
    north_seat = SeatFactory()  # Hartlepool, North East
    assert list(Seat.objects.in_region(camden.region)) == [london_seat]
    assert list(Seat.objects.in_area(area("E06000001"))) == [north_seat]
    # A partnership covering two areas of the region appears once.
    london_board.partnership.areas.add(area("E09000001"))
    assert list(Partnership.objects.in_region(camden.region)) == [london_board.partnership]


def test_partnerships_covering_an_area_include_those_of_areas_it_replaced_and_its_county():
    carlisle = area("E07000028")  # became part of Cumberland in 2023
    old_lsp = PartnershipFactory(areas=[carlisle])
    new_lsp = PartnershipFactory(areas=[area("E06000063")])
    county_lsp = PartnershipFactory(areas=[area("E10000003")])  # Cambridgeshire
    assert set(Partnership.objects.covering(area("E06000063"))) == {old_lsp, new_lsp}
    assert set(Partnership.objects.covering(area("E07000008"))) == {county_lsp}


def test_stale_records_are_never_verified_or_older_than_the_limit(settings):
    settings.STALE_AFTER_MONTHS = 12
    fresh = PartnershipFactory(last_verified_on=TODAY)
    old = PartnershipFactory(last_verified_on=TODAY - datetime.timedelta(days=400))
    never = PartnershipFactory(last_verified_on=None)
    assert set(Partnership.objects.stale()) == {old, never}
    assert list(Partnership.objects.stale().oldest_verified_first()) == [never, old]
    assert fresh not in Partnership.objects.stale()


def test_organisation_and_body_querysets():
    womens = OrganisationFactory(is_womens_organisation=True)
    council = OrganisationFactory(kind=OrganisationKind.COUNCIL)
    cvs = OrganisationFactory(kind=OrganisationKind.INFRASTRUCTURE, infrastructure_type="cvs")
    local = Organisation.objects.filter(national_help="")  # not the national bodies
    assert set(local.vcs()) == {womens}
    assert set(local.womens()) == {womens}
    assert set(local.infrastructure()) == {cvs}
    assert council not in Organisation.objects.vcs()
    board = BoardFactory()
    group = ThemedGroupFactory(partnership=board.partnership, feeds_into=board)
    assert list(Body.objects.boards()) == [board]
    assert list(Body.objects.themed_groups()) == [group]
    assert list(board.fed_by.all()) == [group]


def test_network_querysets():
    cen = NetworkFactory()
    forum = NetworkFactory(kind=NetworkKind.WOMENS_FORUM, status=NetworkStatus.CEASED)
    regional = NetworkFactory(kind=NetworkKind.WOMENS_NETWORK, areas=[area("E09000007")])
    regional.areas.clear()
    regional.region = area("E09000007").region
    regional.save()
    assert list(Network.objects.cens()) == [cen]
    assert set(Network.objects.womens()) == {forum, regional}
    assert forum not in Network.objects.active()
    assert list(Network.objects.in_region(regional.region)) == [regional]


def test_contact_details_are_public_only_with_consent():
    seat = SeatFactory(person__publish_contact=False, person__email="private@example.org")
    assert seat.person.public_email == ""
    assert seat.person.public_phone == ""
    seat.person.publish_contact = True
    assert seat.person.public_email == "private@example.org"


def test_a_name_that_folds_longer_still_fits_its_search_name(admin_user):
    """Folding spells "&" as " and ": 200 of them would not fit the search column (a
    PostgreSQL error at an import's confirm, after a clean preview)."""
    from curation.imports import SEAT_COLUMNS, file_import

    name = "&" * 200
    partnership = PartnershipFactory(name=name)
    assert len(partnership.search_name) <= 250
    row = {column: "" for column in SEAT_COLUMNS} | {
        "area_code": "E06000002",
        "partnership": "& " * 99 + "&",
        "body": "Board",
        "body_kind": "board",
        "person": "Ann Example",
        "sector": "vcs",
    }
    data = (",".join(SEAT_COLUMNS) + "\n" + ",".join(row[c] for c in SEAT_COLUMNS)).encode()
    result = file_import(kind="seats", data=data, filename="x.csv", user=admin_user, dry_run=False)
    assert result.written, [str(problem) for problem in result.problems]
    imported = Partnership.objects.get(name=row["partnership"])
    assert imported.search_name == Partnership.folded(row["partnership"])


def test_a_choice_reads_as_django_says_it():
    """Curated builds each field's labels once (choice_labels): every label of every
    curated model's choices, and a value that is not a choice, read as Django's own."""
    from django.db import models

    from partnerships.models import curated_models

    checked = 0
    for model in curated_models():
        for field in [field for field in model._meta.concrete_fields if field.choices]:
            for value in [value for value, _ in field.flatchoices] + ["not-a-choice", ""]:
                record = model(**{field.attname: value})
                ours = getattr(record, f"get_{field.name}_display")()
                assert ours == models.Model._get_FIELD_display(record, field), (field, value)
                checked += 1
    assert checked > 40  # sector, kind, status, funding, selection, theme...


@pytest.mark.parametrize(
    "fields, said",
    [
        (
            {
                "selection": "elected",
                "start_date": datetime.date(2006, 5, 1),
                "end_date": datetime.date(2009, 5, 31),
            },
            "Elected, May 2006 to May 2009.",
        ),
        ({"selection": "appointed"}, "Appointed."),
        ({"start_date": datetime.date(2007, 1, 3)}, "since January 2007."),
        ({"end_date": datetime.date(2010, 3, 31)}, "until March 2010."),
        ({}, ""),
    ],
)
def test_a_seat_says_how_and_when_its_holder_was_chosen(fields, said):
    assert Seat(**fields).how_and_when == said
