"""The representation report, as HTML and JSON."""

app_name = "report"

urlpatterns = []
