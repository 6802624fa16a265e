"""The curator admin for partnerships, their bodies, seats, people, organisations and documents:
declarations only. The base classes, and who may do what, live in curation/ (admin_base,
admin_erasure, rules)."""

from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format

from curation.admin_base import (
    URL_FIELDS_ASSUME_HTTPS,
    VERIFICATION_FIELDSET,
    CuratedAdmin,
    ReferenceDataAdmin,
    RegionsColumn,
    ScopedInline,
    mark_verified_today,
    region_filter,
)
from curation.admin_erasure import ErasureAdmin

from .choices import DocumentKind
from .managers import ENDING_SOON_MONTHS
from .models import (
    Area,
    Body,
    Document,
    Organisation,
    Partnership,
    Person,
    Place,
    Region,
    Seat,
)

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
        "vacant",
        "sector",
        "organisation",
        "role",
        "selection",
        "start_date",
        "end_date",
        "last_verified_on",
    ]
    # A vacancy is opened, and filled, on the seat's own page, where its closing date and
    # how to apply are: here it is only shown.
    readonly_fields = ["vacant"]
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
    """Organisations are shared (Organisation.shared_with_curators): every curator sees them
    and may pick one for a seat, and changes those wholly in their areas."""

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
class PersonAdmin(ErasureAdmin, CuratedAdmin):
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


class OpenSeatFilter(admin.SimpleListFilter):
    """Seats to fill: vacancies (whether or not their closing date has passed, as the
    curator still has to record who got the seat), and held terms ending soon."""

    title = "open seats"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [
            ("vacant", "Vacant"),
            ("ending_soon", f"Term ends within {ENDING_SOON_MONTHS} months"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "vacant":
            return queryset.filter(vacant=True)
        if self.value() == "ending_soon":
            return queryset.ending_soon()
        return queryset


@admin.register(Seat)
class SeatAdmin(CuratedAdmin):
    # A body's name carries its partnership's, and one term column says the dates and whether
    # the seat is current: the list fits beside the filters at 1280 px.
    list_display = [
        "holder",
        "body",
        "sector",
        "organisation",
        "womens_organisation",
        "role",
        "term",
        "last_verified_on",
    ]
    list_filter = [
        region_filter("body__partnership__areas__region"),
        "sector",
        OpenSeatFilter,
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
        (
            "Open seat",
            {
                "fields": ["vacant", "selection_closes", "how_to_apply"],
                "description": (
                    "Tick 'vacant' for a seat nobody holds yet, open for the voluntary and "
                    "community sector to fill: leave the person empty, and say when the "
                    "selection closes and how to apply. It is listed publicly under Get "
                    "involved until the closing date. When the seat is filled, untick "
                    "'vacant', choose the person, and clear the closing date and how to apply."
                ),
            },
        ),
        VERIFICATION_FIELDSET,
    ]

    @admin.display(description="person", ordering="person__name")
    def holder(self, obj):
        """The person, "Vacant" for an open seat, or that the name was removed."""
        return obj.holder_name

    @admin.display(
        description="women's org", boolean=True, ordering="organisation__is_womens_organisation"
    )
    def womens_organisation(self, obj):
        return bool(obj.organisation and obj.organisation.is_womens_organisation)

    @admin.display(description="term", ordering="start_date")
    def term(self, obj):
        """ "2 Jul 2007 to now" for a current seat; "... to 31 Mar 2010 (ended)" for a past one;
        "open, closes 1 Dec 2026" for a vacancy."""
        if obj.vacant:
            if obj.selection_closes is None:
                return "open"
            closed = "closed" if obj.selection_closes < timezone.localdate() else "closes"
            return f"open, {closed} {date_format(obj.selection_closes)}"
        start = f"{date_format(obj.start_date)} to " if obj.start_date else "until "
        if obj.end_date is None:
            return f"{start}now" if obj.start_date else "-"
        ended = " (ended)" if obj.end_date < timezone.localdate() else ""
        return f"{start}{date_format(obj.end_date)}{ended}"


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
