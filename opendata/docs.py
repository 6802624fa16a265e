"""The API's documentation page: the OpenAPI document, read into plain HTML on the server
(no JavaScript), with what the schema cannot say: paging, conditional requests, limits and
how the fields map to Popolo."""

import functools
import re

from django.conf import settings
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from drf_spectacular.generators import SchemaGenerator


@functools.cache
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


# drf-spectacular writes a choice field's values into its description as a Markdown list,
# "* `vcs` - Voluntary and community sector", one a line: read them back out, so the page
# shows each code beside its meaning instead of raw Markdown.
CHOICE = re.compile(r"^\* `(?P<code>[^`]*)` - (?P<label>.*)$", re.MULTILINE)

# The house rule for help text (a field "Shown publicly" on the site) says nothing to an API
# reader, to whom every field here is public.
SHOWN_PUBLICLY = re.compile(r"^Shown publicly(?:, and|[.,])\s*")

# What a filter with no list of values takes: the same ids the records carry.
FILTER_VALUES = {
    "region": "A region's id, e.g. north-east (see /api/v1/regions/).",
    "area": "An area's ONS GSS code, e.g. E08000019 (see /api/v1/areas/).",
    "partnership": "A partnership's id, as in its page's address (see /api/v1/partnerships/).",
    "q": "Any words in the name.",
}


INLINE_CODE = re.compile(r"`([^`]+)`")


def _html(text):
    """A description as HTML: escaped, with its Markdown `code` as <code>code</code>."""
    return mark_safe(INLINE_CODE.sub(r"<code>\1</code>", escape(text)))


def _described(description):
    """(the description without its list of choices or house-rule prefix, as HTML;
    [(code, meaning)])."""
    choices = [(m["code"], m["label"]) for m in CHOICE.finditer(description)]
    text = SHOWN_PUBLICLY.sub("", CHOICE.sub("", description)).strip()
    return _html(text[:1].upper() + text[1:]), choices


def _fields(component, components):
    """Each field of a component schema: its name, type, meaning and values (for a choice)."""
    rows = []
    for name, field in component.get("properties", {}).items():
        description = field.get("description", "")
        kinds = [field] + field.get("allOf", []) + field.get("oneOf", [])
        kinds = [components[k["$ref"].rsplit("/", 1)[1]] if "$ref" in k else k for k in kinds]
        values = [value for k in kinds for value in k.get("enum", [])]
        kind = next((k["type"] for k in kinds if k.get("type")), "")
        if values:
            kind = "string, one of the values listed"
            if "" in values:
                kind += ", or empty"
        elif kind == "array":
            kind = "list"
        elif "format" in field:
            kind = f"{kind} ({field['format']})"
        if field.get("nullable") or None in values:
            kind += ", or null"
        text, choices = _described(description)
        rows.append({"name": name, "kind": kind, "description": text, "choices": choices})
    return rows


def _filters(parameters):
    """Each filter of a list: its name, what it is, and the values it takes."""
    rows = []
    for parameter in parameters:
        if parameter["in"] != "query" or parameter["name"] in ("page", "page_size", "format"):
            continue
        text, choices = _described(parameter.get("description", ""))
        rows.append(
            {
                "name": parameter["name"],
                "label": text,
                "choices": choices,
                "takes": FILTER_VALUES.get(parameter["name"], ""),
            }
        )
    return rows


def endpoints():
    """Each list in the API: its path, what it holds, its filters and its records' fields."""
    document = schema()
    components = document["components"]["schemas"]
    lists = []
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if get is None or "{" in path or path.endswith("/schema/"):
            continue
        page = get["responses"]["200"]["content"]["application/json"]["schema"]
        paged = components[page["$ref"].rsplit("/", 1)[1]]
        record = paged["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[1]
        lists.append(
            {
                "path": path,
                "description": _html(get.get("description", "").strip()),
                "filters": _filters(get.get("parameters", [])),
                "fields": _fields(components[record], components),
            }
        )
    return lists


PERIODS = {"s": "a second", "m": "a minute", "h": "an hour", "d": "a day"}


def rate_words(rate):
    """A DRF throttle rate in words: "300/minute" reads "300 requests a minute"."""
    number, _, period = rate.partition("/")
    return f"{int(number):,} requests {PERIODS.get(period[:1], 'per ' + period)}"


def api_docs(request):
    return render(
        request,
        "opendata/api_docs.html",
        {
            "endpoints": endpoints(),
            "rate": rate_words(settings.API_RATE),
            "max_age": settings.API_MAX_AGE,
            "crumbs": [("Home", "/"), ("Open data API", None)],
        },
    )
