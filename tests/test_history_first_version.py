"""Every curated record has a first version to go back to, whatever made it; the History page
tells edits apart to the second and links a user's page only for those who may open it."""

import datetime
import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from simple_history.utils import get_history_model_for_model

from curation.history import FIRST_VERSION, history_forget, tracked
from curation.services import curator_setup
from partnerships.demo import DEMO_REASON
from partnerships.models import Curated, Partnership, Seat

from .factories import DocumentFactory, NetworkFactory, PartnershipFactory, SeatFactory, area

pytestmark = pytest.mark.django_db

HARTLEPOOL = "E06000001"
MIGRATION = ("curation", "0002_history_first_versions")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """admin_client's superuser needs a password; hashing it properly is slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def curated_models():
    """Derived from the models, so that a curated model added without history fails here."""
    return [model for model in apps.get_models() if issubclass(model, Curated)]


def versions(model):
    return get_history_model_for_model(model).objects


def assert_one_first_version_each(model, reason):
    """Each record of model has exactly one version, a "+" carrying its fields and its
    many-to-many rows."""
    t = tracked(model._meta.label)
    demo = model._base_manager.filter(is_demo=True)  # not what the migrations recorded
    records = {r["id"]: r for r in demo.values("id", *t.fields)}
    demo_versions = versions(model).filter(id__in=records)
    firsts = {v["id"]: v for v in demo_versions.values("id", "history_type", *t.fields)}
    assert demo_versions.count() == len(firsts), model  # one each
    assert set(firsts) == set(records), model
    for pk, record in records.items():
        assert firsts[pk] == {**record, "history_type": "+"}
    assert set(demo_versions.values_list("history_change_reason", flat=True)) <= {reason}
    for m2m in t.m2ms:
        own, other = f"{m2m.own}_id", f"{m2m.other}_id"
        links = set(
            m2m.through.objects.filter(**{f"{own}__in": records}).values_list("id", own, other)
        )
        copies = m2m.history.objects.filter(**{f"{own}__in": records}).values_list(
            "id", own, other, "history__history_type"
        )
        assert {row[:3] for row in copies} == links, m2m.history
        assert {row[3] for row in copies} <= {"+"}


def history_rows():
    """The number of rows in every history table, many-to-many copies included."""
    counts = {}
    for model in curated_models():
        t = tracked(model._meta.label)
        counts[t.history] = t.history.objects.count()
        counts.update({m2m.history: m2m.history.objects.count() for m2m in t.m2ms})
    return counts


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def revert_url(obj, version):
    return admin_url(type(obj), "simple_history", obj.pk, version.history_id)


def form_data(page, **changes):
    """The admin form on page as a browser posts it untouched, with changes; its inlines
    posted empty, which leaves their rows as they are."""
    form = page.context["adminform"].form
    data = {"_save": "Save"}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = value
    for inline in page.context.get("inline_admin_formsets", []):  # none on a revert page
        prefix = inline.formset.prefix
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS"):
            data[f"{prefix}-{name}"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    return data | changes


# --- Loading the demo ---------------------------------------------------------------------


@pytest.fixture
def demo():
    """The history rows before the demo (the migrations' national help bodies have some)."""
    before = history_rows()
    call_command("load_demo", stdout=io.StringIO())
    return before


def test_after_load_demo_every_curated_record_has_one_first_version(demo):
    models = curated_models()
    assert len(models) >= 7
    for model in models:
        assert model.objects.exists(), model
        assert_one_first_version_each(model, DEMO_REASON)


def test_loading_the_demo_again_leaves_the_history_as_it_was(demo):
    before = history_rows()
    call_command("load_demo", stdout=io.StringIO())
    assert history_rows() == before
    for model in curated_models():
        assert_one_first_version_each(model, DEMO_REASON)

    call_command("load_demo", "--clear", stdout=io.StringIO())
    assert history_rows() == demo


# --- A curator undoes their first edit ------------------------------------------------------


@pytest.mark.parametrize(
    "model, change",
    [(Partnership, {"name": "Hartlepool Together"}), (Seat, {"role": "Observer"})],
    ids=["partnership", "seat"],
)
def test_a_curators_first_edit_of_a_demo_record_can_be_undone(client, demo, model, change):
    curator = curator_setup(username="hartlepool-cvs", area_codes=[HARTLEPOOL])[0].user
    client.force_login(curator)
    hartlepool = Partnership.objects.get(is_demo=True, areas__gss_code=HARTLEPOOL)
    if model is Partnership:
        record = hartlepool
    else:
        record = Seat.objects.filter(body__partnership=hartlepool).order_by("pk").first()
    ((field, value),) = change.items()
    before = getattr(record, field)
    areas_before = set(hartlepool.areas.all())

    url = admin_url(model, "change", record.pk)
    response = client.post(url, form_data(client.get(url), **change))
    assert response.status_code == 302, response.context["adminform"].form.errors
    record.refresh_from_db()
    assert getattr(record, field) == value

    page = client.get(admin_url(model, "history", record.pk))
    assert page.status_code == 200
    first = record.history.earliest()
    assert first.history_type == "+"
    assert revert_url(record, first) in page.content.decode()

    form_page = client.get(revert_url(record, first))
    assert form_page.status_code == 200
    assert form_page.context["adminform"].form[field].value() == before
    response = client.post(revert_url(record, first), form_data(form_page))
    assert response.status_code == 302, response.context["adminform"].form.errors

    record.refresh_from_db()
    assert getattr(record, field) == before
    assert set(hartlepool.areas.all()) == areas_before
    assert record.history.latest().history_user == curator


# --- Records from before history, or from a bulk path ----------------------------------------


def records_without_history():
    """One record of each curated model (many-to-many rows too), then its history gone, as
    if it came from before history was kept or from a raw bulk insert."""
    seat = SeatFactory(body__partnership__areas=[area(HARTLEPOOL)])
    seat.organisation.areas.set([area(HARTLEPOOL)])
    network = NetworkFactory(areas=[area(HARTLEPOOL)])
    network.members.set([seat.organisation])
    document = DocumentFactory(partnership=seat.body.partnership)
    records = [seat, seat.body, seat.body.partnership, seat.person, seat.organisation]
    records += [network, document]
    for record in records:
        history_forget(type(record), [record.pk])
    return records


def migration_apps():
    """The models as they are today: the migration's own state lacks fields added since
    (national_help), which a database migrated to today requires."""
    from django.apps import apps

    return apps


def test_the_migration_gives_records_without_history_a_first_version():
    records = records_without_history()
    kept = PartnershipFactory(name="Already versioned", areas=[area(HARTLEPOOL)])
    kept.name = "Renamed"
    kept.save()
    kept_versions = kept.history.count()
    assert {type(record) for record in records} == set(curated_models())
    assert not any(versions(type(r)).filter(id=r.pk).exists() for r in records)

    migration = importlib.import_module(f"{MIGRATION[0]}.migrations.{MIGRATION[1]}")
    migration.first_versions(migration_apps(), None)

    for record in records:
        model = type(record)
        record.refresh_from_db()
        t = tracked(model._meta.label)
        (first,) = versions(model).filter(id=record.pk)
        assert (first.history_type, first.history_user) == ("+", None)
        assert first.history_change_reason == FIRST_VERSION
        assert {f: getattr(first, f) for f in t.fields} == {f: getattr(record, f) for f in t.fields}
        for m2m in t.m2ms:
            own, other = f"{m2m.own}_id", f"{m2m.other}_id"
            links = m2m.through.objects.filter(**{own: record.pk}).values_list(other, flat=True)
            copies = m2m.history.objects.filter(history=first).values_list(other, flat=True)
            assert sorted(copies) == sorted(links) != []
    assert kept.history.count() == kept_versions  # a record with a history is left alone

    before = history_rows()
    migration.first_versions(migration_apps(), None)
    assert history_rows() == before


# --- The History page -------------------------------------------------------------------------


@pytest.fixture
def edited(client):
    """A partnership a curator of its area edited three times in one minute."""
    partnership = PartnershipFactory(name="Hartlepool Partnership", areas=[area(HARTLEPOOL)])
    curator = curator_setup(username="hartlepool-cvs", area_codes=[HARTLEPOOL])[0].user
    for n, second in enumerate((5, 17, 42)):
        partnership.name = f"Hartlepool Partnership {n}"
        partnership._history_user = curator
        partnership.save()
        version = partnership.history.latest()
        version.history_date = datetime.datetime(2026, 1, 15, 10, 11, second, tzinfo=datetime.UTC)
        version.save()
    return partnership, curator


def test_the_history_list_tells_edits_in_one_minute_apart(admin_client, edited):
    partnership, _ = edited
    content = admin_client.get(admin_url(Partnership, "history", partnership.pk)).content
    for second in (5, 17, 42):
        assert f"15 Jan 2026, 10:11:{second:02d}".encode() in content
        assert f'datetime="2026-01-15T10:11:{second:02d}+00:00"'.encode() in content


def test_changed_by_links_the_user_only_for_those_who_may_open_it(client, admin_client, edited):
    partnership, curator = edited
    url = admin_url(Partnership, "history", partnership.pk)
    user_page = reverse("admin:auth_user_change", args=[curator.pk])

    as_admin = admin_client.get(url).content.decode()
    assert f'href="{user_page}"' in as_admin

    client.force_login(curator)
    as_curator = client.get(url)
    assert as_curator.status_code == 200
    assert "hartlepool-cvs" in as_curator.content.decode()
    assert user_page not in as_curator.content.decode()
    assert client.get(user_page).status_code == 403  # why there is no link
