"""The curation admin: curator accounts and the public's corrections queue."""

from . import admin_corrections, admin_curators  # noqa: F401  (they register their models)
