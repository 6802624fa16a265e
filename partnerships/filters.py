"""One FilterSet per list page, submitted by GET. The same FilterSet feeds the HTML list
and every export, so they can never disagree.

Each FilterSet also says, in one place, which filters made its list (Described): in words
for the page's heading and <title> ("Current VCS seats held by women's organisations in
the North East"), as a slug for a download's file name ("north-east-vcs-womens") and as
codes for the JSON. Only the valid values count: a value the form refuses is left out of
the list, and so out of its description too (the page names the error).
"""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.text import Truncator, slugify
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from .choices import AreaKind, BodyKind, OrganisationKind, Sector, Theme
from .models import Area, Document, Organisation, Partnership, Region, Seat
from .text import query_words
from .widgets import OnePassSelect

YES_NO = [("yes", "Yes"), ("no", "No")]
CURRENT_PAST = [("current", "Current seats"), ("past", "Past seats"), ("all", "Current and past")]
TERMS = [("vacant", "Vacant: open to applications"), ("ending", "Ending within six months")]


def regions(request):
    return Region.objects.all()


def areas(request):
    return Area.objects.order_by("name", "gss_code")


AREA_KIND_WORDS = {
    AreaKind.COUNTY: "county",
    AreaKind.UNITARY: "unitary authority",
    AreaKind.METROPOLITAN_DISTRICT: "metropolitan district",
    AreaKind.LONDON_BOROUGH: "London borough",
    AreaKind.DISTRICT: "district",
}


def area_label(area):
    """An area as the filters and their headings name it: a current area by its name, a
    former one (abolished, or given a new code in a boundary change) by its name, kind and
    code, so that no two read alike: "Somerset" and "Somerset (county, former area
    E10000027)", "Barnsley" and "Barnsley (metropolitan district, former area E08000016)"."""
    return labelled(area.gss_code, area.name, area.kind, area.is_current)


def labelled(code, name, kind, is_current):
    """area_label, from the area's values."""
    if is_current:
        return name
    return f"{name} ({AREA_KIND_WORDS.get(kind, 'area')}, former area {code})"


class AreaChoiceIterator(ModelChoiceIterator):
    """The areas in two groups, current areas then former ones, each by name: (code, label)
    from four values of each area (339 of them, on every list page), not a model each."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        current, former = [], []
        values = self.queryset.values_list("gss_code", "name", "kind", "is_current")
        for code, name, kind, is_current in values:
            choice = (code, labelled(code, name, kind, is_current))
            (current if is_current else former).append(choice)
        yield ("Current areas", current)
        if former:
            yield ("Former areas", former)


class AreaChoiceField(ModelChoiceField):
    iterator = AreaChoiceIterator


class ChoiceFilter(django_filters.ChoiceFilter):
    """A drop-down filter, its <select> written in one pass (OnePassSelect)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", OnePassSelect)
        super().__init__(*args, **kwargs)


class FilterSet(django_filters.FilterSet):
    """Every public list's FilterSet. One made for a request is kept on it, so that the page
    cache asks that one whether the page took every value of its query
    (caching.Understood.accepts) instead of validating the query a second time."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            request.filterset = self


class AreaChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = AreaChoiceField


class RegionChoiceFilter(django_filters.ModelChoiceFilter):
    """A region, by slug. Each list's filter_region asks its QuerySet's in_region: a
    partnership (and its seats) is in every region any of its areas lies in. The report
    counts by the same rule (report.partnership_regions), so its counts equal these lists."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Region")
        kwargs.setdefault("widget", OnePassSelect)
        super().__init__(
            queryset=regions, to_field_name="slug", empty_label="All regions", **kwargs
        )


def region_words(region):
    """'the North East', 'London', 'Yorkshire and The Humber'."""
    return (
        region.name
        if region.name in ("London", "Yorkshire and The Humber")
        else (f"the {region.name}")
    )


class Described:
    """A FilterSet that says which filters made its list: describe(values) in words and
    slug_parts(values) for a file name, from the valid cleaned values; filters() gives
    those values as codes, for the JSON."""

    def valid_values(self):
        """{name: cleaned value} of the filters given and valid; an invalid one is left
        out, as the list leaves it out."""
        if not self.is_bound:
            return {}
        self.is_valid()
        cleaned = getattr(self.form, "cleaned_data", {})
        return {
            name: value
            for name, value in cleaned.items()
            if name not in self.form.errors and value not in (None, "", [])
        }

    @property
    def description(self):
        words = self.describe(self.valid_values())
        return words[:1].upper() + words[1:]

    @property
    def slug(self):
        """The filters for a file name: lower-case ASCII words joined by hyphens."""
        parts = (slugify(part).replace("_", "-") for part in self.slug_parts(self.valid_values()))
        return "-".join(part for part in parts if part)[:120].strip("-")

    def applied_filters(self):
        """The valid filters as the query's codes (a region's slug, an area's GSS code)."""
        codes = {}
        for name, value in self.valid_values().items():
            if hasattr(value, "_meta"):
                value = getattr(value, self.filters_by_field(name) or "pk")
            elif isinstance(value, list | tuple):
                value = ",".join(value)
            codes[name] = value
        return codes

    def filters_by_field(self, name):
        return getattr(self.filters[name], "extra", {}).get("to_field_name")

    def describe(self, values):
        raise NotImplementedError

    def slug_parts(self, values):
        raise NotImplementedError


