"""Bulk imports in the curator admin (upload, preview, confirm)."""

app_name = "curation_import"

urlpatterns = []
