"""The curator admin for partnerships, their bodies, seats, people, organisations and documents.

The shared pieces (curator scope, the "Mark verified today" action, the "needs checking"
filter, the region filter and the base admin for curated records) live here;
networks/admin.py imports them.

Curator scope is enforced on the server, in CuratedAdmin, for every admin URL:
- lists, change, delete, history and revert pages and autocomplete read `get_queryset`,
  which holds only the records of the curator's areas (`scoped`), so another area's record
  behaves as missing;
- form choices (areas, partnership, body, person, region) offer only records in scope, so a
  raw POST with another area's id fails validation, and `CuratedForm.clean` refuses a record
  that would not land in the curator's areas after saving;
- actions run only on the selected records the curator may change.
Site administrators (superusers) are not limited.

Every changelist runs a fixed number of queries whatever the row count: counts are annotated in
get_queryset, foreign keys shown in a list are in list_select_related, and many-to-many columns
are prefetched.
"""

import functools

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import model_ngettext, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import Count, F, Prefetch, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import bulk_update_with_history

from curation.scope import AREA_PATHS, curated_area_ids, within

from .choices import DocumentKind
from .managers import stale_before
from .models import (
    Area,
    Body,
    Curated,
    Document,
    Organisation,
    Partnership,
    Person,
    Place,
    Region,
    Seat,
)

NEEDS_CHECKING = "needs_checking"

# --- Curator scope -------------------------------------------------------------------------


def scoped(queryset, user):
    """The rows of queryset that user may curate (all of them for a site administrator).

    A record belongs to the areas it reaches through `curation.scope.AREA_PATHS`. Two kinds
    of record are shared, and have their own rule:
    - an organisation with no areas (a national charity holds seats everywhere) may be
      changed by any curator; one with areas, by the curators of one of them;
    - a person is in scope while they hold a seat (current or past) in scope; a person who
      holds no seat at all is in scope only for the user who added them, so someone just
      added stays reachable until they are given a seat, and nobody else sees their contact
      details.
    Regions are in scope when the user curates every area in them; areas, when curated.
    """
    area_ids = curated_area_ids(user)
    if area_ids is None:
        return queryset
    model = queryset.model
    if model is Area:
        return queryset.filter(pk__in=area_ids)
    if model is Region:
        elsewhere = Area.objects.exclude(pk__in=area_ids).values("region")
        return queryset.exclude(pk__in=elsewhere)
    if model is Organisation:
        in_areas = within(Organisation.objects.all(), area_ids).values("pk")
        no_areas = Organisation.objects.filter(areas__isnull=True).values("pk")
        return queryset.filter(Q(pk__in=in_areas) | Q(pk__in=no_areas))
    if model is Person:
        with_seat_in_scope = within(Person.objects.all(), area_ids).values("pk")
        added_by_user = Person.history.filter(history_type="+", history_user=user).values("id")
        seatless = Person.objects.filter(seats__isnull=True, pk__in=added_by_user).values("pk")
        return queryset.filter(Q(pk__in=with_seat_in_scope) | Q(pk__in=seatless))
    return within(queryset, area_ids)


def wholly_scoped(queryset, user):
    """The rows of queryset in scope that reach no area outside it: what user may delete.

    A partnership covering two curators' areas is theirs to change, but neither may delete
    it (or, likewise, a person holding seats in both) from under the other.
    """
    area_ids = curated_area_ids(user)
    if area_ids is None:
        return queryset
    queryset = scoped(queryset, user)
    if queryset.model._meta.label_lower not in AREA_PATHS:
        return queryset
    outside = Area.objects.exclude(pk__in=area_ids).values("pk")
    reaching_outside = within(queryset.model._default_manager.all(), outside).values("pk")
    return queryset.exclude(pk__in=reaching_outside)


def is_scoped(model):
    """Whether a curator's choices of model are limited (organisations are shared)."""
    return model in {Area, Region} or (
        model is not Organisation and model._meta.label_lower in AREA_PATHS
    )