class PartnershipInLink(django_filters.ModelChoiceFilter):
    """One partnership's seats, by its slug in a link from its page (not a visible field: a
    choice of thousands of partnerships is the partnerships list's job)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Partnership")
        super().__init__(
            queryset=Partnership.objects.all(),
            to_field_name="slug",
            field_name="body__partnership",
            widget=forms.HiddenInput,
            error_messages={
                "invalid_choice": "No partnership has that address, so every one is shown."
            },
            **kwargs,
        )


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sorting that breaks ties by id, so pages never repeat or skip a row and every
    export lists tied rows in the same order as the page."""

    def filter(self, queryset, value):
        ordered = super().filter(queryset, value)
        return ordered.order_by(*ordered.query.order_by, "pk") if value else ordered


SECTOR_WORDS = {
    Sector.LOCAL_AUTHORITY: "local authority",
    Sector.HEALTH: "health",
    Sector.POLICE: "police",
    Sector.BUSINESS: "business",
    Sector.VCS: "VCS",
    Sector.OTHER: "other-sector",
}
STATUS_WORDS = {"current": "current", "past": "past", "all": "current and past"}
TERM_WORDS = {"vacant": ("vacant", ""), "ending": ("current", "ending within six months")}
ORGANISATION_KIND_WORDS = {
    OrganisationKind.COUNCIL: "a council",
    OrganisationKind.HEALTH: "a health body",
    OrganisationKind.POLICE: "the police",
    OrganisationKind.BUSINESS: "a business",
    OrganisationKind.VCS: "a voluntary and community organisation",
    OrganisationKind.INFRASTRUCTURE: "a local infrastructure organisation",
    OrganisationKind.OTHER: "another kind of organisation",
}


