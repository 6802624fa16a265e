"""Report something wrong: the public's form, its thank-you page and the rate limit.

The reporter's address is never stored: only a keyed hash of it (`client_key`), to count how
many reports one client sent in its current hour (ReportWindow).
"""

import datetime
import logging

from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import get_text_list
from django.views.decorators.http import require_http_methods

from lsp_directory.client import client_key

from .forms import REPORTABLE
from .models import ReportWindow

logger = logging.getLogger(__name__)

RATE_LIMIT = 5
RATE_WINDOW = datetime.timedelta(hours=1)


def is_rate_limited(client):
    """Whether this client has sent RATE_LIMIT reports within its RATE_WINDOW."""
    return ReportWindow.objects.is_full(client, limit=RATE_LIMIT, length=RATE_WINDOW)


def save_within_limit(form, *, reportable, record, client):
    """Store the report if the client's window has room: counted and stored in one
    transaction, so that simultaneous reports cannot overshoot. Whether it was stored."""
    with transaction.atomic():
        if not ReportWindow.objects.take(client, limit=RATE_LIMIT, length=RATE_WINDOW):
            return False
        form.save_report(reportable=reportable, record=record, client_key=client)
    return True


def page_context(reportable, record, title):
    public_url = reportable.public_url(record)
    return {
        "reportable": reportable,
        "record": record,
        "record_title": reportable.title(record),
        "public_url": public_url,
        "public_name": reportable.public_name(record),
        "crumbs": [
            ("Home", reverse("partnerships:home")),
            (reportable.public_name(record), public_url),
            (title, None),
        ],
    }


def rate_limited(request, reportable, record, message=""):
    """429: nothing stored; what they wrote is shown back so they can keep a copy."""
    context = page_context(reportable, record, reportable.heading)
    context["message"] = message
    return render(request, "curation/report_rate_limited.html", context, status=429)


@require_http_methods(["GET", "HEAD", "POST"])
def report(request, kind, key):
    reportable = REPORTABLE[kind]
    record = reportable.get_or_404(key)
    thanks = reverse("curation:report_thanks", args=[kind, reportable.key(record)])
    client = client_key(request)

    if request.method == "POST":
        form = reportable.form(request.POST)
        if form.filled_by_a_robot:
            # Look like a success, store nothing.
            logger.info("Report about %s %s discarded: honeypot filled", kind, record.pk)
            return redirect(thanks)
        if is_rate_limited(client):
            return rate_limited(request, reportable, record, request.POST.get("message", ""))
        if form.is_valid():
            if not save_within_limit(form, reportable=reportable, record=record, client=client):
                return rate_limited(request, reportable, record, request.POST.get("message", ""))
            return redirect(thanks)
    else:
        if is_rate_limited(client):
            return rate_limited(request, reportable, record)
        form = reportable.form()

    context = page_context(reportable, record, reportable.heading)
    context["form"] = form
    return render(request, reportable.form_template, context)


AREAS_NAMED = 3  # a regional network's report goes to every area of the region


def curated_areas(names):
    """The areas a report went to, as a thank-you page names them: "Hartlepool", "Darlington
    and Hartlepool", "Barnet, Brent, Camden and 30 other areas"; "" for none."""
    if len(names) > AREAS_NAMED + 1:
        return f"{', '.join(names[:AREAS_NAMED])} and {len(names) - AREAS_NAMED} other areas"
    return get_text_list(names, "and")


def report_thanks(request, kind, key):
    reportable = REPORTABLE[kind]
    record = reportable.get_or_404(key)
    context = page_context(reportable, record, "Report sent")
    # Who receives it: the curators of these areas (routed by reportable.area_ids), or
    # only the site administrators where the record is in no area.
    context["curated_areas"] = curated_areas(reportable.area_names(record))
    return render(request, reportable.thanks_template, context)
