"""The representation report, as a page with charts and as JSON. The figures are made in
partnerships/report.py; these views read the filters and choose the format.

The page is for people: for England it shows the nation, the regions, the charts and the
CENs, with each region's count of partnerships (and of boards and themed groups with no
women's-organisation representative) linking to that region's report; a region's report
lists its partnerships, a page at a time. The JSON is for machines and keeps every figure:
with no region chosen it lists every partnership (at national scale x10, 3,500
partnerships and 4.4 MB, made in about as long as the England page's figures, since both
come from the same report); `?region=` narrows it as it narrows the page.
"""

import django_filters
from django import forms
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from . import charts, summary
from .choices import BodyKind
from .filters import CURRENT_PAST, ChoiceFilter, FilterSet, RegionChoiceFilter, SeatFilter
from .models import Seat
from .report import SOURCES, representation_report
from .views import querystring_without_page


class DayField(forms.DateField):
    """A day as YYYY-MM-DD, today or earlier: the figures are of records, not forecasts."""

    default_error_messages = {
        "invalid": "Enter a day as YYYY-MM-DD, for example 2008-11-29.",
        "future": "Choose today or an earlier day: the report counts what is recorded, "
        "and cannot say who will hold a seat.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and value > timezone.localdate():
            raise forms.ValidationError(self.error_messages["future"], code="future")


class DayFilter(django_filters.DateFilter):
    field_class = DayField


class ReportFilter(FilterSet):
    """The representatives list's filters that apply to the report, with the same names,
    choices, labels and behaviour, so a report's links open the lists behind its numbers.
    The report reads the valid values from its form and counts seats through SeatFilter.

    `on` is the report's own: the day whose seats are counted (today when not given). The
    lists show today's seats, so a report of another day links its seat counts to none."""

    region = RegionChoiceFilter(method="filter_region")
    body_kind = ChoiceFilter(
        field_name="body__kind",
        choices=BodyKind.choices,
        empty_label="Boards and groups",
        label="Body",
    )
    status = ChoiceFilter(
        choices=CURRENT_PAST, method="filter_status", empty_label=None, label="Current or past"
    )

    on = DayFilter(
        method="filter_on",
        label="On the day",
        help_text="YYYY-MM-DD; empty for today.",
    )

    filter_region = SeatFilter.filter_region
    filter_status = SeatFilter.filter_status

    def filter_on(self, queryset, name, value):
        return queryset  # read by filter_status, through `day`

    @property
    def day(self):
        return self.form.cleaned_data.get("on") or timezone.localdate()

    def term_given(self):
        return ""  # the report has no term filter: it counts held seats

    class Meta:
        model = Seat
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        # Current seats unless the user asks otherwise, as on the representatives list.
        data = data.copy() if data is not None else None
        if data is not None and not data.get("status"):
            data["status"] = "current"
        super().__init__(data, *args, **kwargs)

    def report_filters(self):
        """The valid filter values; a bad one is dropped (its error shows) and the others
        still apply."""
        self.is_valid()
        cleaned = self.form.cleaned_data
        return {
            "region": cleaned.get("region"),
            "body_kind": cleaned.get("body_kind") or "",
            "status": cleaned.get("status") or "current",
            "on": cleaned.get("on"),
        }


def report_for(request, *, partnerships):
    """The filters, and the report: today's from the stored summary (summary.py), another
    day's made from the records. partnerships: whether every partnership shown is read
    (England's page shows its regions only)."""
    filterset = ReportFilter(request.GET, request=request)
    filters = filterset.report_filters()
    on = filters.pop("on")
    if on and on != timezone.localdate():
        return filterset, representation_report(on=on, **filters)
    return filterset, summary.report(
        partnerships=partnerships or filters["region"] is not None, **filters
    )


def representation(request):
    filterset, report = report_for(request, partnerships=False)
    querystring = querystring_without_page(request)
    return render(
        request,
        "partnerships/report.html",
        {
            "filter": filterset,
            "report": report,
            # A region's partnerships, a page at a time; England links to its regions.
            "listing": report.partnership_page(request.GET.get("page")) if report.region else None,
            "querystring": querystring,
            "region_chart": charts.region_share_chart(report.regions),
            "cen_chart": charts.cen_funding_chart(report.cens),
            "over_time_chart": charts.over_time_chart(
                report.over_time, place=report.region.name if report.region else "England"
            ),
            "json_url": f"{reverse('report:representation_json')}?{querystring}",
            "sources": SOURCES,
            "crumbs": [("Home", reverse("partnerships:home")), ("Representation report", None)],
        },
    )


def representation_json(request):
    filterset, report = report_for(request, partnerships=True)
    data = report.as_json()
    data["errors"] = {name: list(errors) for name, errors in filterset.form.errors.items()}
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
