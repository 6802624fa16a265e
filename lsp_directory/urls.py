from django.contrib import admin
from django.urls import include, path

from .health import healthz

admin.site.site_header = "LSP Directory curation"
admin.site.site_title = "LSP Directory curation"
admin.site.index_title = "Records you curate"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/import/", include("curation.urls_import")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("opendata.urls")),
    path("", include("opendata.urls_data")),
    path("", include("opendata.urls_feeds")),
    path("", include("partnerships.urls")),
    path("", include("partnerships.urls_exports")),
    path("", include("partnerships.urls_report")),
    path("", include("partnerships.urls_involved")),
    path("", include("networks.urls")),
    path("", include("curation.urls")),
]

handler400 = "opendata.api.bad_request"
