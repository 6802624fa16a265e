"""Issue 9, tried again: a curator of Hartlepool imports a row naming a Newcastle person (who
has not agreed to publish her contact details) and her organisation.

Knowing a name gives nothing: the Newcastle person is invisible to the curator's import, so
the row makes a new person for the Hartlepool seat; the Newcastle person keeps her seats, her
contact details stay private and the curator still cannot open her. A record that the curator
may not change (a partnership or network shared with an area they do not curate, an
organisation's flag elsewhere) is refused with its row and column, and nothing is written. A
site administrator still finds the existing person.
"""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

from curation.imports import SEAT_COLUMNS, file_import
from curation.services import curator_setup
from networks.models import Network
from partnerships.models import Organisation, Person, Seat

from .factories import (
    BoardFactory,
    NetworkFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    SeatFactory,
    area,
)
from .test_curator_import import NETWORK, messages, snapshot, to_csv, upload

pytestmark = pytest.mark.django_db

HARTLEPOOL, MIDDLESBROUGH, NEWCASTLE = "E06000001", "E06000002", "E08000021"
EMAIL, PHONE = "mary.brown@newcastle.example.org", "0191 496 0000"

ROW = {
    "area_code": HARTLEPOOL,
    "partnership": "Hartlepool Partnership",
    "body": "Hartlepool Partnership Board",
    "body_kind": "board",
    "theme": "",
    "person": "Mary Brown",
    "role": "VCS representative",
    "sector": "vcs",
    "organisation": "Newcastle Women's Aid",
    "organisation_is_womens": "",
    "email": "",
    "phone": "",
    "publish_contact": "",
    "selection": "elected",
    "start_date": "2008-04-01",
    "end_date": "",
}
PUBLISH = {**ROW, "publish_contact": "yes"}


@pytest.fixture
def newcastle():
    """Mary Brown sits on Newcastle's board for Newcastle Women's Aid, contact not published."""
    partnership = PartnershipFactory(name="Newcastle Partnership", areas=[area(NEWCASTLE)])
    aid = OrganisationFactory(name="Newcastle Women's Aid", is_womens_organisation=True)
    aid.areas.set([area(NEWCASTLE)])
    mary = PersonFactory(name="Mary Brown", email=EMAIL, phone=PHONE, publish_contact=False)
    seat = SeatFactory(
        body=BoardFactory(partnership=partnership, name="Newcastle Partnership Board"),
        person=mary,
        organisation=aid,
    )
    return seat


@pytest.fixture
def hartlepool():
    partnership = PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])
    return BoardFactory(partnership=partnership, name="Hartlepool Partnership Board")


@pytest.fixture
def curator():
    return curator_setup(username="hartlepool-cvs", area_codes=[HARTLEPOOL])[0].user


def export_text(client):
    return "".join(
        b"".join(client.get(reverse(f"exports:seats_{fmt}")).streaming_content).decode()
        for fmt in ("csv", "json")
    )


def assert_mary_untouched(newcastle, history_before):
    mary = Person.objects.get(pk=newcastle.person.pk)
    assert (mary.email, mary.phone, mary.publish_contact) == (EMAIL, PHONE, False)
    assert list(mary.seats.all()) == [newcastle]
    assert mary.history.count() == history_before


def the_new_person(newcastle):
    """The person the import made for the Hartlepool seat: another Mary Brown."""
    other = Person.objects.exclude(pk=newcastle.person.pk).get(name="Mary Brown")
    seat = other.seats.get()
    assert seat.body.name == "Hartlepool Partnership Board"
    assert seat.organisation == newcastle.organisation  # organisations are shared
    return other


def assert_no_private_contact(client, *pages):
    for text in (export_text(client), *pages):
        assert EMAIL not in text and PHONE not in text


def assert_curator_cannot_open(client, person):
    response = client.get(reverse("admin:partnerships_person_change", args=[person.pk]))
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert response.url == reverse("admin:index")
    assert EMAIL not in response.content.decode()


def admin_import(client, data, name="hartlepool.csv"):
    """Upload, preview and confirm; returns the preview page."""
    response = upload(client, "seats", data, name)
    assert response.status_code == 302, response.content.decode()
    preview = client.get(response.url).content.decode()
    token = response.url.rstrip("/").rsplit("/", 1)[1]
    response = client.post(reverse("curation_import:confirm", args=["seats", token]))
    assert response.status_code == 302, response.content.decode()
    return preview


def test_the_take_over_through_the_admin_makes_a_new_person(client, newcastle, hartlepool, curator):
    history_before = newcastle.person.history.count()
    client.force_login(curator)

    preview = admin_import(client, to_csv([ROW]))
    assert "new person &#x27;Mary Brown&#x27;" in preview or "new person 'Mary Brown'" in preview
    assert_mary_untouched(newcastle, history_before)
    ours = the_new_person(newcastle)
    assert (ours.email, ours.phone, ours.publish_contact) == ("", "", False)
    assert_no_private_contact(client, preview)

    # Publishing: the second import reaches only the person the curator may change.
    preview = admin_import(client, to_csv([PUBLISH]))
    assert "publish_contact no → yes" in preview
    assert_mary_untouched(newcastle, history_before)
    ours.refresh_from_db()
    assert ours.publish_contact is True
    assert_no_private_contact(client, preview)

    assert_curator_cannot_open(client, newcastle.person)
    own = client.get(reverse("admin:partnerships_person_change", args=[ours.pk]))
    assert own.status_code == 200


