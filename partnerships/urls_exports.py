"""Downloads of filtered lists (CSV, Excel, JSON)."""

app_name = "exports"

urlpatterns = []
