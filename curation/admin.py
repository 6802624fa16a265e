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
# (what to do, the records it is about, the list's filter); counted over what the user may
# change, one query each.
TASKS = [
    ("Corrections from the public to review", Correction, {"state__exact": CorrectionState.NEW}),
    ("Partnerships needing a check", Partnership, STALE),
    ("Seats needing a check", Seat, STALE),
    ("Networks needing a check", Network, STALE),
]


def waiting(model, params):
    """The records of model that the list opened with params shows (before the rule)."""
    if NEEDS_CHECKING in params:
        return model._default_manager.stale()
    return model._default_manager.filter(**params)


def curation_tasks(request):
    tasks = []
    for label, model, params in TASKS:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        count = rules.changeable(waiting(model, params), request.user).count()
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
