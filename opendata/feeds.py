"""Atom feeds of changes to the public records, read from their history (django-simple-history):
/changes.atom for England, /regions/<slug>/changes.atom, /partnerships/<slug>/changes.atom.

Each entry is one version of one record, newest first: what kind of record, what happened to
it and its name ("Seat changed: Ann Smith on Hartlepool Board"), the public fields that
changed since its previous version, when, and a link to the public page that shows it
(Curated.public_page, the one rule for where a record is shown).

What never appears: a model with private fields (a person: public only as the holder of their
seats, so their changes show as their seats'); a field not shown publicly (who verified a
record, a change reason, the curator who made it); a Correction (not curated, no history).
A seat names its holder from the live Person, never from history: an erased person's row is
gone, and their seats' versions no longer point to them, so they read "Name removed at the
person's request" (Seat.holder_name).

Cost: for each model, one query for its latest FEED_SIZE versions within the feed's scope
(ORDER BY history_date DESC LIMIT, on simple-history's index), each annotated with the id of
its previous version; one for those previous versions; one per public many-to-many field
(areas, members) of both; one per hop to the pages that show them. A fixed number, however
long the history.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import (
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from simple_history.utils import get_m2m_reverse_field_name

from curation import rules
from partnerships.filters import region_words
from partnerships.models import (
    Body,
    Curated,
    Partnership,
    Region,
    Seat,
    curated_models,
    shown_publicly,
)

FEED_SIZE = 50
ACTIONS = {"+": "added", "~": "changed", "-": "removed"}
NAMED_BY_KIND = {"partnerships.Body", "partnerships.Document", "networks.Network"}

# How each record reaches its partnership, for a partnership's feed: the partnership itself,
# its boards and groups, their seats, its strategies, and the networks that feed into it.
PARTNERSHIP_PATHS = {
    "partnerships.Partnership": "pk",
    "partnerships.Body": "partnership",
    "partnerships.Seat": "body__partnership",
    "partnerships.Document": "partnership",
    "networks.Network": "partnership",
}


def feed_models():
    """The curated models whose every field is public or says it is not: not a person."""
    return [model for model in curated_models() if not rules.has_private_fields(model)]


def shown_fields(model):
    """The fields a change may name: those whose help text says they are shown publicly
    (the house rule for help text), and links to other public records (a seat's holder and
    body); never who verified a record."""
    return [
        field
        for field in model._meta.concrete_fields
        if shown_publicly(field) or (field.is_relation and issubclass(field.related_model, Curated))
    ]


@dataclass
class Change:
    title: str
    summary: str
    link: str | None
    date: object
    guid: str


# --- Which versions: the scope of a feed ---------------------------------------------------


def _through_history(model, path, value):
    """A condition on model's history rows: the record at the end of path is value (a region's
    areas, a partnership). The first hop is taken on the history row itself when it is a
    foreign key there, so a removed seat still reaches its body's partnership; otherwise
    (a many-to-many, which history keeps apart) on the live record."""
    history = model.history.model
    first, _, rest = path.partition("__")
    lookup = f"{rest}__in" if rest else "pk__in"
    field = next((f for f in history._meta.concrete_fields if f.name == first), None)
    if field is not None and field.is_relation:
        related = field.related_model._default_manager.filter(**{lookup: value})
        return Q(**{f"{first}__in": related.values("pk")})
    if first == "pk":
        return Q(id__in=value.values("pk"))
    live = model._default_manager.filter(**{f"{path}__in": value})
    return Q(id__in=live.values("pk"))


def in_region(region):
    """Versions of records that reach an area of region, by their models' area_paths."""
    areas = region.areas.all()

    def scope(model):
        return Q.create(
            [_through_history(model, path, areas) for path in rules.area_paths(model)],
            connector=Q.OR,
        )

    return scope


def on_partnership(partnership):
    one = Partnership.objects.filter(pk=partnership.pk)

    def scope(model):
        path = PARTNERSHIP_PATHS.get(model._meta.label)
        return None if path is None else _through_history(model, path, one)

    return scope


def everywhere(model):
    return Q()


# --- The entries ------------------------------------------------------------------------


