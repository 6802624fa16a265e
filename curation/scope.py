"""Which records a curator may see and change: those in the areas it curates.

`curated_area_ids(user)` is None for a site administrator (no limit), otherwise the set of
area ids the user curates. `within(queryset, area_ids)` limits any curated queryset to them.
"""

from django.db.models import Q

from partnerships.models import Area

# How each model reaches the areas it belongs to.
AREA_PATHS = {
    "partnerships.partnership": ["areas"],
    "partnerships.body": ["partnership__areas"],
    "partnerships.seat": ["body__partnership__areas"],
    "partnerships.document": ["partnership__areas", "organisation__areas"],
    "partnerships.organisation": ["areas"],
    "partnerships.person": ["seats__body__partnership__areas"],
    "networks.network": ["areas", "region__areas"],
    "curation.correction": ["areas"],
}


def curated_area_ids(user):
    """None for a superuser; else the ids of the areas the user curates, cached on the user.

    A region covers its areas, a county its districts, and a reorganised area both the areas
    it replaced and those that replaced it, so records filed under older areas stay in reach.
    """
    if user.is_superuser:
        return None
    if hasattr(user, "_curated_area_ids"):
        return user._curated_area_ids
    from .models import Curator

    curator = Curator.objects.filter(user=user).first() if user.is_authenticated else None
    ids = set()
    if curator:
        direct = Area.objects.filter(Q(curators=curator) | Q(region__curators=curator))
        ids = set(direct.values_list("pk", flat=True))
        related = Area.objects.filter(
            Q(parent__in=ids) | Q(replaced_by__in=ids) | Q(replaces__in=ids)
        )
        ids |= set(related.values_list("pk", flat=True))
    user._curated_area_ids = ids
    return ids


def area_paths(model):
    return AREA_PATHS[model._meta.label_lower]


def within(queryset, area_ids):
    """The rows of queryset that belong to one of area_ids (all rows when area_ids is None)."""
    if area_ids is None:
        return queryset
    condition = Q()
    for path in area_paths(queryset.model):
        condition |= Q(**{f"{path}__in": area_ids})
    in_scope = queryset.model._default_manager.filter(condition).values("pk")
    return queryset.filter(pk__in=in_scope)


def may_curate(user, record):
    """Whether user may change this saved record."""
    area_ids = curated_area_ids(user)
    if area_ids is None:
        return True
    return within(type(record)._default_manager.filter(pk=record.pk), area_ids).exists()