def scoped_choices(model, user):
    """The records of model user may pick in a form, or None when the choice is not limited."""
    if curated_area_ids(user) is None or not is_scoped(model):
        return None
    return scoped(model._default_manager.all(), user)


def is_autocomplete(request):
    return getattr(request.resolver_match, "url_name", None) == "autocomplete"


def limit_choices(db_field, request, kwargs):
    """Offer a curator only the records in scope for a foreign key or many-to-many field."""
    if "queryset" not in kwargs:
        queryset = scoped_choices(db_field.related_model, request.user)
        if queryset is not None:
            kwargs["queryset"] = queryset


class CuratedForm(forms.ModelForm):
    """A curated record's admin form: for a curator, keeps the record in the curator's areas.

    CuratedAdmin.get_form sets the class attributes per request (each get_form call makes a
    new class). A value the record already has stays valid even where it is outside scope
    (a partnership shared with a neighbour keeps the neighbour's area), but a curator cannot
    add or remove an area, or change a region, that is not theirs, and the record must land
    in one of the curator's areas (an organisation may instead have no areas at all).
    """

    user = None
    area_ids = None  # None: a site administrator, not limited
    allow_no_areas = False
    history_record = None  # the version a revert page starts from

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.history_record is not None and not self.is_bound:
            self.restore_many_to_many(self.history_record)
        if self.area_ids is not None and self.instance.pk is not None:
            self.keep_current_choices()

    def restore_many_to_many(self, record):
        """Start a revert page from the version's many-to-many values too."""
        for field in getattr(record, "_history_m2m_fields", []):
            if field.name in self.fields:
                related = field.m2m_reverse_field_name()
                rows = getattr(record, field.name).values_list(f"{related}_id", flat=True)
                self.initial[field.name] = list(rows)

    def keep_current_choices(self):
        for name, field in self.fields.items():
            if not isinstance(field, forms.ModelChoiceField) or not is_scoped(field.queryset.model):
                continue
            model_field = self.instance._meta.get_field(name)
            if model_field.many_to_many:
                current = getattr(self.instance, name).values("pk")
            else:
                current = [getattr(self.instance, model_field.attname)]
            field.queryset = field.queryset | field.queryset.model._default_manager.filter(
                pk__in=current
            )
            if hasattr(field.widget, "widget"):  # the admin's related-field wrapper
                field.widget.widget.choices = field.choices

    def clean(self):
        cleaned_data = super().clean()
        if self.area_ids is None:
            return cleaned_data
        self.check_area_changes(cleaned_data)
        self.check_region_change(cleaned_data)
        if not self.errors and not self.lands_in_scope(cleaned_data):
            raise ValidationError(
                "This record must belong to one of the areas you curate.", code="out_of_scope"
            )
        return cleaned_data

    def check_area_changes(self, cleaned_data):
        if "areas" not in self.fields or "areas" not in cleaned_data:
            return
        before = set()
        if self.instance.pk is not None:
            before = set(self.instance.areas.values_list("pk", flat=True))
        after = {area.pk for area in cleaned_data["areas"]}
        not_yours = (before ^ after) - self.area_ids
        if not_yours:
            names = ", ".join(Area.objects.filter(pk__in=not_yours).values_list("name", flat=True))
            self.add_error("areas", f"You can add or remove only areas you curate, not: {names}.")

    def check_region_change(self, cleaned_data):
        if "region" not in self.fields or "region" not in cleaned_data:
            return
        before = getattr(self.instance, "region_id", None)
        after = cleaned_data["region"].pk if cleaned_data["region"] else None
        if before and before != after and not scoped(Region.objects.filter(pk=before), self.user):
            self.add_error("region", "You cannot change a region you do not curate.")

    def lands_in_scope(self, cleaned_data):
        """Whether the record, once saved, reaches one of the curator's areas."""
        placed = False
        for area_path in AREA_PATHS.get(self._meta.model._meta.label_lower, []):
            name, _, rest = area_path.partition("__")
            if name not in self.fields:
                continue
            placed = True
            value = cleaned_data.get(name)
            if not rest:  # a many-to-many to Area
                areas = {area.pk for area in value or []}
                if areas & self.area_ids or (self.allow_no_areas and not areas):
                    return True
            elif value is not None:
                related = type(value)._default_manager.filter(pk=value.pk)
                if related.filter(**{f"{rest}__in": self.area_ids}).exists():
                    return True
        return not placed


