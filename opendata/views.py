"""/data/: the data package, described and downloadable."""

from django.http import FileResponse
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
    path = datapackage.current()
    return FileResponse(
        open(path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        as_attachment=True,
        filename=f"{datapackage.NAME}.zip",
        content_type="application/zip",
    )
