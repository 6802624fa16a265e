"""Property: whatever a curator's areas, whatever record lies outside them and whatever write
path they try, nothing outside their areas changes and no private field of it appears in any
response.

Hypothesis draws a curator's scope, a record they may not change and a path from issue 9's
list: the admin's change, delete and revert pages, the list's actions (verify, delete, erase),
the erase page, the erasure service, autocomplete, the corrections queue, and an import row
that names the record. Which records a scope may change is worked out here from the areas the
world was built with (an oracle of the test's own), never by asking curation.rules.

Each example runs inside a transaction that is rolled back, so every example starts from the
same world.
"""

import csv
import io
from dataclasses import dataclass, field

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curation.imports import NETWORK_COLUMNS, SEAT_COLUMNS
from curation.models import Correction
from curation.services import curator_setup, person_erase
from networks.models import Network
from partnerships.choices import DocumentKind
from partnerships.models import (
    Area,
    Body,
    Organisation,
    Partnership,
    Person,
    Region,
    Seat,
    curated_models,
)

from .admin_forms import form_data
from .factories import (
    BoardFactory,
    DocumentFactory,
    NetworkFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    SeatFactory,
    area,
)

pytestmark = pytest.mark.django_db

HARTLEPOOL, NEWCASTLE, CAMDEN, ISLINGTON = "E06000001", "E08000021", "E09000007", "E09000019"

# Scopes a curator may be given: areas, and regions by slug.
SCOPES = [
    ((HARTLEPOOL,), ()),
    ((CAMDEN,), ()),
    ((HARTLEPOOL, CAMDEN), ()),
    ((ISLINGTON,), ()),
    ((), ("london",)),
    ((), ("north-east",)),
]


@dataclass
class Target:
    record: object
    codes: set  # the GSS codes of the areas the record belongs to, as the world built it
    private: list = field(default_factory=list)  # its private values, which must never show
    org_name: str = ""  # for a person: the organisation of their seat, for an import row


@dataclass
class World:
    targets: list
    superuser: User


def build_world():
    """Records in Hartlepool and Newcastle (North East) and Camden (London), some shared."""
    h, n, c = area(HARTLEPOOL), area(NEWCASTLE), area(CAMDEN)
    targets = []

    def add(record, codes, private=(), org_name=""):
        targets.append(Target(record, set(codes), list(private), org_name))

    def person(label, email):
        return PersonFactory(
            name=f"{label} Person",
            email=email,
            phone=f"0191 {len(targets):03d} {len(email):04d}",
            publish_contact=False,
            consent_method=f"{label} consent note",
        )

    for label, where in (("Hartlepool", [h]), ("Newcastle", [n]), ("Camden", [c])):
        code = where[0].gss_code
        partnership = PartnershipFactory(name=f"{label} Partnership", areas=where)
        board = BoardFactory(partnership=partnership, name=f"{label} Board")
        org = OrganisationFactory(name=f"{label} Women's Aid")
        org.areas.set(where)
        holder = person(label, f"{label.lower()}.private@example.org")
        seat = SeatFactory(body=board, person=holder, organisation=org)
        scs = DocumentFactory(partnership=partnership, title=f"{label} Strategy")
        ges = DocumentFactory(
            kind=DocumentKind.GES, partnership=None, organisation=org, title=f"{label} GES"
        )
        network = NetworkFactory(name=f"{label} CEN", areas=where)
        report = Correction.objects.create(
            content_type_id=_content_type(Seat),
            object_id=seat.pk,
            record_label=f"Seat of {label}",
            message=f"{label} report: call {holder.phone}",
            email=f"{label.lower()}.reporter@example.org",
        )
        report.areas.set(where)
        for record in (partnership, board, seat, scs, ges, network):
            add(record, {code})
        add(org, {code})
        add(holder, {code}, [holder.email, holder.phone, holder.consent_method], org.name)
        add(report, {code}, [report.email, report.message])

    shared = PartnershipFactory(name="Tees and Tyne Partnership", areas=[h, n])
    shared_board = BoardFactory(partnership=shared, name="Tees and Tyne Board")
    add(shared, {HARTLEPOOL, NEWCASTLE})
    add(shared_board, {HARTLEPOOL, NEWCASTLE})
    # A person sitting in Hartlepool and Camden belongs to both.
    both = person("Both", "both.private@example.org")
    national = OrganisationFactory(name="National Women's Charity")
    for partnership_name in ("Hartlepool Partnership", "Camden Partnership"):
        board = Body.objects.get(partnership__name=partnership_name)
        SeatFactory(body=board, person=both, organisation=national)
    add(both, {HARTLEPOOL, CAMDEN}, [both.email, both.phone, both.consent_method], national.name)
    add(national, set())  # no areas: nobody's
    orphan = person("Orphan", "orphan.private@example.org")  # no seat: nobody's
    add(orphan, set(), [orphan.email, orphan.phone, orphan.consent_method])
    north_east = h.region
    regional = NetworkFactory(name="North East Women's Network", region=north_east)
    regional.areas.clear()
    add(regional, set(Area.objects.filter(region=north_east).values_list("gss_code", flat=True)))

    superuser = User.objects.create_superuser("root", "root@example.org", "x")
    return World(targets, superuser)