def limited_to_changeable(action):
    """Run an admin action only on the selected records the user may change."""

    @functools.wraps(action)
    def run(modeladmin, request, queryset):
        changeable = scoped(queryset, request.user)
        skipped = queryset.count() - changeable.count()
        if skipped:
            modeladmin.message_user(
                request,
                f"{skipped} selected {model_ngettext(modeladmin.opts, skipped)} outside your "
                "areas left unchanged.",
                messages.WARNING,
            )
        return action(modeladmin, request, changeable)

    return run


class ScopedInline:
    """An inline that lists, and offers in its choices, only records in the user's scope."""

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        limit_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- Shared pieces -------------------------------------------------------------------------

VERIFIED_REASON = "Marked verified today"


@admin.action(description="Mark verified today", permissions=["change"])
def mark_verified_today(modeladmin, request, queryset):
    """Set last_verified_on to today and verified_by to the curator, with history and a log."""
    objects = list(queryset)  # list_select_related gives their names for the log
    today = timezone.localdate()
    for obj in objects:
        obj.last_verified_on = today
        obj.verified_by = request.user
        obj._history_user = request.user
        obj._change_reason = VERIFIED_REASON
    fields = ["last_verified_on", "verified_by"]
    with transaction.atomic(using=router.db_for_write(modeladmin.model)):
        if modeladmin.model.history.model._history_m2m_fields:
            # A bulk history row would miss the many-to-many values (the areas) it tracks.
            for obj in objects:
                obj.save(update_fields=fields)
        else:
            bulk_update_with_history(
                objects,
                modeladmin.model,
                fields,
                default_user=request.user,
                default_change_reason=VERIFIED_REASON,
            )
        if objects:
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=objects,
                action_flag=CHANGE,
                change_message=[{"changed": {"fields": ["Last verified on", "Verified by"]}}],
            )
    count = len(objects)
    modeladmin.message_user(
        request,
        f"Marked {count} {model_ngettext(modeladmin.opts, count)} as verified today "
        f"({date_format(today)}).",
    )


def stale(queryset):
    """The records of queryset that need checking."""
    return queryset.stale()


