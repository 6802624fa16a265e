"""The curator admin for CENs, women's networks and women's forums."""

from django.contrib import admin
from django.db.models import Count

from curation.admin_base import (
    VERIFICATION_FIELDSET,
    CuratedAdmin,
    prefetch_areas,
    region_filter,
    region_names,
)

from .models import Network


@admin.register(Network)
class NetworkAdmin(CuratedAdmin):
    list_display = [
        "name",
        "kind",
        "regions",
        "partnership",
        "status",
        "funding",
        "status_checked_on",
        "member_count",
        "last_verified_on",
    ]
    list_filter = [region_filter("areas__region", "region"), "kind", "status", "funding"]
    list_select_related = ["region", "partnership"]
    search_fields = ["name", "slug", "areas__name", "partnership__name", "email"]
    autocomplete_fields = ["areas", "region", "partnership", "members"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "description"]}),
        (
            "Where it works",
            {
                "fields": ["areas", "region", "partnership"],
                "description": "Areas for a local network; a region for a regional one.",
            },
        ),
        (
            "Status and funding",
            {
                "fields": ["status", "funding", "status_checked_on"],
                "description": (
                    "Many CENs have lost all or part of their funding or ceased; record what "
                    "you found and the day you checked it."
                ),
            },
        ),
        ("Members", {"fields": ["members"]}),
        ("Contact", {"fields": ["website", "email", "phone"]}),
        VERIFICATION_FIELDSET,
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(member_count=Count("members", distinct=True))
            .prefetch_related(prefetch_areas())
        )

    @admin.display(description="region")
    def regions(self, obj):
        if obj.region_id:
            return obj.region.name
        return region_names(obj.areas.all())

    @admin.display(description="members", ordering="member_count")
    def member_count(self, obj):
        return obj.member_count