def _versions(model, scope, narrow):
    """The model's latest FEED_SIZE versions in scope, each with `previous_id`.

    Newest first by history_date: for England and a region, PostgreSQL reads its index
    backwards and stops at FEED_SIZE. For a partnership (narrow) that is the worst plan: a
    quiet partnership's few versions lie far back, and with 600,000 versions of seats the
    backward read took 910 ms. Sorting by an expression the index cannot give makes it fetch
    the partnership's own versions by their body and sort them: 3 ms, and 16 ms for one with
    17,000 versions."""
    history = model.history.model
    # The record's latest earlier version, as MAX() over its own versions (the index on id);
    # ORDER BY history_id DESC LIMIT 1 read the primary key backwards instead, through every
    # later version of every record: 48 ms for one first version among 600,000.
    previous = (
        history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .values("id")
        .annotate(last=Max("history_id"))
        .values("last")
    )
    rows = history.objects.filter(scope).annotate(previous_id=Subquery(previous))
    if "person" in {f.name for f in history._meta.concrete_fields}:
        rows = rows.select_related("person")  # the live holder, or None once erased
    newest = F("history_date")
    if narrow:
        no_time = Value(datetime.timedelta(0), output_field=DurationField())
        newest = ExpressionWrapper(newest + no_time, output_field=DateTimeField())
    return list(rows.order_by(newest.desc(), "-history_id")[:FEED_SIZE])


def _placed(model, rows):
    """{history_id: (the record as the version left it, the live record whose public page
    shows it, or None when that has gone)}. Each hop along the model's shown_on is fetched
    once for all rows, and given to the records, so public_page() asks nothing more."""
    instances = {row.history_id: _instance(row) for row in rows}
    if not model.shown_on:
        live = model._default_manager.in_bulk({row.id for row in rows})
        return {key: (i, live.get(i.pk)) for key, i in instances.items()}
    hops = []
    for path in model.shown_on:
        first, _, rest = path.partition("__")
        field = model._meta.get_field(first)
        ids = {getattr(i, field.attname) for i in instances.values()} - {None}
        related = field.related_model._default_manager.filter(pk__in=ids)
        related = related.select_related(rest) if rest else related
        hops.append((field, {record.pk: record for record in related}))
    placed = {}
    for key, instance in instances.items():
        owner = None
        links = [(field, getattr(instance, field.attname), found) for field, found in hops]
        if all(pk is None or pk in found for _field, pk, found in links):
            for field, pk, found in links:
                if pk is not None:
                    setattr(instance, field.name, found[pk])
            owner = instance.public_page()
        placed[key] = (instance, owner)
    return placed


def _instance(row):
    """The record as the version left it; a seat's holder is the live Person (or None)."""
    instance = row.instance
    if "person" in row._state.fields_cache:
        instance.person = row.person
    return instance


def _linked(model, history_ids):
    """{history_id: {many-to-many field: frozenset of ids}} for the versions history_ids, for
    the model's tracked many-to-many fields that are shown publicly (areas, members): each
    version keeps its own copy of them. One query per field."""
    history = model.history.model
    linked = {history_id: {} for history_id in history_ids}
    for field in history._history_m2m_fields:
        if not shown_publicly(field):
            continue
        copies = getattr(history, field.name).model
        other = f"{get_m2m_reverse_field_name(field)}_id"
        for history_id in linked:
            linked[history_id][field] = set()
        rows = copies._base_manager.filter(history_id__in=history_ids)
        for history_id, pk in rows.values_list("history_id", other):
            linked[history_id][field].add(pk)
    return linked


def _changed(model, row, previous, linked):
    """What happened, naming the public fields that changed since the previous version."""
    if row.history_type != "~":
        return f"{ACTIONS[row.history_type].capitalize()}."
    if previous is None:
        return "Changed."
    names = [
        str(field.verbose_name)
        for field in shown_fields(model)
        if getattr(row, field.attname) != getattr(previous, field.attname)
    ]
    now, before = linked.get(row.history_id, {}), linked.get(previous.history_id, {})
    names += [str(field.verbose_name) for field in now if now[field] != before.get(field)]
    if not names:
        return "Saved again; none of its public details changed."
    return f"Changed: {', '.join(names)}."


