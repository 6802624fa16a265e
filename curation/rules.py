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

from django.db.models import Q

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
    """The records of model that reach one of area_ids (a queryset of area ids or a set)."""
    condition = Q.create([(f"{path}__in", area_ids) for path in area_paths(model)], connector=Q.OR)
    return model._default_manager.filter(condition).values("pk")


def _placed(model):
    """The records of model that reach any area at all."""
    condition = Q.create([(f"{path}__isnull", False) for path in area_paths(model)], connector=Q.OR)
    return model._default_manager.filter(condition).values("pk")


def _created_unplaced(model, user):
    """Records of model that reach no area and that user created (their first history row)."""
    if not hasattr(model, "history"):
        return model._default_manager.none().values("pk")
    created = model.history.filter(history_type="+", history_user=user).values("id")
    return model._default_manager.filter(pk__in=created).exclude(pk__in=_placed(model)).values("pk")


def changeable(queryset, user):
    """The rows of queryset that user may change, publish, delete or erase, and whose private
    fields user may see: every area they belong to is user's (and there is one)."""
    area_ids = curated_area_ids(user)
    if area_ids is None:
        return queryset
    model = queryset.model
    outside = Area.objects.exclude(pk__in=area_ids).values("pk")
    wholly = Q(pk__in=_reaching(model, area_ids)) & ~Q(pk__in=_reaching(model, outside))
    return queryset.filter(wholly | Q(pk__in=_created_unplaced(model, user)))


def viewable(queryset, user):
    """The rows of queryset whose public fields user may look at (in the admin)."""
    area_ids = curated_area_ids(user)
    model = queryset.model
    if area_ids is None or is_shared(model):
        return queryset
    if has_private_fields(model):
        return changeable(queryset, user)
    return queryset.filter(pk__in=_reaching(model, area_ids))


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