def test_the_take_over_through_the_command_makes_a_new_person(
    client, tmp_path, newcastle, hartlepool, curator
):
    history_before = newcastle.person.history.count()
    path = tmp_path / "hartlepool.csv"
    path.write_bytes(to_csv([ROW]))
    out = io.StringIO()
    call_command("import_seats", str(path), "--user", "hartlepool-cvs", "-v", "2", stdout=out)
    assert "People: 1 created, 0 changed, 0 unchanged" in out.getvalue()
    assert_mary_untouched(newcastle, history_before)
    ours = the_new_person(newcastle)

    path.write_bytes(to_csv([PUBLISH]))
    out = io.StringIO()
    call_command("import_seats", str(path), "--user", "hartlepool-cvs", "-v", "2", stdout=out)
    assert "People: 0 created, 1 changed, 0 unchanged" in out.getvalue()
    assert EMAIL not in out.getvalue() and PHONE not in out.getvalue()
    assert_mary_untouched(newcastle, history_before)
    ours.refresh_from_db()
    assert ours.publish_contact is True
    assert ours.history.first().history_user == curator
    assert_no_private_contact(client)

    client.force_login(curator)
    assert_curator_cannot_open(client, newcastle.person)


def test_a_site_administrator_still_finds_the_existing_person(newcastle, hartlepool):
    boss = User.objects.create_superuser("boss", password="pw")
    for user in (boss, None):  # a superuser, and the command without --user
        data = to_csv([ROW])
        result = file_import(kind="seats", data=data, filename="s.csv", user=user, dry_run=False)
        assert result.ok, messages(result)
        assert result.counts["people"] == {"created": 0, "changed": 0, "unchanged": 1}
    assert Person.objects.filter(name="Mary Brown").count() == 1
    assert {seat.body.name for seat in newcastle.person.seats.all()} == {
        "Newcastle Partnership Board",
        "Hartlepool Partnership Board",
    }


# --- Records the curator may not change: refused, with the row and the column ----------------


def refused(kind, rows, user):
    before = snapshot()
    result = file_import(kind=kind, data=to_csv(rows), filename=f"{kind}.csv", user=user)
    assert not result.written and result.problems
    assert snapshot() == before
    return result


def test_a_partnership_shared_with_an_area_outside_scope_is_refused(curator):
    tees = PartnershipFactory(
        name="Tees Valley Partnership", areas=[area(HARTLEPOOL), area(MIDDLESBROUGH)]
    )
    BoardFactory(partnership=tees, name="Hartlepool Partnership Board")
    rows = [{**ROW, "partnership": "tees valley partnership", "organisation": "Hartlepool CVS"}]
    rows.append({**rows[0], "person": "Ann Lee"})
    result = refused("seats", rows, curator)
    assert [(p.row, p.column, p.value, p.letter) for p in result.problems] == [
        (2, "partnership", "tees valley partnership", "B"),
        (3, "partnership", "tees valley partnership", "B"),
    ]
    assert messages(result)[0] == (
        "row 2: partnership 'tees valley partnership' also covers areas you do not curate "
        "(Middlesbrough), so its bodies and seats cannot be changed here."
    )


def test_a_network_outside_scope_is_refused(curator):
    NetworkFactory(name="Tees Valley CEN", areas=[area(HARTLEPOOL), area(MIDDLESBROUGH)])
    row = {**NETWORK, "name": "Tees Valley CEN", "funding": "lost"}
    result = refused("networks", [row], curator)
    assert [(p.row, p.column, p.value, p.letter) for p in result.problems] == [
        (2, "name", "Tees Valley CEN", "A")
    ]
    assert messages(result)[0].startswith("row 2: network 'Tees Valley CEN' also serves areas")
    assert Network.objects.get().funding != "lost"


def test_an_organisation_outside_scope_keeps_its_flag(curator, newcastle, hartlepool):
    aid = newcastle.organisation
    result = refused("seats", [{**ROW, "organisation_is_womens": "no"}], curator)
    column = "organisation_is_womens"
    assert [(p.row, p.column, p.value, p.letter) for p in result.problems] == [
        (2, column, "no", "ABCDEFGHIJKLMNOP"[SEAT_COLUMNS.index(column)])
    ]
    assert messages(result)[0] == (
        'row 2: organisation "Newcastle Women\'s Aid" is outside the areas you curate, so its '
        "organisation_is_womens cannot be changed here."
    )
    assert Organisation.objects.get(pk=aid.pk).is_womens_organisation is True
    assert Seat.objects.count() == 1


def test_the_command_prints_the_refusal(tmp_path, curator):
    PartnershipFactory(
        name="Tees Valley Partnership", areas=[area(HARTLEPOOL), area(MIDDLESBROUGH)]
    )
    path = tmp_path / "seats.csv"
    path.write_bytes(to_csv([{**ROW, "partnership": "Tees Valley Partnership"}]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem in seats.csv; nothing was written"):
        call_command("import_seats", str(path), "--user", "hartlepool-cvs", stderr=err)
    assert "row 2: partnership 'Tees Valley Partnership' also covers areas" in err.getvalue()
