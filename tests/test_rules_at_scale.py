"""The rule of who may curate what (curation.rules) keeps its meaning while it is asked in a
form the database can answer at scale (issue 14's load test: a curator's seat form timed out
on 400,000 people).

Its meaning is checked against a plain statement of it, record by record, for every ruled
model and several curators: changeable when the record reaches at least one area and all of
its areas are the curator's, or when it reaches none and the curator created it. Its form is
checked from the SQL: never `NOT IN (subquery)` (PostgreSQL re-runs a subquery too big to hash
for every row), and one table per step of an area path (a list's query that joins more than
eight tables is planned in pieces, and the piece holding the list's own tables reads all of
them).

Hartlepool and Darlington are in the North East; Camden is in London.
"""

import re

import pytest

from curation import rules
from curation.models import Correction
from curation.services import curator_setup
from partnerships.models import Area, DocumentKind, Person, Region, curated_models

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

HARTLEPOOL, DARLINGTON, CAMDEN = "E06000001", "E06000005", "E09000007"
RULED = [*curated_models(), Correction, Area, Region]
NOT_IN_SUBQUERY = re.compile(r"NOT \(?[^()]*\bIN \(\s*\(?\s*SELECT", re.IGNORECASE)


def partnership(*codes):
    made = PartnershipFactory()
    made.areas.set([area(code) for code in codes])
    return made


def seat_in(place, person=None):
    extra = {"person": person} if person is not None else {}
    return SeatFactory(body=BoardFactory(partnership=place), **extra)


def person_created_by(user, name):
    made = Person(name=name, email=f"{name.lower().replace(' ', '.')}@example.org")
    made._history_user = user
    made.save()
    return made


@pytest.fixture
def curators(django_user_model):
    hartlepool = curator_setup(username="hartlepool-cvs", area_codes=[HARTLEPOOL])[0].user
    north_east = area(HARTLEPOOL).region
    regional = curator_setup(username="ne-rcc", region_slugs=[north_east.slug])[0].user
    nothing = curator_setup(username="new-curator")[0].user
    return {"hartlepool": hartlepool, "regional": regional, "nothing": nothing}


@pytest.fixture
def records(curators):
    """Records inside, outside, across and without areas, of every kind the rule rules."""
    hartlepool = curators["hartlepool"]
    ours, theirs = partnership(HARTLEPOOL), partnership(CAMDEN)
    across, north_east = partnership(HARTLEPOOL, CAMDEN), partnership(HARTLEPOOL, DARLINGTON)
    nowhere = partnership()
    for place in (ours, theirs, across, north_east, nowhere):
        seat_in(place)
        DocumentFactory(partnership=place)
    both = PersonFactory()  # one seat here and one in London
    seat_in(ours, both)
    seat_in(theirs, both)
    PersonFactory()  # no seat: nobody's
    person_created_by(hartlepool, "Just Added")  # no seat yet: its creator's
    seat_in(theirs, person_created_by(hartlepool, "Moved Away"))  # created, now elsewhere
    seat_in(ours, person_created_by(hartlepool, "Settled In"))
    for codes in ((HARTLEPOOL,), (CAMDEN,), (HARTLEPOOL, CAMDEN), ()):
        organisation = OrganisationFactory()
        organisation.areas.set([area(code) for code in codes])
        DocumentFactory(kind=DocumentKind.GES, partnership=None, organisation=organisation)
    NetworkFactory(areas=[area(HARTLEPOOL)])
    NetworkFactory(areas=[area(CAMDEN)])
    regional = NetworkFactory(region=area(HARTLEPOOL).region)
    regional.areas.clear()
    for codes in ((HARTLEPOOL,), (CAMDEN,), ()):
        report = Correction.objects.create(
            content_type_id=1, object_id=1, record_label="A record", message="Wrong"
        )
        report.areas.set([area(code) for code in codes])


def created_by(record, user):
    model = type(record)
    if not hasattr(model, "history"):
        return False
    return model.history.filter(id=record.pk, history_type="+", history_user=user).exists()


def expected(model, user, action):
    """The rule stated plainly, one record at a time (rules.areas_of reads each path)."""
    area_ids = rules.curated_area_ids(user)
    every = set(model._default_manager.values_list("pk", flat=True))
    if area_ids is None:
        return every
    mine = set()
    for record in model._default_manager.all():
        reached = rules.areas_of(record)
        if (reached and reached <= area_ids) or (not reached and created_by(record, user)):
            mine.add(record.pk)
    if action == rules.CHANGE or rules.has_private_fields(model) and action == rules.VIEW:
        return mine
    if rules.is_shared(model):
        return every
    if action == rules.USE:
        return mine
    return {
        record.pk for record in model._default_manager.all() if rules.areas_of(record) & area_ids
    }


@pytest.mark.usefixtures("records")
@pytest.mark.parametrize("action", [rules.CHANGE, rules.VIEW, rules.USE])
@pytest.mark.parametrize("model", RULED, ids=lambda m: m.__name__)
def test_the_rule_means_what_it_says_for_every_record(model, action, curators, admin_user):
    for name, user in [*curators.items(), ("administrator", admin_user)]:
        rows = rules.RULES[action](model._default_manager.all(), user)
        got = set(rows.values_list("pk", flat=True))
        assert got == expected(model, user, action), f"{model.__name__}, {action}, {name}"


@pytest.mark.usefixtures("records")
def test_the_rule_combines_with_other_querysets(curators):
    """A form keeps a record's current choice beside the rule's (queryset | queryset), counts
    it and fetches one; the rule's query must allow all of that."""
    user = curators["hartlepool"]
    stranger = Person.objects.exclude(pk__in=rules.changeable(Person.objects.all(), user)).first()
    choices = rules.usable(Person.objects.all(), user)
    kept = choices | Person.objects.filter(pk=stranger.pk)
    assert kept.count() == choices.count() + 1
    assert kept.get(pk=stranger.pk) == stranger
    assert list(kept.order_by("name")[:2])


@pytest.mark.parametrize("model", RULED, ids=lambda m: m.__name__)
def test_the_rules_sql_asks_each_record_by_itself(model, curators):
    """Never NOT IN (subquery), and no joins: each step of an area path is a subquery on one
    table (a person's seats, their bodies, those bodies' partnerships' areas)."""
    user = curators["hartlepool"]
    for rule in (rules.changeable, rules.viewable, rules.usable):
        rows = rule(model._default_manager.order_by(), user).values("pk")
        sql = rows.query.sql_with_params()[0]
        assert not NOT_IN_SUBQUERY.search(sql), f"{rule.__name__}({model.__name__}): {sql}"
        assert " JOIN " not in sql, f"{rule.__name__}({model.__name__}) joins: {sql}"
