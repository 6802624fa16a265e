"""The moderation queue of corrections sent by the public.

A curator sees, and can act on, only the reports routed to the areas it curates; a report out
of its reach is "not found". Curators decide (state) and note what they did (curator_note);
what the public sent stays as it was sent, unless the person it is about is erased: then the
report says "Redacted: the person was erased at their request" (curation.erasure). Reports
come only from the public form, so there is no "add". The changelist runs a fixed number of
queries whatever the row count.
"""

from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Case, Value, When
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from . import rules
from .admin_base import TypedInputGuard, prefetch_areas, region_filter
from .erasure import is_redacted
from .forms import REPORTABLE, public_url
from .models import Correction, CorrectionState

AREAS_LISTED = 3


def record_admin_url(correction):
    """The record's admin change page, from the content type alone (no query)."""
    content_type = correction.content_type
    try:
        return reverse(
            f"admin:{content_type.app_label}_{content_type.model}_change",
            args=[correction.object_id],
        )
    except NoReverseMatch:
        return ""


def mark(modeladmin, request, queryset, state):
    """Set the state of the chosen reports, with who handled them and when, and log it."""
    corrections = list(queryset.exclude(state=state))
    count = len(corrections)
    if corrections:
        Correction.objects.filter(pk__in=[c.pk for c in corrections]).update(
            state=state, handled_by=request.user, handled_at=timezone.now()
        )
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=corrections,
            action_flag=CHANGE,
            change_message=[{"changed": {"fields": ["State", "Handled by", "Handled at"]}}],
        )
    label = CorrectionState(state).label.split(":")[0].lower()
    modeladmin.message_user(
        request, f"Marked {count} report{'' if count == 1 else 's'} as {label}."
    )


@admin.action(description="Mark done (record corrected)", permissions=["change"])
def mark_done(modeladmin, request, queryset):
    mark(modeladmin, request, queryset, CorrectionState.DONE)


@admin.action(description="Mark rejected", permissions=["change"])
def mark_rejected(modeladmin, request, queryset):
    mark(modeladmin, request, queryset, CorrectionState.REJECTED)


@admin.register(Correction)
class CorrectionAdmin(TypedInputGuard, admin.ModelAdmin):
    list_display = [
        "created_at",
        "record_label",
        "record_links",
        "state",
        "area_names",
        "message_excerpt",
    ]
    list_filter = ["state", region_filter("areas__region")]
    list_select_related = ["content_type", "handled_by"]
    search_fields = ["record_label", "message", "curator_note"]
    actions = [mark_done, mark_rejected]
    list_per_page = 50
    fieldsets = [
        (
            "What the public reported",
            {
                "fields": [
                    "record_label",
                    "record_links",
                    "area_names",
                    "created_at",
                    "message",
                    "reply_address",
                ]
            },
        ),
        (
            "Moderation",
            {
                "fields": ["state", "curator_note", "handled_by", "handled_at"],
                "description": (
                    "Correct the record itself, then mark this report done; or reject it. "
                    "Nothing here is shown publicly."
                ),
            },
        ),
    ]
    readonly_fields = [
        "record_label",
        "record_links",
        "area_names",
        "created_at",
        "message",
        "reply_address",
        "handled_by",
        "handled_at",
    ]

    def get_queryset(self, request):
        records = GenericPrefetch(
            "record",
            [reportable.queryset() for reportable in REPORTABLE.values()],
        )
        queryset = (
            super()
            .get_queryset(request)
            .select_related(*self.list_select_related)
            .prefetch_related(prefetch_areas(), records)
        )
        return rules.viewable(queryset, request.user)

    def get_object(self, request, object_id, from_field=None):
        """A report out of the curator's reach is not found (404), not a redirect."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such report in the areas you curate.")
        return obj

    def get_ordering(self, request):
        """New reports first, newest first within each state."""
        new_first = Case(When(state=CorrectionState.NEW, then=Value(0)), default=Value(1))
        return [new_first.asc(), "-created_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        """Only site administrators delete reports (spam, say); curators decide on them."""
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if "state" in form.changed_data:
            if obj.state == CorrectionState.NEW:
                obj.handled_by, obj.handled_at = None, None
            else:
                obj.handled_by, obj.handled_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)

    @admin.display(description="record")
    def record_links(self, obj):
        record = obj.record
        if record is None:
            return "Deleted since the report"
        links = []
        if admin_url := record_admin_url(obj):
            links.append((admin_url, "Change record"))
        if public := public_url(record):
            links.append((public, "Public page"))
        return format_html_join(" | ", '<a href="{}">{}</a>', links) or "-"

    @admin.display(description="areas")
    def area_names(self, obj):
        names = sorted(area.name for area in obj.areas.all())
        if len(names) > AREAS_LISTED:
            return f"{', '.join(names[:AREAS_LISTED])} and {len(names) - AREAS_LISTED} more"
        return ", ".join(names) or "None: only site administrators see it"

    @admin.display(description="what is wrong")
    def message_excerpt(self, obj):
        return Truncator(obj.message).chars(80)

    @admin.display(description="reporter's email (for a reply only; never shown publicly)")
    def reply_address(self, obj):
        if is_redacted(obj):
            return "Removed with the message: the person was erased at their request"
        if not obj.email:
            return "Not given"
        return format_html('<a href="mailto:{}">{}</a>', obj.email, obj.email)