def _kind(model, instance):
    """What sort of record it is: a body, document or network by its kind ("Themed group",
    "Gender Equality Scheme", "Women's forum"), where the kind says what it is; others by
    their model ("Seat", "Organisation": an organisation's kind is its sector)."""
    if model._meta.label in NAMED_BY_KIND:
        return instance.get_kind_display()
    return model._meta.verbose_name.capitalize()


def _label(instance):
    """What the record is called on the public page: a seat by its holder and body, a body
    with its partnership, anything else by its name or title."""
    cached = instance._state.fields_cache
    if isinstance(instance, Seat):
        holder = "Vacant seat" if instance.vacant else instance.holder_name
        return f"{holder} on {_label(cached['body']) if 'body' in cached else 'a removed body'}"
    name = getattr(instance, "name", None) or getattr(instance, "title", "")
    partnership = cached.get("partnership")
    if isinstance(instance, Body) and partnership and partnership.name not in name:
        return f"{name}, {partnership.name}"
    return name


def changes(scope, fallback, *, narrow=False):
    """The latest FEED_SIZE changes within scope (a function giving each model's condition,
    or None to leave the model out), newest first. fallback: the link of a change whose
    page has gone; narrow: the scope holds few records (one partnership's)."""
    found = []
    for model in feed_models():
        condition = scope(model)
        if condition is None:
            continue
        rows = _versions(model, condition, narrow)
        previous = model.history.model.objects.in_bulk({row.previous_id for row in rows} - {None})
        placed = _placed(model, rows)
        linked = _linked(model, [row.history_id for row in rows] + list(previous))
        for row in rows:
            instance, owner = placed[row.history_id]
            found.append((row, model, previous.get(row.previous_id), instance, owner, linked))
    found.sort(key=lambda item: (item[0].history_date, item[0].history_id), reverse=True)
    return [
        Change(
            title=f"{_kind(model, instance)} {ACTIONS[row.history_type]}: {_label(instance)}",
            summary=escape(_changed(model, row, previous, linked)),
            link=owner.get_absolute_url() if hasattr(owner, "get_absolute_url") else fallback,
            date=row.history_date,
            guid=uuid.uuid5(
                uuid.NAMESPACE_URL, f"lsp-directory/{model._meta.label}/{row.history_id}"
            ).urn,
        )
        for row, model, previous, instance, owner, linked in found[:FEED_SIZE]
    ]


# --- The feeds ------------------------------------------------------------------------------


class ChangesFeed(Feed):
    """The latest changes to the public records, as Atom."""

    feed_type = Atom1Feed
    author_name = "LSP Directory"

    def item_title(self, change):
        return change.title

    def item_description(self, change):
        return change.summary

    def item_link(self, change):
        return change.link

    def item_guid(self, change):
        return change.guid

    item_guid_is_permalink = False

    def item_pubdate(self, change):
        return change.date

    def item_updateddate(self, change):
        return change.date


class EnglandChanges(ChangesFeed):
    title = "Changes to the LSP Directory"
    subtitle = (
        "The latest changes to England's Local Strategic Partnerships, their boards, seats, "
        "documents, organisations and networks."
    )

    def link(self):
        return reverse("partnerships:home")

    def items(self):
        return changes(everywhere, reverse("partnerships:home"))


class RegionChanges(ChangesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Region, slug=slug)

    def title(self, region):
        return f"Changes in {region_words(region)} – LSP Directory"

    def subtitle(self, region):
        return f"The latest changes to the public records of {region_words(region)}."

    def link(self, region):
        return region.get_absolute_url()

    def items(self, region):
        return changes(in_region(region), region.get_absolute_url())


class PartnershipChanges(ChangesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Partnership, slug=slug)

    def title(self, partnership):
        return f"Changes to {partnership.name} – LSP Directory"

    def subtitle(self, partnership):
        return (
            f"The latest changes to {partnership.name}, its board and themed groups, their "
            "seats, its strategies and the networks that feed into it."
        )

    def link(self, partnership):
        return partnership.get_absolute_url()

    def items(self, partnership):
        return changes(on_partnership(partnership), partnership.get_absolute_url(), narrow=True)
