"""Writes that touch several models: erasing a person, setting up a curator account."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction

from partnerships.models import (
    Area,
    Organisation,
    Region,
    curated_models,
)

from . import rules
from .erasure import Erasure
from .models import Correction, Curator


@transaction.atomic
def person_erase(*, person, user):
    """Erase a person at their request, leaving their seats in place without a name.

    Afterwards no table holds their name, email or phone (curation.erasure says where it
    looks): the Person and every historical version of them are deleted; their seats keep
    their body, sector, organisation, role and dates with person empty (public pages say
    "Name removed at the person's request"); reports about them are redacted; the admin log,
    history change reasons and other reports stop naming them; waiting import files are
    deleted and the page cache emptied. The erasure is logged, without the name, in the admin
    log and in each seat's history. Returns the number of seats kept.

    Only who may change the person may erase them (curation.rules).
    """
    if not rules.may_change(user, person):
        raise PermissionDenied("This person is outside the areas you curate.")
    return Erasure(person, user).remove()


# --- Curator accounts ----------------------------------------------------------------------

CURATORS_GROUP = "Curators"
REFERENCE_MODELS = [Region, Area]
CRUD = ["add", "change", "delete", "view"]


def curators_group_ensure():
    """The "Curators" group: add, change, delete and view the curated records, view the
    reference data. Which records is the Curator row's business (its areas and regions)."""
    group, _ = Group.objects.get_or_create(name=CURATORS_GROUP)
    wanted = [(model, action) for model in curated_models() for action in CRUD]
    wanted += [(model, "view") for model in REFERENCE_MODELS]
    # The corrections queue: curators read reports about their areas and mark them handled.
    wanted += [(Correction, "view"), (Correction, "change")]
    permissions = []
    for model, action in wanted:
        content_type = ContentType.objects.get_for_model(model)
        permissions.append(
            Permission.objects.get(
                content_type=content_type, codename=f"{action}_{model._meta.model_name}"
            )
        )
    group.permissions.add(*permissions)
    return group


@transaction.atomic
def curator_setup(*, username, area_codes=(), region_slugs=(), organisation_slug=None):
    """Make username a curator of the given areas and regions, creating the account if need
    be (without a password: set one with `manage.py changepassword`). Adds to, never removes
    from, an existing curator's areas. Returns (curator, user_created)."""
    areas = list(Area.objects.filter(gss_code__in=area_codes))
    missing = set(area_codes) - {area.gss_code for area in areas}
    regions = list(Region.objects.filter(slug__in=region_slugs))
    missing |= set(region_slugs) - {region.slug for region in regions}
    if missing:
        raise ValueError(f"No such area or region: {', '.join(sorted(missing))}")
    organisation = None
    if organisation_slug:
        organisation = Organisation.objects.filter(slug=organisation_slug).first()
        if organisation is None:
            raise ValueError(f"No such organisation: {organisation_slug}")

    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
    user.is_staff = True
    user.save()
    user.groups.add(curators_group_ensure())

    curator, _ = Curator.objects.get_or_create(user=user)
    if organisation is not None:
        curator.organisation = organisation
        curator.save()
    curator.areas.add(*areas)
    curator.regions.add(*regions)
    return curator, created
