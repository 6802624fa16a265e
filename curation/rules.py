"""Who may curate what: the one rule, and its only implementation.

Every path that reads or writes curated records asks here: the admin's pages, inlines, form
choices, autocomplete, actions, history and revert; imports, row by row and record by
record; erasure; the corrections queue. Nothing else decides.

Where a record is. Each curated model declares once, as `area_paths`, how it reaches the areas
it belongs to; everything here follows those paths:
- a partnership: the areas it covers; its bodies and seats, and its strategies: the same;
- a Gender Equality Scheme: its organisation's areas;
- a person: the areas of every seat they hold or held;
- an organisation: its areas; a network: its areas, or every area of its region;
- a record that reaches no area belongs to no curator.

The rule. A curator may change, publish, delete or erase a record, and see its private fields,
only when the record belongs to at least one area and every area it belongs to is theirs
(`changeable`). Site administrators may do anything. Knowing a name gives nothing.

Three reliefs, none of them showing a private field:
- `viewable`: a curator may look at the public fields of a record that touches their areas (a
  partnership shared with a neighbour) and at every shared record (a model that declares
  `shared_with_curators`: organisations, since a national charity holds seats everywhere).
  A model with private fields (`private_fields`) is viewable only where it is changeable.
- `usable`: for their own records a curator may choose what they may change, and any shared
  record (an organisation for a seat in their area); never another area's person.
- A record that reaches no area yet belongs to the curator who created it (a person added
  before they are given their first seat), so that it stays within their reach.
"""

from django.db.models import Exists, F, OuterRef, Q

from partnerships.models import Area

CHANGE, VIEW, USE = "change", "view", "use"


def curated_area_ids(user):
    """None for a site administrator (no limit); else the ids of the areas user curates, cached
    on the user object.

    A region brings its areas and a county its districts. An area abolished in a
    reorganisation is added only when the curator has every area that replaced it: records
    filed under Cumbria belong to the curators of Cumberland and of Westmorland and Furness
    together, not to either alone.
    """
    if user is None or user.is_superuser:
        return None
    if hasattr(user, "_curated_area_ids"):
        return user._curated_area_ids
    from .models import Curator

    curator = Curator.objects.filter(user=user).first() if user.is_authenticated else None
    ids = set()
    if curator:
        given = Q(curators=curator) | Q(region__curators=curator) | Q(parent__curators=curator)
        ids = set(Area.objects.filter(given).values_list("pk", flat=True))
        successors = Area.replaces.through.objects.values_list("to_area_id", "from_area_id")
        succeeded_by = {}
        for old, new in successors:
            succeeded_by.setdefault(old, set()).add(new)
        ids |= {old for old, new in succeeded_by.items() if new <= ids}
    user._curated_area_ids = ids
    return ids


def is_limited(user):
    """Whether the rule limits user (every curator; not a site administrator)."""
    return curated_area_ids(user) is not None


def area_paths(model):
    """The lookups from model to the areas its records belong to (declared on the model)."""
    return model.area_paths


def is_shared(model):
    return getattr(model, "shared_with_curators", False)


def has_private_fields(model):
    return bool(getattr(model, "private_fields", ()))


# --- The rule, as querysets ------------------------------------------------------------------


def _reaching(model, area_ids):
    """The condition that a record of model reaches one of area_ids (a set of area ids)."""
    paths = area_paths(model)
    return Q.create([_path_reaches(model, path, area_ids, False) for path in paths], Q.OR)


def _reaching_outside(model, area_ids):
    """The condition that a record of model reaches an area not among area_ids, asked of each
    record by itself (NOT EXISTS, never `NOT IN (every record reaching another area)`)."""
    paths = area_paths(model)
    tests = [_path_reaches(model, path, area_ids, True, correlated=True) for path in paths]
    return Q.create(tests, Q.OR)


def _path_reaches(model, path, area_ids, outside, correlated=False):
    """Whether a record of model reaches, through path, one of area_ids (or with outside, an
    area not among them), as one small subquery per step of the path on one table each: a
    person's id IN (the person_id of seats whose body_id IN (the bodies whose partnership_id
    IN (the partnership_id of those areas' rows in partnership_areas))).

    Why per step: asked as one subquery joining every table of the path, a list's query went
    past PostgreSQL's join_collapse_limit (8 tables) and the planner joined the list's tables
    for all 500,000 seats before looking at the curator's areas (2 s for a seat list of 50).
    With correlated, the first step is an EXISTS on the record's own row rather than IN."""
    if path in ("", "pk"):
        return _area_test("pk", area_ids, outside)
    name, _, rest = path.partition("__")
    field = model._meta.get_field(name)
    related = field.related_model
    if field.concrete and (field.many_to_one or field.one_to_one):  # a foreign key
        if not rest:
            return _area_test(field.attname, area_ids, outside)
        reached = _path_reaches(related, rest, area_ids, outside)
        rows = related._base_manager.filter(reached)
        key, own = field.target_field.attname, field.attname
        if not correlated and field.target_field.primary_key:
            return Q(**{f"{own}__in": _ids(related, reached)})
    elif field.one_to_many:  # the other side of a foreign key (a person's seats)
        rows = related._base_manager.filter(_path_reaches(related, rest, area_ids, outside))
        key, own = field.field.attname, field.field.target_field.attname
    elif field.concrete and field.many_to_many:  # through its table (a partnership's areas)
        through = field.remote_field.through
        target = through._meta.get_field(field.m2m_reverse_field_name()).attname
        if rest:
            reached = _path_reaches(related, rest, area_ids, outside)
            test = Q(**{f"{target}__in": _ids(related, reached)})
        else:
            test = _area_test(target, area_ids, outside)
        rows = through._base_manager.filter(test)
        key, own = through._meta.get_field(field.m2m_field_name()).attname, "pk"
    else:  # any other path: joined in one subquery
        rows = model._base_manager.alias(area=F(path)).filter(_area_test("area", area_ids, outside))
        key, own = "pk", "pk"
    if correlated:
        return Exists(rows.filter(**{key: OuterRef(own)}))
    return Q(**{f"{own}__in": rows.order_by().values(key)})