def _content_type(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


def scope_codes(area_codes, region_slugs):
    codes = set(area_codes)
    codes |= set(
        Area.objects.filter(region__slug__in=region_slugs).values_list("gss_code", flat=True)
    )
    return codes


def may_change(target, codes):
    """The oracle: the record belongs to some area, and all of them are the curator's."""
    return bool(target.codes) and target.codes <= codes


def snapshot():
    """Every row of every curated table and of the corrections, with the ids of its
    many-to-many links and of the records that point at it (a person's seats)."""
    rows = {}
    for model in [*curated_models(), Correction]:
        related = [f.name for f in model._meta.many_to_many]
        if model is not Organisation:  # shared: any curator may choose one for a seat
            related += [r.get_accessor_name() for r in model._meta.related_objects if r.one_to_many]
        for obj in model._default_manager.prefetch_related(*related):
            values = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
            for name in related:
                values[name] = sorted(o.pk for o in getattr(obj, name).all())
            rows[(model._meta.label, obj.pk)] = values
    return rows


def admin_url(record, view, *args):
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def taken(data, record):
    """The same form, changed as an attacker would: renamed, contact published."""
    for name in ("name", "title"):
        if name in data:
            data[name] = f"Taken {data[name]}"
    if isinstance(record, Person):
        data["publish_contact"] = "on"
        data["email"] = "attacker@example.org"
    data["_save"] = "Save"
    return data


# --- The write paths ----------------------------------------------------------------------


def via_change_page(client, superuser_client, target):
    url = admin_url(target.record, "change", target.record.pk)
    data = taken(form_data(superuser_client.get(url)), target.record)
    return [client.get(url), client.post(url, data)]


def via_delete_page(client, superuser_client, target):
    url = admin_url(target.record, "delete", target.record.pk)
    return [client.get(url), client.post(url, {"post": "yes"})]


def via_revert(client, superuser_client, target):
    record = target.record
    if not hasattr(type(record), "history"):
        return via_change_page(client, superuser_client, target)
    version = type(record).history.filter(id=record.pk).earliest("history_date")
    url = admin_url(record, "simple_history", record.pk, version.history_id)
    data = taken(form_data(superuser_client.get(url)), record)
    return [
        client.get(admin_url(record, "history", record.pk)),
        client.get(url),
        client.post(url, data),
    ]


def via_action(action):
    def run(client, superuser_client, target):
        record = target.record
        data = {"action": action, ACTION_CHECKBOX_NAME: [record.pk], "post": "yes"}
        if isinstance(record, Correction):
            data["action"] = "mark_done" if action == "mark_verified_today" else "mark_rejected"
        return [client.post(admin_url(record, "changelist"), data)]

    return run


def via_erasure(client, superuser_client, target):
    record = target.record
    if not isinstance(record, Person):
        return via_delete_page(client, superuser_client, target)
    url = reverse("admin:partnerships_person_erase", args=[record.pk])
    responses = [client.get(url), client.post(url, {"post": "yes"})]
    user = User.objects.get(pk=client.session["_auth_user_id"])
    with pytest.raises(PermissionDenied):
        person_erase(person=record, user=user)
    return responses


def via_autocomplete(client, superuser_client, target):
    """Look the record up by name from every field that could offer it."""
    record = target.record
    term = str(getattr(record, "name", "") or getattr(record, "title", ""))[:6]
    sources = {
        Person: [("partnerships", "seat", "person")],
        Organisation: [("partnerships", "seat", "organisation")],
        Partnership: [("partnerships", "body", "partnership")],
        Body: [("partnerships", "seat", "body")],
    }.get(type(record), [])
    responses = []
    for app_label, model_name, field_name in sources:
        params = {
            "term": term,
            "app_label": app_label,
            "model_name": model_name,
            "field_name": field_name,
        }
        responses.append(client.get(reverse("admin:autocomplete"), params))
    responses.append(client.get(admin_url(record, "changelist"), {"q": term}))
    return responses


def csv_bytes(header, row):
    out = io.StringIO()
    writer = csv.DictWriter(out, header)
    writer.writeheader()
    writer.writerow({name: row.get(name, "") for name in header})
    return out.getvalue().encode()


def via_import(client, superuser_client, target):
    """An import row that names the record: upload, preview, confirm."""
    record, home = target.record, client.curator_area
    if isinstance(record, Network):
        code = sorted(target.codes)[0] if target.codes else home.gss_code
        kind, data = (
            "networks",
            csv_bytes(
                NETWORK_COLUMNS,
                {
                    "name": record.name,
                    "kind": record.kind,
                    "area_code": code,
                    "status": "ceased",
                    "funding": "lost",
                    "email": "attacker@example.org",
                },
            ),
        )
    else:
        row = {
            "area_code": home.gss_code,
            "partnership": f"{home.name} Partnership",
            "body": f"{home.name} Board",
            "body_kind": "board",
            "person": "Anyone",
            "sector": "vcs",
            "publish_contact": "yes",
            "email": "attacker@example.org",
            "phone": "0000",
        }
        if isinstance(record, Person):
            row |= {"person": record.name, "organisation": target.org_name}
        elif isinstance(record, Organisation):
            row |= {"organisation": record.name, "organisation_is_womens": "yes"}
        elif isinstance(record, Partnership | Body):
            partnership = record if isinstance(record, Partnership) else record.partnership
            code = sorted(target.codes)[0]
            row |= {"area_code": code, "partnership": partnership.name}
            if isinstance(record, Body):
                row["body"] = record.name
        elif isinstance(record, Seat):
            row |= {
                "area_code": record.body.partnership.areas.first().gss_code,
                "partnership": record.body.partnership.name,
                "body": record.body.name,
                "person": record.person.name,
                "organisation": record.organisation.name,
                "start_date": record.start_date.isoformat(),
                "role": "Taken",
            }
        kind, data = "seats", csv_bytes(SEAT_COLUMNS, row)
    upload = client.post(
        reverse("curation_import:upload", args=[kind]),
        {"file": SimpleUploadedFile("attack.csv", data)},
    )
    responses = [upload]
    if upload.status_code == 302:
        preview_url = upload.url
        responses.append(client.get(preview_url))
        responses.append(client.post(preview_url.rstrip("/") + "/confirm/"))
    return responses


PATHS = {
    "change page": via_change_page,
    "delete page": via_delete_page,
    "history and revert": via_revert,
    "verify action": via_action("mark_verified_today"),
    "delete action": via_action("delete_selected"),
    "erase action": via_action("erase_people"),
    "erase": via_erasure,
    "autocomplete and search": via_autocomplete,
    "import row": via_import,
}


@pytest.fixture
def world(db):
    return build_world()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_nothing_outside_a_curators_areas_changes_or_shows(world, data):
    from django.test import Client

    area_codes, region_slugs = data.draw(st.sampled_from(SCOPES), label="scope")
    codes = scope_codes(area_codes, region_slugs)
    outside = [t for t in world.targets if not may_change(t, codes)]
    target = data.draw(st.sampled_from(outside), label="target")
    path = data.draw(st.sampled_from(sorted(PATHS)), label="path")
    note = f"{type(target.record).__name__} {target.record} via {path}"

    with transaction.atomic():
        curator = curator_setup(
            username="attacker", area_codes=area_codes, region_slugs=region_slugs
        )[0].user
        client = Client()
        client.force_login(curator)
        client.curator_area = (
            area(area_codes[0])
            if area_codes
            else Area.objects.filter(region=Region.objects.get(slug=region_slugs[0]))
            .current()
            .first()
        )
        superuser_client = Client()
        superuser_client.force_login(world.superuser)
        before = snapshot()

        responses = PATHS[path](client, superuser_client, target)

        after = snapshot()
        for target_outside in outside:
            key = (type(target_outside.record)._meta.label, target_outside.record.pk)
            assert after.get(key) == before[key], f"{key} changed: {note}"
        secrets = [value for t in outside for value in t.private if value]
        for response in responses:
            assert response.status_code < 500, note
            content = response.content.decode(errors="replace")
            for secret in secrets:
                assert secret not in content, f"{secret!r} shown: {note}"
        transaction.set_rollback(True)
