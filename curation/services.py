"""Writes that touch several models: erasing a person, setting up a curator account."""

from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction

from partnerships.models import (
    Area,
    Organisation,
    Person,
    Region,
    Seat,
    curated_models,
)

from . import rules
from .models import Correction, Curator

ERASED = "Erased person"
ERASURE_REASON = "The person holding this seat was erased at their request."


@transaction.atomic
def person_erase(*, person, user):
    """Erase a person at their request, leaving their seats in place without a name.

    Deletes the Person (their seats keep their body, sector, organisation, role and dates,
    with person empty, and public pages say "Name removed at the person's request"), and
    every historical version of them, so their name, email and phone are gone from history
    too. Older versions of their seats, the admin log and public reports about them stop
    naming or pointing to them. The erasure is logged, without the name, in the admin log
    and in each seat's history. Returns the number of seats kept.

    A curator may erase only a person in scope (one holding a seat in its areas).
    """
    if not rules.may_change(user, person):
        raise PermissionDenied("This person is outside the areas you curate.")

    pk = person.pk
    seats = list(Seat.objects.filter(person_id=pk).select_related("body__partnership"))
    ever_held = set(Seat.history.filter(person_id=pk).values_list("id", flat=True))

    person.delete()  # seats: person set to NULL; simple-history writes a last version ...
    Person.history.filter(id=pk).delete()  # ... which goes with all the others
    Seat.history.filter(person_id=pk).update(person_id=None)

    for seat in seats:
        seat.person = None
    Seat.history.bulk_history_create(
        seats, update=True, default_user=user, default_change_reason=ERASURE_REASON
    )

    forget_in_admin_log(pk, seats, ever_held | {seat.pk for seat in seats})
    Correction.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_id=pk
    ).update(record_label=ERASED, message="(Removed with the person's record at their request.)")

    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(pk),
        object_repr=ERASED,
        action_flag=DELETION,
        change_message=(
            f"Erased at the person's request: name, contact details and history deleted; "
            f"{len(seats)} seat(s) kept without a name."
        ),
    )
    return len(seats)


def forget_in_admin_log(person_pk, seats, seat_ids):
    """The admin log names a person in its entries for them and for their seats: stop it."""
    log = LogEntry.objects.all()
    person_type = ContentType.objects.get_for_model(Person)
    seat_type = ContentType.objects.get_for_model(Seat)
    log.filter(content_type=person_type, object_id=str(person_pk)).update(object_repr=ERASED)
    labels = {seat.pk: f"{seat.holder_name} on {seat.body}"[:200] for seat in seats}
    for seat_id in seat_ids:
        label = labels.get(seat_id, "Seat of an erased person")
        log.filter(content_type=seat_type, object_id=str(seat_id)).update(object_repr=label)


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
