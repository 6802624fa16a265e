"""/data/: the data package, described and downloadable."""

from django.http import FileResponse, HttpResponse
from django.shortcuts import render

from . import datapackage


def data_page(request):
    return render(
        request,
        "opendata/data.html",
        {
            "tables": datapackage.TABLES,
            "crumbs": [("Home", "/"), ("Download the data", None)],
        },
    )


def data_package(request):
    """The zip for the data as it is now: built on the first request after a change."""
    try:
        path = datapackage.current()
    except datapackage.DataKeptChanging:
        response = HttpResponse(
            "The directory is being changed right now: please download it again in a minute.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "60"
        return response
    return FileResponse(
        open(path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        as_attachment=True,
        filename=f"{datapackage.NAME}.zip",
        content_type="application/zip",
    )