def _ids(model, condition):
    """The ids of model's records that meet condition: its own subquery when it is `pk IN
    (subquery)`, so that no step joins a table only to pass its id on."""
    if not condition.negated and len(condition.children) == 1:
        lookup, value = condition.children[0]
        if lookup == "pk__in":
            return value
    return model._base_manager.filter(condition).order_by().values("pk")


def _area_test(column, area_ids, outside):
    """column holds one of area_ids, or with outside, another area."""
    if outside:
        return ~Q(**{f"{column}__in": area_ids}) & Q(**{f"{column}__isnull": False})
    return Q(**{f"{column}__in": area_ids})


def changeable(queryset, user):
    """The rows of queryset that user may change, publish, delete or erase, and whose private
    fields user may see: every area they belong to is user's (and there is one).

    Asked as: the records that reach one of user's areas, or that user created, and that reach
    no other area. A created record that reaches no area is thus kept, and one that reaches
    only user's areas is kept either way. The database starts from the rows of user's few
    areas (through their indexes) and tests only those records for another area: on the
    400,000 people of the bench, the old `NOT IN (every record reaching another area)` ran its
    subquery again per person (100 s for a seat form's holder choices). The UNION keeps the
    rule one unit of the outer query's plan, whatever that query joins (ALL: IN needs no
    duplicates removed, and a bounded count may stop early).
    """
    area_ids = curated_area_ids(user)
    if area_ids is None:
        return queryset
    model = queryset.model
    rows = model._default_manager.exclude(_reaching_outside(model, area_ids)).order_by()
    mine = rows.filter(_reaching(model, area_ids)).values("pk")
    if hasattr(model, "history"):
        created = model.history.filter(history_type="+", history_user=user).values("id")
        mine = mine.union(rows.filter(pk__in=created).values("pk"), all=True)
    return queryset.filter(pk__in=mine)


def viewable(queryset, user):
    """The rows of queryset whose public fields user may look at (in the admin)."""
    area_ids = curated_area_ids(user)
    model = queryset.model
    if area_ids is None or is_shared(model):
        return queryset
    if has_private_fields(model):
        return changeable(queryset, user)
    return queryset.filter(_reaching(model, area_ids))


def usable(queryset, user):
    """The rows of queryset that user may choose for a record of their own."""
    if curated_area_ids(user) is None or is_shared(queryset.model):
        return queryset
    return changeable(queryset, user)


RULES = {CHANGE: changeable, VIEW: viewable, USE: usable}


def allows(user, action, record):
    """Whether user may do action (CHANGE, VIEW or USE) to one saved record."""
    if curated_area_ids(user) is None:
        return True
    if record is None or record.pk is None:
        return False
    one = type(record)._default_manager.filter(pk=record.pk)
    return RULES[action](one, user).exists()


def may_change(user, record):
    return allows(user, CHANGE, record)


# --- Where a record is, or would be ---


def areas_of(record):
    """The ids of the areas a saved record belongs to (a query per area path)."""
    rows = type(record)._default_manager.filter(pk=record.pk)
    return {
        pk
        for path in area_paths(type(record))
        for pk in rows.values_list(path, flat=True)
        if pk is not None
    }


def areas_reached(model, values):
    """The ids of the areas a record of model would belong to, given its own field values
    (values: {field name: value}, a related record or, for a many-to-many, an iterable of
    them), e.g. a form's cleaned data before it is saved. None when values do not say (the
    path starts with a field that is not in values, such as a person's seats)."""
    found, said = set(), False
    for path in area_paths(model):
        name, _, rest = path.partition("__")
        if name not in values:
            continue
        said = True
        value = values[name]
        if value is None:
            continue
        related = value if _is_many(value) else [value]
        for record in related:
            if not rest:
                found.add(record.pk)
                continue
            rows = type(record)._default_manager.filter(pk=record.pk)
            found |= {pk for pk in rows.values_list(rest, flat=True) if pk is not None}
    return found if said else None


def _is_many(value):
    return not hasattr(value, "_meta") and hasattr(value, "__iter__")


def lands_within(user, model, values):
    """Whether a record of model with these values would be changeable by user once saved:
    every area it would reach is theirs, and it reaches one. True when values do not say."""
    area_ids = curated_area_ids(user)
    if area_ids is None:
        return True
    reached = areas_reached(model, values)
    if reached is None:
        return True
    return bool(reached) and reached <= area_ids