class SeatFilter(Described, FilterSet):
    """The representatives list's filters, also its exports' and /api/v1/seats/.

    Which seats, by `status` and `term`, on the day (today; the report may give another):

    - status=current (the default): held seats current on the day (begun, not ended);
      status=past: held seats that ended before it; status=all: every held seat, current,
      past or not yet begun. A vacant seat (nobody in it yet) is never a held seat, so no
      status gives vacancies.
    - term=vacant: the open vacancies (Seat.objects.vacant: still taking applications on the
      day), whatever the status; term=ending: the held seats ending within six months
      (Seat.objects.ending_soon), which are current seats, whatever the status. A valid term
      chooses the seats on its own: the status is then not applied, and not described.
    - Every other filter (region, sector, body...) narrows either.
    """

    region = RegionChoiceFilter(method="filter_region")
    area = AreaChoiceFilter(
        queryset=areas,
        to_field_name="gss_code",
        method="filter_area",
        empty_label="All areas",
        label="Area",
        widget=OnePassSelect,
    )
    partnership = PartnershipInLink()
    body_kind = ChoiceFilter(
        field_name="body__kind", choices=BodyKind.choices, empty_label="Boards and groups",
        label="Body",
    )  # fmt: skip
    theme = ChoiceFilter(
        field_name="body__theme", choices=Theme.choices, empty_label="Any theme", label="Theme"
    )
    sector = ChoiceFilter(choices=Sector.choices, empty_label="Every sector", label="Sector")
    organisation_kind = ChoiceFilter(
        field_name="organisation__kind",
        choices=OrganisationKind.choices,
        empty_label="Any kind",
        label="Organisation kind",
    )
    womens = ChoiceFilter(
        choices=YES_NO,
        method="filter_womens",
        empty_label="Any organisation",
        label="Women's organisation",
    )
    status = ChoiceFilter(
        choices=CURRENT_PAST, method="filter_status", empty_label=None, label="Current or past"
    )
    term = ChoiceFilter(choices=TERMS, method="filter_term", empty_label="Any term", label="Term")
    order = StableOrderingFilter(
        fields=(
            ("person__name", "name"),
            ("body__partnership__name", "partnership"),
            ("organisation__name", "organisation"),
            ("sector", "sector"),
            ("start_date", "start"),
        ),
        field_labels={
            "person__name": "Name",
            "body__partnership__name": "Partnership",
            "organisation__name": "Organisation",
            "sector": "Sector",
            "start_date": "Start date",
        },
        empty_label="Partnership",
        label="Sort by",
    )

    class Meta:
        model = Seat
        fields = []

    def __init__(self, data=None, *args, on=None, **kwargs):
        """on: the day whose current, past, vacant or ending seats are chosen (today)."""
        # Current seats unless the user asks otherwise.
        data = data.copy() if data is not None else None
        if data is not None and not data.get("status"):
            data["status"] = "current"
        self.on = on
        super().__init__(data, *args, **kwargs)

    @property
    def day(self):
        return self.on or timezone.localdate()

    def term_given(self):
        """The valid term, or "": a refused one is left out, as every filter is."""
        return self.valid_values().get("term", "")

    def describe(self, values):
        """'Current VCS seats on boards of Hartlepool Partnership held by women's
        organisations representing a council in Hartlepool in the North East';
        'Vacant VCS seats in the North East'."""
        if values.get("term"):
            status, ending = TERM_WORDS[values["term"]]
        else:
            # No valid status (an unbound form, a refused value): no status filter applies.
            status, ending = STATUS_WORDS[values.get("status", "all")], ""
        words = [status]
        if values.get("sector"):
            words.append(SECTOR_WORDS[values["sector"]])
        words += ["seats", ending]
        bodies = ""
        if values.get("theme"):
            bodies = f"on {Theme(values['theme']).label.lower()} themed groups"
        elif values.get("body_kind"):
            bodies = f"on {BodyKind(values['body_kind']).label.lower()}s"
        if values.get("partnership"):
            name = values["partnership"].name
            bodies = f"{bodies} of {name}" if bodies else f"on {name}"
        words.append(bodies)
        if values.get("womens") == "yes":
            words.append("held by women's organisations")
        elif values.get("womens") == "no":
            words.append("not held by women's organisations")
        if values.get("organisation_kind"):
            words.append(f"representing {ORGANISATION_KIND_WORDS[values['organisation_kind']]}")
        if values.get("area"):
            words.append(f"in {area_label(values['area'])}")
        if values.get("region"):
            words.append(f"in {region_words(values['region'])}")
        return " ".join(word for word in words if word)

    def slug_parts(self, values):
        """representatives-north-east-vcs-womens: place, bodies, then whose seats."""
        parts = []
        if values.get("region"):
            parts.append(values["region"].slug)
        if values.get("area"):
            parts.append(values["area"].slug)  # unique: a former area's has its code
        if values.get("partnership"):
            parts.append(values["partnership"].slug)
        parts += [values.get("body_kind"), values.get("theme"), values.get("sector")]
        if values.get("organisation_kind"):
            parts.append(f"{values['organisation_kind']}-organisations")
        parts.append({"yes": "womens", "no": "not-womens"}.get(values.get("womens")))
        if values.get("term"):
            parts.append({"vacant": "vacant", "ending": "ending-soon"}[values["term"]])
        elif values.get("status") in ("past", "all"):
            parts.append(values["status"])
        return [part for part in parts if part]

    def filter_region(self, queryset, name, value):
        return queryset.in_region(value)

    def filter_area(self, queryset, name, value):
        return queryset.in_area(value)

    def filter_womens(self, queryset, name, value):
        return queryset.womens() if value == "yes" else queryset.not_womens()

    def filter_status(self, queryset, name, value):
        if self.term_given():
            return queryset  # the term chooses the seats
        if value == "current":
            return queryset.current(self.day)
        if value == "past":
            return queryset.past(self.day)
        return queryset.held()

    def filter_term(self, queryset, name, value):
        if value == "vacant":
            return queryset.vacant(self.day)
        return queryset.ending_soon(self.day)


class PartnershipFilter(Described, FilterSet):
    region = RegionChoiceFilter(method="filter_region")
    q = django_filters.CharFilter(method="filter_name", label="Name contains")

    class Meta:
        model = Partnership
        fields = []

    def describe(self, values):
        """'Partnerships in the North East whose name contains “tees”'."""
        words = ["partnerships"]
        if values.get("region"):
            words.append(f"in {region_words(values['region'])}")
        if query_words(values.get("q", "")):  # as filter_name: no word, no filter
            # What was typed, cut short: it is a heading, not a place to paste an essay.
            typed = Truncator(values["q"].strip()).chars(60)
            words.append(f"whose name contains \u201c{typed}\u201d")
        return " ".join(words)

    def slug_parts(self, values):
        words = query_words(values.get("q", ""))
        return [values["region"].slug if values.get("region") else "", *words]

    def filter_region(self, queryset, name, value):
        return queryset.in_region(value)

    def filter_name(self, queryset, name, value):
        for word in query_words(value):
            queryset = queryset.filter(search_name__contains=word)
        return queryset


class OpenSeatFilter(FilterSet):
    """/get-involved/: open VCS seats by region or partnership, by GET, so a link shares them."""

    region = RegionChoiceFilter(method="filter_region")
    partnership = PartnershipInLink()

    class Meta:
        model = Seat
        fields = []

    def filter_region(self, queryset, name, value):
        return queryset.in_region(value)


class SchemeFilter(FilterSet):
    """Gender Equality Schemes due, by the region of the public body that owns them."""

    region = RegionChoiceFilter(method="filter_region")

    class Meta:
        model = Document
        fields = []

    def filter_region(self, queryset, name, value):
        owners = Organisation.objects.filter(areas__region=value).values("pk")
        return queryset.filter(organisation__in=owners)
