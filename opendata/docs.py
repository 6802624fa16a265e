"""The API's documentation page: the OpenAPI document, read into plain HTML on the server
(no JavaScript), with what the schema cannot say: paging, conditional requests, limits and
how the fields map to Popolo."""

import functools

from django.conf import settings
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator


@functools.cache
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _fields(component, components):
    """(name, type, description) of each field of a component schema."""
    rows = []
    for name, field in component.get("properties", {}).items():
        if "$ref" in field:
            field = components[field["$ref"].rsplit("/", 1)[1]]
        kind = field.get("type", "")
        if "enum" in field:
            kind = "one of " + ", ".join(str(value) for value in field["enum"] if value)
        elif kind == "array":
            kind = "list"
        elif "format" in field:
            kind = f"{kind} ({field['format']})"
        if field.get("nullable"):
            kind += ", or null"
        rows.append((name, kind, field.get("description", "")))
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
        filters = [
            (p["name"], p.get("description", ""))
            for p in get.get("parameters", [])
            if p["in"] == "query" and p["name"] not in ("page", "page_size", "format")
        ]
        lists.append(
            {
                "path": path,
                "description": get.get("description", "").strip(),
                "filters": filters,
                "fields": _fields(components[record], components),
            }
        )
    return lists


def api_docs(request):
    return render(
        request,
        "opendata/api_docs.html",
        {
            "endpoints": endpoints(),
            "rate": settings.API_RATE,
            "max_age": settings.API_MAX_AGE,
            "crumbs": [("Home", "/"), ("Open data API", None)],
        },
    )
