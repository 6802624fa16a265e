"""Downloads of the representatives list: the same filters and order as /representatives/.
These views only pick a format and set headers; the rows come from exports.py."""

import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.views.decorators.http import require_safe

from . import exports


def attachment(extension, filterset):
    name = exports.filename(extension, filterset)
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def seat_filterset(request):
    """The HTML list's FilterSet; a bad filter value is left out and the others apply."""
    return exports.seat_filterset(request.GET, request=request)


@require_safe
def seats_csv(request):
    filterset = seat_filterset(request)
    return StreamingHttpResponse(
        exports.csv_bytes(filterset.qs, bom=request.GET.get("bom") == "1"),
        content_type=exports.CONTENT_TYPES["csv"],
        headers=attachment("csv", filterset),
    )


@require_safe
def seats_json(request):
    filterset = seat_filterset(request)
    return StreamingHttpResponse(
        exports.json_chunks(filterset.qs, filterset),
        content_type=exports.CONTENT_TYPES["json"],
        headers=attachment("json", filterset),
    )


@require_safe
def seats_xlsx(request):
    # An .xlsx is a zip, finished only when its directory is written last, so it cannot be
    # streamed row by row: build it in a temporary file (deleted when the response closes).
    filterset = seat_filterset(request)
    file = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        exports.write_xlsx(filterset.qs, file, title=filterset.description)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=exports.filename("xlsx", filterset),
        content_type=exports.CONTENT_TYPES["xlsx"],
    )
