"""The admin base for curated records; partnerships/admin.py and networks/admin.py declare
their ModelAdmins on it and hold nothing else.

Who may do what is curation.rules' business, asked on every admin URL:
- lists, history pages and read-only pages show what the rule lets the user view; change,
  delete, revert, actions and erasure need what it lets the user change (a list offers actions,
  and a row's checkbox, only there); autocomplete and form choices offer what it lets the user
  use, listed in the page so that forms work without JavaScript; another area's record is
  said to be outside the curator's areas (named only as the public site names it);
- a form is refused when the record would not land wholly in the curator's areas.
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
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    ForeignKeyRawIdWidget,
    ManyToManyRawIdWidget,
)
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import bulk_update_with_history

from partnerships.managers import stale_before
from partnerships.models import Area, Curated, Region

from . import rules

NEEDS_CHECKING = "needs_checking"
VERIFIED_REASON = "Marked verified today"

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


def areas_covered(user):
    """What user curates, in words, as the areas and regions they were given (three queries):
    ["Hartlepool (North East)", "all of London"], ["all of England"] for a site
    administrator, [] for a staff user given none."""
    if not rules.is_limited(user):
        return ["all of England"]
    from .models import Curator

    curator = Curator.objects.filter(user=user).first()
    if curator is None:
        return []
    given = curator.areas.select_related("region").order_by("name")
    areas = [f"{area.name} ({area.region.name})" for area in given]
    return areas + [f"all of {region.name}" for region in curator.regions.order_by("name")]


def outside_message(user, obj):
    """Why a curator cannot open obj, naming only what the public site names: the record
    whose public page shows it (a seat's partnership), never a person."""
    what = f"This {obj._meta.verbose_name}"
    owner = obj.public_page() if hasattr(obj, "public_page") else None
    if owner is obj and hasattr(obj, "get_absolute_url"):
        what += f" ({obj})"
    elif owner is not None and hasattr(owner, "get_absolute_url"):
        what += f" (shown on the page of {owner})"
    covered = "; ".join(areas_covered(user)) or "none yet"
    return (
        f"{what} is outside the areas you curate: {covered}. The curator of that area "
        "keeps it up to date; ask a site administrator if it should be yours."
    )


def is_autocomplete(request):
    return getattr(request.resolver_match, "url_name", None) == "autocomplete"


def is_changelist(request, opts):
    url_name = getattr(request.resolver_match, "url_name", None)
    return url_name == f"{opts.app_label}_{opts.model_name}_changelist"


def is_ruled(model):
    """Whether the rule says which records of model a curator may pick (it declares areas)."""
    return bool(getattr(model, "area_paths", ()))


def limit_choices(db_field, request, kwargs):
    """Offer a curator, for a foreign key or many-to-many field, only what they may use."""
    if "queryset" not in kwargs and is_ruled(db_field.related_model):
        kwargs["queryset"] = rules.usable(
            db_field.related_model._default_manager.all(), request.user
        )


# A form's choice among at most this many records is listed in the page, so that it works
# without JavaScript (select2 still searches when it runs); a choice among more (a national
# curator's 100,000 people) is typed as the record's number, so the page stays small. 1,000
# options of a seat form's field are about 70 kB of HTML.
LISTED_CHOICES = 1000


class ListedAutocompleteSelect(AutocompleteSelect):
    """Select2's search with JavaScript; every choice in the page without it."""

    def optgroups(self, name, value, attrs=None):
        return forms.Select.optgroups(self, name, value, attrs)


class ListedAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    """The same for a many-to-many field (a partnership's areas)."""

    def optgroups(self, name, value, attrs=None):
        return forms.SelectMultiple.optgroups(self, name, value, attrs)


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """The chosen record's number, typed in; named beside the box only when it is one of the
    field's choices (what the user may use), so a typed number names no one else's record."""

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            offered = self.choices.queryset.filter(**{key: value}).exists()
        except (ValueError, TypeError, ValidationError, AttributeError):
            offered = False
        return super().label_and_url_for_value(value) if offered else ("", "")


def choice_widget(model_admin, db_field, queryset, using):
    """The widget of an autocomplete field: listed or typed (see LISTED_CHOICES), decided by
    one bounded count."""
    many = db_field.many_to_many
    if queryset[: LISTED_CHOICES + 1].count() <= LISTED_CHOICES:
        listed = ListedAutocompleteSelectMultiple if many else ListedAutocompleteSelect
        return listed(db_field, model_admin.admin_site, using=using)
    typed = ManyToManyRawIdWidget if many else ScopedRawIdWidget
    return typed(db_field.remote_field, model_admin.admin_site, using=using)


def typed_help_text(db_field):
    name = db_field.related_model._meta.verbose_name
    numbers = "numbers, separated by commas" if db_field.many_to_many else "number"
    return (
        f"Type the {name}'s {numbers}: the number in the address of its page here. With "
        f"JavaScript on, the magnifying glass finds it by name."
    )


def listed_queryset(model_admin, db_field, queryset):
    """A listed choice's labels fetched with the list: what the related admin's list selects
    (a body's label carries its partnership's name)."""
    related = model_admin.admin_site._registry.get(db_field.related_model)
    select = getattr(related, "list_select_related", None)
    return queryset.select_related(*select) if isinstance(select, (list, tuple)) else queryset


class CuratedForm(forms.ModelForm):
    """A curated record's admin form: a curator's record must land wholly in their areas.

    CuratedAdmin.get_form sets the class attributes per request (each get_form call makes a
    new class). A value the record already has stays valid though the curator could not pick
    it (a seat's holder who also sits elsewhere): keeping it shows nothing private.
    """

    user = None
    history_record = None  # the version a revert page starts from

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.history_record is not None and not self.is_bound:
            self.restore_many_to_many(self.history_record)
        if rules.is_limited(self.user) and self.instance.pk is not None:
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
            if not isinstance(field, forms.ModelChoiceField) or not is_ruled(field.queryset.model):
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
        if self.errors or not rules.is_limited(self.user):
            return cleaned_data
        values = {name: cleaned_data.get(name) for name in self.fields}
        if not rules.lands_within(self.user, self._meta.model, values):
            raise ValidationError(
                "This record must belong to the areas you curate, and only to them.",
                code="out_of_scope",
            )
        return cleaned_data


def limited_to_changeable(action):
    """Run an admin action only on the selected records the user may change."""

    @functools.wraps(action)
    def run(modeladmin, request, queryset):
        changeable = rules.changeable(queryset, request.user)
        selected = queryset.count()
        skipped = selected - changeable.count()
        if not selected:  # ids not in the list (typed in): as for any other odd id
            modeladmin.message_user(request, "Choose the records from the list.", messages.WARNING)
            return None
        if skipped == selected:
            # Not an empty confirmation page: say why nothing happens.
            modeladmin.message_user(
                request,
                f"The selected {model_ngettext(modeladmin.opts, selected)} "
                f"{'is' if selected == 1 else 'are'} outside the areas you curate: you may "
                "look at them, not change or delete them. Nothing was done.",
                messages.WARNING,
            )
            return None
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
    """An inline that lists what the user may view and offers only what they may use."""

    def get_queryset(self, request):
        return rules.viewable(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        limit_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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
            return queryset.stale()
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


def record_verifier(request, form):
    """A curator who sets a new verification date on a form becomes its verifier."""
    if (
        isinstance(form.instance, Curated)
        and "last_verified_on" in form.changed_data
        and form.instance.last_verified_on
    ):
        form.instance.verified_by = request.user


BIGGEST_ID = 2**63 - 1


class TypedInputGuard:
    """What a signed-in user can type into an admin address or form gets a 4xx, never a 500,
    where Django 5.2 itself would fail."""

    def to_field_allowed(self, request, to_field):
        # '+' names django-simple-history's hidden reverse relations, which Django looks up.
        return not to_field.startswith("+") and super().to_field_allowed(request, to_field)

    def lookup_allowed(self, lookup, value, request=None):
        # Django range-checks exact and greater/less-than lookups, not __in: SQLite overflows.
        numbers = [part.strip().lstrip("-") for part in str(value).split(",")]
        # ASCII digits only: "²".isdigit() is true, and int("²") fails.
        if any(part.isascii() and part.isdigit() and int(part) > BIGGEST_ID for part in numbers):
            return False
        return super().lookup_allowed(lookup, value, request)

    def response_action(self, request, queryset):
        """An action on ids that are not ids (a hand-made POST) changes nothing."""
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                if abs(self.opts.pk.to_python(value)) > BIGGEST_ID:
                    raise ValidationError("out of range")
        except ValidationError:
            self.message_user(request, "Choose the records from the list.", messages.WARNING)
            return None
        return super().response_action(request, queryset)


class CuratedAdmin(TypedInputGuard, SimpleHistoryAdmin):
    """Base admin for records curators keep true (models that inherit Curated).

    It keeps every change in the record's history (django-simple-history: who, when, what
    changed, with restore), and asks curation.rules on every URL (see the module's docstring).
    """

    form = CuratedForm
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
        queryset = super().get_queryset(request).order_by(*self.model._meta.ordering)
        rule = rules.usable if is_autocomplete(request) else rules.viewable
        queryset = rule(queryset, request.user)
        if rules.is_limited(request.user) and is_changelist(request, self.opts):
            # Which rows the list offers to select for an action (action_checkbox).
            mine = rules.changeable(self.model._default_manager.all(), request.user)
            queryset = queryset.annotate(may_change=Exists(mine.filter(pk=OuterRef("pk"))))
        return queryset

    def action_checkbox(self, obj):
        """No checkbox on a row the curator may only look at (another area's, or shared)."""
        if getattr(obj, "may_change", True):
            return super().action_checkbox(obj)
        return ""

    # Permissions on one record, asked once a request.

    def allows(self, request, action, obj):
        if obj is None or obj.pk is None or not rules.is_limited(request.user):
            return True
        cache = request.__dict__.setdefault("_curation_rules", {})
        key = (self.opts.label_lower, obj.pk, action)
        if key not in cache:
            cache[key] = rules.allows(request.user, action, obj)
        return cache[key]

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.allows(request, rules.VIEW, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.allows(
            request, rules.CHANGE, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.allows(
            request, rules.CHANGE, obj
        )

    def may_change_any(self, request):
        """Whether any record of the model is the user's to change (asked once a request)."""
        cache = request.__dict__.setdefault("_curation_rules", {})
        key = (self.opts.label_lower, "any", rules.CHANGE)
        if key not in cache:
            every = self.model._default_manager.all()
            cache[key] = rules.changeable(every, request.user).exists()
        return cache[key]

    def get_actions(self, request):
        """Every action changes or deletes: none for a curator with nothing to change here (a
        shared list such as organisations), each run only on what the rule lets them change."""
        actions = super().get_actions(request)
        if not rules.is_limited(request.user):
            return actions
        if not self.may_change_any(request):
            return {}
        return {
            name: (limited_to_changeable(func), name, description)
            for name, (func, _, description) in actions.items()
        }

    # Forms: choices the user may use, and records that land wholly in their areas.

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        version_id = getattr(request, "_history_version_id", None)
        if version_id is not None and obj is not None:
            form.history_record = self.model.history.filter(
                pk=version_id, **{self.opts.pk.attname: obj.pk}
            ).first()
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        limit_choices(db_field, request, kwargs)
        self.choose_widget(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        limit_choices(db_field, request, kwargs)
        self.choose_widget(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def choose_widget(self, db_field, request, kwargs):
        """An autocomplete field that works without JavaScript too (see LISTED_CHOICES)."""
        if "widget" in kwargs or db_field.name not in self.get_autocomplete_fields(request):
            return
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = self.get_field_queryset(kwargs.get("using"), db_field, request)
        if queryset is None:
            queryset = db_field.related_model._default_manager.all()
        widget = choice_widget(self, db_field, queryset, kwargs.get("using"))
        if isinstance(widget, ForeignKeyRawIdWidget):
            kwargs["help_text"] = typed_help_text(db_field)
        else:
            queryset = listed_queryset(self, db_field, queryset)
        kwargs["widget"], kwargs["queryset"] = widget, queryset

    def save_model(self, request, obj, form, change):
        record_verifier(request, form)
        restored = getattr(form, "history_record", None)
        if restored is not None:
            # To the second, as the History list shows it.
            when = date_format(timezone.localtime(restored.history_date), "j M Y, H:i:s")
            obj._change_reason = f"Restored the version of {when}"
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            record_verifier(request, inline_form)
        super().save_formset(request, form, formset, change)

    # Another area's record: said to be outside the curator's areas, not missing.

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        """Django's "doesn't exist" for an id that names no record, or one that reaches no
        area (a person no seat places yet: the public site does not show it either)."""
        outside = self.outside_record(request, object_id)
        if outside is None:
            return super()._get_obj_does_not_exist_redirect(request, opts, object_id)
        self.message_user(request, outside_message(request.user, outside), messages.WARNING)
        return HttpResponseRedirect(reverse("admin:index", current_app=self.admin_site.name))

    def outside_record(self, request, object_id):
        if not rules.is_limited(request.user):
            return None
        try:
            pk = self.opts.pk.to_python(unquote(object_id))
            obj = self.model._default_manager.filter(pk=pk).first()
        except (ValidationError, ValueError, OverflowError):
            return None
        return obj if obj is not None and rules.areas_of(obj) else None

    # History: a record the user may not view behaves as missing; reverting needs change.

    def history_view(self, request, object_id, extra_context=None):
        # Missing for everyone (an id typed as "abc" too, a 500 in simple-history).
        if self.get_object(request, unquote(object_id)) is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Ids typed into the address ("history/abc/") name no version: the 404 page, where
        # django-simple-history's lookup would fail with a 500.
        history = getattr(self.model, self.opts.simple_history_manager_attribute).model
        try:
            self.opts.pk.to_python(unquote(object_id))
            history._meta.pk.to_python(version_id)
        except ValidationError:
            raise Http404("No such version.") from None
        if rules.is_limited(request.user):
            obj = self.get_object(request, unquote(object_id))
            if obj is None:
                return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
        request._history_version_id = version_id
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)


class ReferenceDataAdmin(TypedInputGuard, admin.ModelAdmin):
    """Loaded from the ONS lookup by `manage.py load_areas`: view and search only.

    Everyone may list them; autocomplete (picking an area or region for a record) offers a
    curator only those the rule lets them use.
    """

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_autocomplete(request) and is_ruled(self.model):
            return rules.usable(queryset, request.user)
        return queryset

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
