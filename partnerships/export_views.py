"""Downloads of the representatives list: the same filters and order as /representatives/.
These views only pick a format and set headers; the rows come from exports.py."""

import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.views.decorators.http import require_safe

from . import exports


def attachment(extension):
    return {"Content-Disposition": f'attachment; filename="{exports.filename(extension)}"'}


def filtered_seats(request):
    """The HTML list's queryset; a bad filter value is left out and the others apply."""
    return exports.seat_filterset(request.GET, request=request).qs


@require_safe
def seats_csv(request):
    return StreamingHttpResponse(
        exports.csv_chunks(filtered_seats(request), bom=request.GET.get("bom") == "1"),
        content_type=exports.CONTENT_TYPES["csv"],
        headers=attachment("csv"),
    )


@require_safe
def seats_json(request):
    return StreamingHttpResponse(
        exports.json_chunks(filtered_seats(request)),
        content_type=exports.CONTENT_TYPES["json"],
        headers=attachment("json"),
    )


@require_safe
def seats_xlsx(request):
    # An .xlsx is a zip, finished only when its directory is written last, so it cannot be
    # streamed row by row: build it in a temporary file (deleted when the response closes).
    file = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        exports.write_xlsx(filtered_seats(request), file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=exports.filename("xlsx"),
        content_type=exports.CONTENT_TYPES["xlsx"],
    )
