"""The curation admin: curator accounts and the public's corrections queue, and the admin
home's to-do list (which areas the curator covers, and how much waits in each task)."""

import functools

from django.urls import reverse

from networks.models import Network
from partnerships.models import Partnership, Seat

from . import admin_corrections, admin_curators, rules  # noqa: F401  (they register their models)
from .admin_base import NEEDS_CHECKING, areas_covered
from .models import Correction, CorrectionState

STALE = {NEEDS_CHECKING: "yes"}


def stale(records):
    return records.stale()


# (what to do, the records it is about, the list's filter, the records that filter shows);
# counted over what the user may change, one query each.
TASKS = [
    (
        "Corrections from the public to review",
        Correction,
        {"state__exact": CorrectionState.NEW},
        lambda corrections: corrections.filter(state=CorrectionState.NEW),
    ),
    ("Partnerships needing a check", Partnership, STALE, stale),
    ("Seats needing a check", Seat, STALE, stale),
    ("Vacant seats to fill", Seat, {"open": "vacant"}, lambda seats: seats.filter(vacant=True)),
    (
        "Terms ending within six months",
        Seat,
        {"open": "ending_soon"},
        lambda seats: seats.ending_soon(),
    ),
    ("Networks needing a check", Network, STALE, stale),
]


def curation_tasks(request):
    tasks = []
    for label, model, params, records in TASKS:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        count = rules.changeable(records(model._default_manager.all()), request.user).count()
        query = "&".join(f"{key}={value}" for key, value in params.items())
        tasks.append({"label": label, "url": f"{url}?{query}", "count": count})
    return tasks


def with_curation_tasks(index):
    """The admin home, told the curator's areas and the tasks with their counts."""

    @functools.wraps(index)
    def home(request, extra_context=None):
        context = {
            "areas_covered": areas_covered(request.user),
            "curation_tasks": curation_tasks(request),
            **(extra_context or {}),
        }
        return index(request, extra_context=context)

    return home
