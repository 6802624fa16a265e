"""The curator admin for partnerships, their bodies, seats, people, organisations and documents.

The shared pieces (the "Mark verified today" action, the "needs checking" filter, the region
filter and the base admin for curated records) live here; networks/admin.py imports them.

Every changelist runs a fixed number of queries whatever the row count: counts are annotated in
get_queryset, foreign keys shown in a list are in list_select_related, and many-to-many columns
are prefetched.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import model_ngettext
from django.db import models
from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone
from django.utils.formats import date_format

from .choices import DocumentKind
from .managers import stale_before
from .models import Area, Body, Curated, Document, Organisation, Partnership, Person, Region, Seat

NEEDS_CHECKING = "needs_checking"

# --- Shared pieces -------------------------------------------------------------------------


@admin.action(description="Mark verified today", permissions=["change"])
def mark_verified_today(modeladmin, request, queryset):
    """Set last_verified_on to today and verified_by to the curator, and log it."""
    objects = list(queryset)  # for the history; list_select_related gives their names
    today = timezone.localdate()
    count = queryset.update(last_verified_on=today, verified_by=request.user)
    if objects:
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=objects,
            action_flag=CHANGE,
            change_message=[{"changed": {"fields": ["Last verified on", "Verified by"]}}],
        )
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


class CuratedAdmin(admin.ModelAdmin):
    """Base admin for records curators keep true (models that inherit Curated)."""

    actions = [mark_verified_today]
    readonly_fields = ("verified_by",)
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_per_page = 50

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
        return super().get_queryset(request).order_by(*self.model._meta.ordering)

    def save_model(self, request, obj, form, change):
        record_verifier(request, form)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            record_verifier(request, inline_form)
        super().save_formset(request, form, formset, change)


class ReferenceDataAdmin(admin.ModelAdmin):
    """Loaded from the ONS lookup by `manage.py load_areas`: view and search only."""

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


# --- Partnerships and their bodies ---------------------------------------------------------


class BodyInline(admin.TabularInline):
    model = Body
    fk_name = "partnership"
    fields = ["kind", "theme", "name", "feeds_into", "last_verified_on"]
    autocomplete_fields = ["feeds_into"]
    show_change_link = True
    extra = 0


class PartnershipDocumentInline(admin.TabularInline):
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
class PartnershipAdmin(CuratedAdmin):
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
        return (
            super()
            .get_queryset(request)
            .annotate(body_count=Count("bodies", distinct=True))
            .prefetch_related(prefetch_areas())
        )

    @admin.display(description="region")
    def regions(self, obj):
        return region_names(obj.areas.all())

    @admin.display(description="bodies", ordering="body_count")
    def body_count(self, obj):
        return obj.body_count


class SeatInline(admin.TabularInline):
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
class OrganisationAdmin(CuratedAdmin):
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
        return (
            super()
            .get_queryset(request)
            .annotate(seat_count=Count("seats", distinct=True))
            .prefetch_related(prefetch_areas())
        )

    @admin.display(description="region")
    def regions(self, obj):
        return region_names(obj.areas.all())

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

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(seat_count=Count("seats", distinct=True))

    @admin.display(description="seats", ordering="seat_count")
    def seat_count(self, obj):
        return obj.seat_count


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