class NeedsCheckingFilter(admin.SimpleListFilter):
    """Never verified, or verified longer ago than STALE_AFTER_MONTHS."""

    title = "needs checking"
    parameter_name = NEEDS_CHECKING

    def lookups(self, request, model_admin):
        return [
            ("yes", "Needs checking (stale)"),
            ("no", "Recently verified"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return stale(queryset)
        if self.value() == "no":
            return queryset.filter(last_verified_on__gte=stale_before())
        return queryset


def region_filter(*paths):
    """A list filter by region, following each path (through M2M too) from the model.

    It filters with a pk__in subquery, so a record reached through several areas shows once
    and annotated counts are not multiplied by the join.
    """

    class RegionFilter(admin.SimpleListFilter):
        title = "region"
        parameter_name = "region"

        def lookups(self, request, model_admin):
            return list(Region.objects.values_list("slug", "name"))

        def queryset(self, request, queryset):
            if not self.value():
                return queryset
            in_region = Q.create(
                [(f"{path}__slug", self.value()) for path in paths], connector=Q.OR
            )
            matching = queryset.model._default_manager.filter(in_region)
            return queryset.filter(pk__in=matching.values("pk"))

    return RegionFilter


def region_names(areas):
    """The distinct region names of prefetched areas, for a list column."""
    return ", ".join(sorted({area.region.name for area in areas})) or "-"


def prefetch_areas():
    """Areas with their regions, in two queries for a whole page."""
    return Prefetch("areas", queryset=Area.objects.select_related("region"))


class RegionsColumn:
    """A list column naming the regions of a record's areas, fetched once for the page."""

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(prefetch_areas())

    @admin.display(description="region")
    def regions(self, obj):
        return region_names(obj.areas.all())


# Web addresses typed without a scheme are taken as https (Django 6's default).
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}

VERIFICATION_FIELDSET = (
    "Verification",
    {
        "fields": ("last_verified_on", "verified_by", "is_demo"),
        "description": (
            "Set 'last verified on' when you have confirmed this record is right; the "
            "curator is recorded for you. Records not verified for "
            f"{settings.STALE_AFTER_MONTHS} months are listed under 'needs checking'."
        ),
    },
)


def record_verifier(request, form):
    """A curator who sets a new verification date on a form becomes its verifier."""
    if (
        isinstance(form.instance, Curated)
        and "last_verified_on" in form.changed_data
        and form.instance.last_verified_on
    ):
        form.instance.verified_by = request.user


class CuratedAdmin(SimpleHistoryAdmin):
    """Base admin for records curators keep true (models that inherit Curated).

    It keeps every change in the record's history (django-simple-history: who, when, what
    changed, with restore), and limits a curator to the records of its areas (see the
    module's docstring). `curators_see_all` lets curators view, but not change, records
    outside their areas (organisations are shared).
    """

    form = CuratedForm
    actions = [mark_verified_today]
    readonly_fields = ("verified_by",)
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_per_page = 50
    curators_see_all = False
    allow_no_areas = False

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), NeedsCheckingFilter, "is_demo"]

    def get_ordering(self, request):
        """Oldest-verified (never verified first) when a curator looks at what needs checking."""
        ordering = list(super().get_ordering(request) or self.model._meta.ordering or [])
        if request.GET.get(NEEDS_CHECKING) == "yes":
            return [F("last_verified_on").asc(nulls_first=True), *ordering]
        return ordering

    def get_queryset(self, request):
        # Django leaves Meta.ordering out of queries that group rows for an annotated
        # count; state it, so autocomplete and actions page through a stable order.
        queryset = super().get_queryset(request).order_by(*self.model._meta.ordering)
        if self.curators_see_all:
            return queryset
        return scoped(queryset, request.user)

    # Permissions on one record: in scope to change, wholly in scope to delete.

    def in_scope(self, request, obj, rule):
        """Whether obj passes rule (scoped or wholly_scoped) for the user; once a request."""
        if obj is None or obj.pk is None or curated_area_ids(request.user) is None:
            return True
        cache = request.__dict__.setdefault("_curator_scope", {})
        key = (self.opts.label_lower, obj.pk, rule.__name__)
        if key not in cache:
            cache[key] = rule(self.model._default_manager.filter(pk=obj.pk), request.user).exists()
        return cache[key]

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            self.curators_see_all or self.in_scope(request, obj, scoped)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.in_scope(request, obj, scoped)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.in_scope(
            request, obj, wholly_scoped
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if curated_area_ids(request.user) is None:
            return actions
        return {
            name: (limited_to_changeable(func), name, description)
            for name, (func, _, description) in actions.items()
        }

    # Forms: choices in scope, and records that land in scope.

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        form.area_ids = curated_area_ids(request.user)
        form.allow_no_areas = self.allow_no_areas
        version_id = getattr(request, "_history_version_id", None)
        if version_id is not None and obj is not None:
            form.history_record = self.model.history.filter(
                pk=version_id, **{self.opts.pk.attname: obj.pk}
            ).first()
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        limit_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        limit_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        record_verifier(request, form)
        restored = getattr(form, "history_record", None)
        if restored is not None:
            when = date_format(timezone.localtime(restored.history_date), "DATETIME_FORMAT")
            obj._change_reason = f"Restored the version of {when}"
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            record_verifier(request, inline_form)
        super().save_formset(request, form, formset, change)

    # History: the list and revert pages of a record out of scope behave as missing.

    def history_view(self, request, object_id, extra_context=None):
        if curated_area_ids(request.user) is not None:
            if self.get_object(request, unquote(object_id)) is None:
                return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if curated_area_ids(request.user) is not None:
            obj = self.get_object(request, unquote(object_id))
            if obj is None:
                return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
            if request.method == "POST" and not self.has_change_permission(request, obj):
                raise PermissionDenied
        request._history_version_id = version_id
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)


