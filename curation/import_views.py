"""Bulk import in the curator admin: upload a file, preview what it would do, confirm.

The views only move a file between the steps and show what curation.imports returns. The
uploaded file waits in the database (curation.uploads), where every server sees it, under a
random token; the token is kept in the uploader's session, so nobody else (no other session)
can preview, confirm or cancel it. Each step reads the file again: the preview is a dry run,
and the confirm step validates the whole file once more before it writes anything (the
directory may have changed in between). The file is deleted when the import is confirmed or
cancelled, and at the latest a day after it was uploaded.
"""

from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from networks.models import Network
from partnerships.models import Seat

from . import uploads
from .imports import COLUMNS, MAX_BYTES, OPTIONAL, file_import

SESSION_KEY = "curation_imports"
ROWS_SHOWN = 500
PROBLEMS_SHOWN = 500

KINDS = {
    "seats": {
        "model": Seat,
        "title": "Import seats",
        "description": (
            "One seat per row: who sits on which board or themed group of which partnership, "
            "for which organisation. Partnerships, bodies, organisations and people that do "
            "not exist yet are created."
        ),
    },
    "networks": {
        "model": Network,
        "title": "Import networks",
        "description": (
            "One Community Empowerment Network, women's network or women's forum per row, "
            "with its status and funding and when they were checked."
        ),
    },
}


def may_import(user, kind):
    """Staff with both the add and the change permission on the kind's model."""
    opts = KINDS[kind]["model"]._meta
    return user.is_active and all(
        user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
        for action in ("add", "change")
    )


def import_kind(request, kind):
    if kind not in KINDS:
        raise Http404("No such import.")
    if not may_import(request.user, kind):
        raise PermissionDenied
    return KINDS[kind]


def page(request, template, kind, title, **context):
    return render(
        request,
        template,
        {
            **admin.site.each_context(request),
            "title": title,
            "kind": kind,
            "columns": [c for c in COLUMNS[kind] if c not in OPTIONAL[kind]] if kind else [],
            "optional_columns": OPTIONAL[kind] if kind else [],
            "changelist_url": changelist_url(kind) if kind else "",
            **context,
        },
    )


def changelist_url(kind):
    opts = KINDS[kind]["model"]._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


# --- Keeping the upload between steps --------------------------------------------------------


def store_upload(request, kind, filename, data):
    """Keep the file; the session keeps only its token, kind and uploader, never the file's
    name or anything in it."""
    token = uploads.save(data, filename, owner=request.user)
    entries = request.session.get(SESSION_KEY, {})
    waiting = uploads.still_waiting(list(entries))  # forget this session's uploads that are gone
    kept = {key: entry for key, entry in entries.items() if key in waiting}
    kept[token] = {"kind": kind, "user": request.user.pk}
    request.session[SESSION_KEY] = kept
    return token


def check_upload(request, kind, token):
    """404 unless token is an upload of this kind made by this session's user."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if not entry or entry["kind"] != kind or entry["user"] != request.user.pk:
        raise Http404("This upload has expired or is not yours. Upload the file again.")


def load_upload(request, kind, token):
    """(file name, bytes) of this session's upload, or 404."""
    check_upload(request, kind, token)
    try:
        return uploads.read(token, owner=request.user)
    except uploads.Gone:
        raise Http404("This upload has expired. Upload the file again.") from None


def discard_upload(request, token):
    uploads.delete(token)
    kept = request.session.get(SESSION_KEY, {})
    kept.pop(token, None)
    request.session[SESSION_KEY] = kept


# --- The views -------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet",
        help_text="A CSV file saved as UTF-8 (with a header row), or an Excel .xlsx workbook "
        "(its first sheet, with a header row). At most 20 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1e6:.1f} MB; the largest accepted is "
                f"{MAX_BYTES / 1e6:.0f} MB. Split it into several files."
            )
        return upload


@staff_member_required
def index(request):
    kinds = [
        {"kind": kind, "url": reverse("curation_import:upload", args=[kind]), **info}
        for kind, info in KINDS.items()
        if may_import(request.user, kind)
    ]
    if not kinds:
        raise PermissionDenied
    return page(request, "curation/import_index.html", "", "Import from a spreadsheet", kinds=kinds)


@staff_member_required
def upload(request, kind):
    info = import_kind(request, kind)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        filename = Path(upload.name).name[:80] or f"{kind}.csv"
        token = store_upload(request, kind, filename, upload.read())
        return redirect("curation_import:preview", kind=kind, token=token)
    return page(
        request,
        "curation/import_upload.html",
        kind,
        info["title"],
        form=form,
        description=info["description"],
    )


def preview_page(request, kind, token, result, *, confirm_failed=False):
    return page(
        request,
        "curation/import_preview.html",
        kind,
        f"{KINDS[kind]['title']}: check before you confirm",
        result=result,
        token=token,
        row_counts=result.row_counts(),
        rows_shown=result.rows[:ROWS_SHOWN],
        rows_hidden=max(0, len(result.rows) - ROWS_SHOWN),
        problems_shown=result.problems[:PROBLEMS_SHOWN],
        problems_hidden=max(0, len(result.problems) - PROBLEMS_SHOWN),
        confirm_failed=confirm_failed,
        upload_url=reverse("curation_import:upload", args=[kind]),
        confirm_url=reverse("curation_import:confirm", args=[kind, token]),
        cancel_url=reverse("curation_import:preview", args=[kind, token]),
    )


@staff_member_required
@require_http_methods(["GET", "HEAD", "POST"])
def preview(request, kind, token):
    """A dry run of the uploaded file: what would be created, changed and left alone.
    Posted to (the preview's Cancel button), it deletes the uploaded file instead."""
    import_kind(request, kind)
    if request.method == "POST":
        return cancel(request, kind, token)
    filename, data = load_upload(request, kind, token)
    result = file_import(kind=kind, data=data, filename=filename, user=request.user)
    return preview_page(request, kind, token, result)


@staff_member_required
@require_POST
def confirm(request, kind, token):
    """Validate the whole file again and, if it is still clean, write it all."""
    import_kind(request, kind)
    filename, data = load_upload(request, kind, token)
    result = file_import(kind=kind, data=data, filename=filename, user=request.user, dry_run=False)
    if not result.written:
        return preview_page(request, kind, token, result, confirm_failed=True)
    discard_upload(request, token)
    messages.success(request, f"Imported {filename}. " + "; ".join(result.summary_lines()) + ".")
    return redirect(changelist_url(kind))


def cancel(request, kind, token):
    """Delete the uploaded file without importing it."""
    check_upload(request, kind, token)
    discard_upload(request, token)
    messages.info(request, "Import cancelled: the uploaded file has been deleted.")
    return redirect("curation_import:upload", kind=kind)
