"""The curator's and the public's stories in a real browser, as the issue tells them:
a curator of one area signs in, exports its seats, changes a row, imports the spreadsheet
with a preview first, confirms, and sees the change in the record's history; another area's
records stay out of reach. A member of the public reports a wrong record and the right
curator finds it in the queue."""

import csv
import io
import urllib.request

import pytest

from curation.services import curator_setup
from partnerships.models import Seat

from .factories import BoardFactory, PartnershipFactory, SeatFactory, area

pytestmark = pytest.mark.browser

PASSWORD = "a long curator passphrase 2026"


@pytest.fixture
def two_areas(areas):
    hartlepool = PartnershipFactory(name="Hartlepool Partnership", areas=[area("E06000001")])
    camden = PartnershipFactory(name="One Camden", areas=[area("E09000007")])
    seat = SeatFactory(
        body=BoardFactory(partnership=hartlepool, name="Hartlepool Board"), role="Member"
    )
    SeatFactory(body=BoardFactory(partnership=camden, name="Camden Board"))
    curator, _ = curator_setup(username="hartlepool-cvs", area_codes=["E06000001"])
    curator.user.set_password(PASSWORD)
    curator.user.save()
    return {"hartlepool": hartlepool, "camden": camden, "seat": seat}


def sign_in(page, base):
    page.goto(base + "/admin/login/")
    page.get_by_label("Username").fill("hartlepool-cvs")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_text("Curation tasks").is_visible()


def test_a_curator_imports_with_a_preview_and_sees_the_change_in_history(
    live_server, page, two_areas, tmp_path
):
    base = live_server.url
    # Export this area's seats, as the curator would start from the current list.
    with urllib.request.urlopen(base + "/representatives/export.csv?area=E06000001") as r:
        rows = list(csv.DictReader(io.StringIO(r.read().decode())))
    assert [row["partnership"] for row in rows] == ["Hartlepool Partnership"]
    rows[0]["role"] = "Vice-chair"
    spreadsheet = tmp_path / "hartlepool.csv"
    with spreadsheet.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    blocked = []  # the admin must work under the site's Content Security Policy too
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and blocked.append(f"{page.url}: {message.text[:80]}")
        ),
    )
    sign_in(page, base)
    page.get_by_role("link", name="Import seats or networks from a spreadsheet").click()
    page.get_by_role("link", name="Import seats").click()
    page.locator("input[type=file]").set_input_files(str(spreadsheet))
    page.get_by_role("button", name="Check the file").click()
    preview = page.locator("#content").inner_text()
    assert "1 changed" in preview
    assert Seat.objects.get(pk=two_areas["seat"].pk).role == "Member"  # nothing written yet

    page.get_by_role("button", name="Confirm: import 1 row").click()
    assert Seat.objects.get(pk=two_areas["seat"].pk).role == "Vice-chair"

    page.goto(base + f"/admin/partnerships/seat/{two_areas['seat'].pk}/history/")
    history = page.locator("#content").inner_text()
    assert "hartlepool-cvs" in history
    assert "Vice-chair" in history

    # Camden is not this curator's: not listed, not reachable by its address.
    page.goto(base + "/admin/partnerships/partnership/")
    listing = page.locator("#content").inner_text()
    assert "Hartlepool Partnership" in listing and "One Camden" not in listing
    page.goto(base + f"/admin/partnerships/partnership/{two_areas['camden'].pk}/change/")
    assert "One Camden" not in page.locator("#content").inner_text()

    page.goto(base + f"/admin/partnerships/seat/{two_areas['seat'].pk}/change/")
    page.get_by_role("button", name="Save", exact=True).click()
    assert not blocked, blocked


def test_a_public_report_reaches_the_curator_of_that_area(live_server, page, two_areas):
    base = live_server.url
    page.goto(base + two_areas["hartlepool"].get_absolute_url())
    page.get_by_role("link", name="Report something wrong").first.click()
    page.get_by_label("What is wrong?").fill("The board chair changed in May.")
    page.get_by_role("button", name="Send report").click()
    assert "Thank you" in page.locator("main").inner_text()

    sign_in(page, base)
    page.get_by_role("link", name="Corrections from the public to review").click()
    queue = page.locator("#content").inner_text()
    assert "Hartlepool Partnership" in queue
    assert "The board chair changed in May." in queue