class ReferenceDataAdmin(admin.ModelAdmin):
    """Loaded from the ONS lookup by `manage.py load_areas`: view and search only.

    Everyone may list them; autocomplete (picking an area or region for a record) offers a
    curator only those it curates.
    """

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_autocomplete(request):
            return scoped(queryset, request.user)
        return queryset

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Reference data ------------------------------------------------------------------------


@admin.register(Region)
class RegionAdmin(ReferenceDataAdmin):
    list_display = ["name", "code", "area_count"]
    search_fields = ["name", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("name").annotate(area_count=Count("areas"))

    @admin.display(description="areas", ordering="area_count")
    def area_count(self, obj):
        return obj.area_count


@admin.register(Area)
class AreaAdmin(ReferenceDataAdmin):
    list_display = ["name", "gss_code", "kind", "region", "parent", "is_current"]
    list_filter = ["region", "kind", "is_current"]
    list_select_related = ["region", "parent"]
    search_fields = ["name", "gss_code"]


@admin.register(Place)
class PlaceAdmin(ReferenceDataAdmin):
    """Towns and villages that search maps to their council area (`manage.py load_places`)."""

    list_display = ["name", "area", "population"]
    list_filter = [("area__region", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["area"]
    search_fields = ["name", "area__name"]


# --- Partnerships and their bodies ---------------------------------------------------------


class BodyInline(ScopedInline, admin.TabularInline):
    model = Body
    fk_name = "partnership"
    fields = ["kind", "theme", "name", "feeds_into", "last_verified_on"]
    autocomplete_fields = ["feeds_into"]
    show_change_link = True
    extra = 0


class PartnershipDocumentInline(ScopedInline, admin.TabularInline):
    """A partnership's strategies and agreements (a Gender Equality Scheme has an organisation)."""

    model = Document
    fk_name = "partnership"
    fields = ["kind", "title", "start_year", "end_year", "url", "last_verified_on"]
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    show_change_link = True
    extra = 0

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            kwargs["choices"] = [
                (kind.value, kind.label) for kind in (DocumentKind.SCS, DocumentKind.LAA)
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Partnership)
class PartnershipAdmin(RegionsColumn, CuratedAdmin):
    list_display = [
        "name",
        "regions",
        "has_womens_forum",
        "body_count",
        "last_verified_on",
        "is_demo",
    ]
    list_filter = [region_filter("areas__region"), "has_womens_forum"]
    search_fields = ["name", "slug", "areas__name", "areas__gss_code"]
    autocomplete_fields = ["areas"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BodyInline, PartnershipDocumentInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "areas", "description", "has_womens_forum"]}),
        ("Contact", {"fields": ["website", "contact_email", "contact_phone"]}),
        VERIFICATION_FIELDSET,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(body_count=Count("bodies", distinct=True))

    @admin.display(description="bodies", ordering="body_count")
    def body_count(self, obj):
        return obj.body_count


class SeatInline(ScopedInline, admin.TabularInline):
    model = Seat
    fields = [
        "person",
        "sector",
        "organisation",
        "role",
        "selection",
        "start_date",
        "end_date",
        "last_verified_on",
    ]
    autocomplete_fields = ["person", "organisation"]
    show_change_link = True
    extra = 0


@admin.register(Body)
class BodyAdmin(CuratedAdmin):
    list_display = [
        "name",
        "partnership",
        "kind",
        "theme",
        "feeds_into",
        "seat_count",
        "last_verified_on",
    ]
    list_filter = [region_filter("partnership__areas__region"), "kind", "theme"]
    list_select_related = ["partnership", "feeds_into__partnership"]
    search_fields = ["name", "partnership__name"]
    autocomplete_fields = ["partnership", "feeds_into"]
    inlines = [SeatInline]
    fieldsets = [
        (None, {"fields": ["partnership", "kind", "theme", "name", "feeds_into"]}),
        VERIFICATION_FIELDSET,
    ]

    def get_queryset(self, request):
        # Selected here too, not only for the list: a body's name in autocomplete
        # results carries its partnership's.
        return (
            super()
            .get_queryset(request)
            .select_related(*self.list_select_related)
            .annotate(seat_count=Count("seats", distinct=True))
        )

    @admin.display(description="seats", ordering="seat_count")
    def seat_count(self, obj):
        return obj.seat_count


# --- Organisations, people and seats -------------------------------------------------------


@admin.register(Organisation)
class OrganisationAdmin(RegionsColumn, CuratedAdmin):
    """Organisations are shared across areas (a national charity holds seats everywhere):
    curators see them all and may add new ones, and change those with an area they curate
    or with no areas at all."""

    curators_see_all = True
    allow_no_areas = True
    list_display = [
        "name",
        "kind",
        "infrastructure_type",
        "is_womens_organisation",
        "regions",
        "seat_count",
        "last_verified_on",
    ]
    list_filter = [
        region_filter("areas__region"),
        "kind",
        "infrastructure_type",
        "is_womens_organisation",
    ]
    search_fields = ["name", "slug", "charity_number", "email"]
    autocomplete_fields = ["areas"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "kind",
                    "infrastructure_type",
                    "is_womens_organisation",
                    "areas",
                    "charity_number",
                ]
            },
        ),
        ("Contact", {"fields": ["website", "email", "phone"]}),
        VERIFICATION_FIELDSET,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(seat_count=Count("seats", distinct=True))

    @admin.display(description="seats", ordering="seat_count")
    def seat_count(self, obj):
        return obj.seat_count


