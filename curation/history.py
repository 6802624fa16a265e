"""Every curated record's history starts with a first version, whatever created the record.

django-simple-history writes a version on each save() (the admin, the factories) and the
import writes its own in bulk (`curation.imports.Writer`). Rows that arrive another way
(load_demo's bulk inserts, the bench's COPY, rows from before history was switched on) would
have none, and then a curator's first edit could not be undone: the oldest version the
History page offers would be the edited one. `history_first_versions_ensure` gives each such
record a "+" (created) version, with the many-to-many rows its model's history tracks, as
simple-history's `populate_history` does (but per record, not per empty table, and with one
INSERT ... SELECT per table, fast enough for the bench's million records).

The same code runs on the live models and, in a data migration, on the migration's historical
models (`apps`): the tables are found by name from the live models, then taken from `apps`.
"""

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.db import connections, router
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import (
    get_history_model_for_model,
    get_m2m_field_name,
    get_m2m_reverse_field_name,
)

from partnerships.models import curated_models

# Keys per IN (...) list and rows per INSERT: within every SQLite's limit on parameters.
BATCH_SIZE = 500
FIRST_VERSION = "First version"  # the change reason of the versions added here


@dataclass(frozen=True)
class TrackedM2M:
    """A many-to-many field whose rows each version copies: the through table, the table of
    the copies, and the through table's foreign keys to the owner and to the other side."""

    through: type
    history: type
    own: str
    other: str


@dataclass(frozen=True)
class Tracked:
    """A curated model, its history table, the fields a version copies and its tracked
    many-to-many fields."""

    model: type
    history: type
    fields: tuple
    m2ms: tuple


def tracked(label, apps=global_apps):
    """The history tables of the model `label`, taken from `apps` (the live models, or a
    migration's). LookupError if `apps` has no such model."""
    live_history = get_history_model_for_model(global_apps.get_model(label))
    model = apps.get_model(label)
    history = apps.get_model(live_history._meta.label)
    names = {f.name for f in model._meta.concrete_fields}
    fields = tuple(f.attname for f in history._meta.concrete_fields if f.name in names)
    m2ms = []
    for field in live_history._history_m2m_fields:
        try:
            m2m_history = apps.get_model(getattr(live_history, field.name).model._meta.label)
        except LookupError:  # tracked only since a later migration
            continue
        through = model._meta.get_field(field.name).remote_field.through
        own, other = get_m2m_field_name(field), get_m2m_reverse_field_name(field)
        m2ms.append(TrackedM2M(through, m2m_history, own, other))
    return Tracked(model, history, fields, tuple(m2ms))


def history_m2m_copy(model, versions, *, apps=global_apps, batch_size=BATCH_SIZE):
    """Copy the many-to-many rows of records of `model` into their just-written versions
    (`versions`: {record pk: version pk}), as a save() does
    (HistoricalRecords.create_historical_record_m2ms) and simple-history's bulk functions
    do not."""
    m2ms = tracked(model._meta.label, apps).m2ms
    ids = list(versions)
    for m2m in m2ms:
        own, other = f"{m2m.own}_id", f"{m2m.other}_id"
        for start in range(0, len(ids), batch_size):
            some = ids[start : start + batch_size]
            links = m2m.through._base_manager.filter(**{f"{own}__in": some}).order_by("pk")
            rows = [
                m2m.history(
                    history_id=versions[getattr(link, own)],
                    id=link.pk,
                    **{own: getattr(link, own), other: getattr(link, other)},
                )
                for link in links
            ]
            m2m.history._base_manager.bulk_create(rows, batch_size=batch_size)


def history_first_versions_ensure(
    *, models=None, apps=global_apps, reason=FIRST_VERSION, batch_size=BATCH_SIZE
):
    """Give every record of every curated model (or of `models`) that has no history row a
    first version: "+", dated now, no user, `reason`, with its many-to-many rows. Records
    with any version are left alone, so running it again adds nothing. `apps`: a data
    migration's, to use its historical models. Returns {model label: versions added}."""
    date = timezone.now()
    added = {}
    for model in models or curated_models():
        try:
            t = tracked(model._meta.label, apps)
        except LookupError:  # a model that comes in a later migration
            continue
        versions = t.history._base_manager
        last = versions.aggregate(last=Max("pk"))["last"] or 0
        added[model._meta.label] = _first_versions_insert(t, date=date, reason=reason)
        if t.m2ms and added[model._meta.label]:
            new = versions.filter(pk__gt=last, history_type="+", history_date=date)
            pk = t.model._meta.pk.attname
            history_m2m_copy(
                t.model, dict(new.values_list(pk, "pk")), apps=apps, batch_size=batch_size
            )
    return added


def _first_versions_insert(t, *, date, reason):
    """One INSERT ... SELECT of a "+" version of each record of t.model that has none;
    returns how many. In the database rather than as objects (bulk_history_create): 100,000
    bench records take 1.0 s instead of 32 s on SQLite, 2.2 s instead of 23 s on PostgreSQL."""
    connection = connections[router.db_for_write(t.history)]
    q = connection.ops.quote_name
    model, history = t.model._meta, t.history._meta

    def columns(meta, names, prefix=""):
        return ", ".join(prefix + q(meta.get_field(name).column) for name in names)

    stamp = ["history_date", "history_type", "history_change_reason", "history_user"]
    sql = (
        f"INSERT INTO {q(history.db_table)} ({columns(history, [*t.fields, *stamp])}) "
        f"SELECT {columns(model, t.fields, 'r.')}, %s, %s, %s, NULL "
        f"FROM {q(model.db_table)} r WHERE NOT EXISTS (SELECT 1 FROM {q(history.db_table)} h "
        f"WHERE h.{columns(history, [model.pk.name])} = r.{q(model.pk.column)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(date), "+", reason])
        return cursor.rowcount


def history_forget(model, ids, *, batch_size=BATCH_SIZE):
    """Delete every version of the (deleted) records `ids` of `model`, with their copies of
    many-to-many rows: for records that never were real, such as the demo's."""
    t = tracked(model._meta.label)
    for start in range(0, len(ids), batch_size):
        some = ids[start : start + batch_size]
        for m2m in t.m2ms:
            m2m.history._base_manager.filter(**{f"{m2m.own}_id__in": some}).delete()
        t.history._base_manager.filter(id__in=some).delete()
