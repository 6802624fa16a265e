"""Curator accounts and their areas: set up by site administrators only."""

from django.contrib import admin
from django.db.models import Prefetch

from partnerships.models import Area

from .models import Curator
from .services import CURATORS_GROUP

SETUP = (
    "A curator is a staff user (tick 'staff status' on the user) in the "
    f"'{CURATORS_GROUP}' group, which gives add, change, delete and view permissions on "
    "partnerships, bodies, seats, people, organisations, documents and networks and view "
    "permission on regions and areas; this row says which areas it may curate. A region "
    "brings all its areas, a county its districts. `python manage.py create_curator "
    "USERNAME --area GSS_CODE --region SLUG --organisation SLUG` does all three."
)


@admin.register(Curator)
class CuratorAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "area_names", "region_names", "is_active"]
    list_filter = ["regions"]
    list_select_related = ["user", "organisation"]
    search_fields = [
        "user__username",
        "user__email",
        "organisation__name",
        "areas__name",
        "areas__gss_code",
        "regions__name",
    ]
    autocomplete_fields = ["user", "organisation", "areas", "regions"]
    fieldsets = [
        (None, {"fields": ["user", "organisation"]}),
        ("Curates", {"fields": ["areas", "regions"], "description": SETUP}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .order_by("user__username")
            .prefetch_related(
                Prefetch("areas", queryset=Area.objects.order_by("name")),
                "regions",
            )
        )

    @admin.display(description="areas")
    def area_names(self, obj):
        return ", ".join(area.name for area in obj.areas.all()) or "-"

    @admin.display(description="regions")
    def region_names(self, obj):
        return ", ".join(region.name for region in obj.regions.all()) or "-"

    @admin.display(description="active", boolean=True, ordering="user__is_active")
    def is_active(self, obj):
        return obj.user.is_active and obj.user.is_staff

    # Site administrators only: a curator must not widen its own areas.

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