class PersonSeatInline(SeatInline):
    """The seats a person holds, edited from the person's page."""

    fields = [
        "body",
        "sector",
        "organisation",
        "role",
        "selection",
        "start_date",
        "end_date",
        "last_verified_on",
    ]
    autocomplete_fields = ["body", "organisation"]


@admin.register(Person)
class PersonAdmin(CuratedAdmin):
    list_display = [
        "name",
        "email",
        "publish_contact",
        "consent_given_on",
        "seat_count",
        "last_verified_on",
    ]
    list_filter = [region_filter("seats__body__partnership__areas__region"), "publish_contact"]
    search_fields = ["name", "email", "seats__organisation__name"]
    inlines = [PersonSeatInline]
    fieldsets = [
        (None, {"fields": ["name"]}),
        (
            "Contact details and consent",
            {
                "fields": [
                    "email",
                    "phone",
                    "publish_contact",
                    "consent_given_on",
                    "consent_method",
                ],
                "description": (
                    "Email and phone go public only when the person has consented and "
                    "'publish contact' is ticked; without it, only their name and "
                    "organisation show. Record when and how they agreed."
                ),
            },
        ),
        VERIFICATION_FIELDSET,
    ]

    actions = [mark_verified_today, "erase_people"]
    erase_template = "admin/partnerships/person/erase_confirmation.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(seat_count=Count("seats", distinct=True))

    @admin.display(description="seats", ordering="seat_count")
    def seat_count(self, obj):
        return obj.seat_count

    # Erasure at the person's request (curation.services.person_erase).

    def has_erase_permission(self, request, obj=None):
        """Who may delete people may erase one in scope, even one who also sits elsewhere:
        the person's request covers every area."""
        return super(CuratedAdmin, self).has_delete_permission(request, obj) and self.in_scope(
            request, obj, scoped
        )

    def get_urls(self):
        erase = path(
            "<path:object_id>/erase/",
            self.admin_site.admin_view(self.erase_view),
            name="partnerships_person_erase",
        )
        return [erase, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            "has_erase_permission": self.has_erase_permission(request),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def erase_view(self, request, object_id):
        """Confirm, then erase one person: the "Erase this person" button of the change page."""
        person = self.get_object(request, unquote(object_id))
        if person is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_erase_permission(request, person):
            raise PermissionDenied
        if request.method == "POST":
            self.erase(request, [person])
            return HttpResponseRedirect(reverse("admin:partnerships_person_changelist"))
        return self.erase_confirmation(request, [person], action=False)

    @admin.action(description="Erase selected people at their request", permissions=["erase"])
    def erase_people(self, request, queryset):
        """Confirm, then erase the selected people."""
        people = list(queryset)
        if request.POST.get("post") == "yes":
            self.erase(request, people)
            return None
        return self.erase_confirmation(request, people, action=True)

    def erase(self, request, people):
        from curation.services import person_erase

        for person in people:
            person_erase(person=person, user=request.user)
        count = len(people)
        self.message_user(
            request,
            f"Erased {count} {model_ngettext(self.opts, count)}: their names, contact details "
            "and history are gone; their seats remain without a name.",
        )

    def erase_confirmation(self, request, people, *, action):
        context = {
            **self.admin_site.each_context(request),
            "title": "Erase at the person's request?",
            "opts": self.opts,
            "people": people,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "seat_count": sum(person.seat_count for person in people),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.erase_template, context)


class CurrentSeatFilter(admin.SimpleListFilter):
    title = "current or past"
    parameter_name = "held"

    def lookups(self, request, model_admin):
        return [("current", "Current"), ("past", "Past")]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.current()
        if self.value() == "past":
            return queryset.past()
        return queryset


@admin.register(Seat)
class SeatAdmin(CuratedAdmin):
    list_display = [
        "person",
        "body",
        "partnership",
        "sector",
        "organisation",
        "womens_organisation",
        "role",
        "start_date",
        "end_date",
        "is_current",
        "last_verified_on",
    ]
    list_filter = [
        region_filter("body__partnership__areas__region"),
        "sector",
        CurrentSeatFilter,
        "organisation__is_womens_organisation",
        "body__kind",
        "selection",
    ]
    list_select_related = ["person", "body__partnership", "organisation"]
    search_fields = ["person__name", "organisation__name", "body__name", "body__partnership__name"]
    autocomplete_fields = ["person", "body", "organisation"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "person",
                    "body",
                    "sector",
                    "organisation",
                    "role",
                    "selection",
                    "start_date",
                    "end_date",
                ]
            },
        ),
        VERIFICATION_FIELDSET,
    ]

    @admin.display(description="partnership", ordering="body__partnership__name")
    def partnership(self, obj):
        return obj.body.partnership

    @admin.display(
        description="women's org", boolean=True, ordering="organisation__is_womens_organisation"
    )
    def womens_organisation(self, obj):
        return bool(obj.organisation and obj.organisation.is_womens_organisation)

    @admin.display(description="current?", boolean=True)
    def is_current(self, obj):
        today = timezone.localdate()
        started = obj.start_date is None or obj.start_date <= today
        not_ended = obj.end_date is None or obj.end_date >= today
        return started and not_ended


# --- Documents -----------------------------------------------------------------------------


@admin.register(Document)
class DocumentAdmin(CuratedAdmin):
    list_display = ["title", "kind", "owner", "period", "url", "last_verified_on"]
    list_filter = [
        region_filter("partnership__areas__region", "organisation__areas__region"),
        "kind",
    ]
    list_select_related = ["partnership", "organisation"]
    search_fields = ["title", "partnership__name", "organisation__name", "priorities"]
    autocomplete_fields = ["partnership", "organisation"]
    fieldsets = [
        (
            None,
            {
                "fields": ["kind", "title", "partnership", "organisation"],
                "description": (
                    "A Sustainable Community Strategy or Local Area Agreement belongs to a "
                    "partnership; a Gender Equality Scheme to a council, health body or police."
                ),
            },
        ),
        (None, {"fields": ["start_year", "end_year", "url", "priorities"]}),
        VERIFICATION_FIELDSET,
    ]

    @admin.display(description="owner")
    def owner(self, obj):
        return obj.partnership or obj.organisation

    @admin.display(description="period", ordering="start_year")
    def period(self, obj):
        return obj.period or "-"
