"""Report something wrong: /report/<kind>/<slug or seat number>/ and its thank-you page."""

from django.urls import re_path

from . import views
from .forms import REPORTABLE

app_name = "curation"

KIND = "(?P<kind>{})".format("|".join(REPORTABLE))
KEY = "(?P<key>[-a-zA-Z0-9_]+)"

urlpatterns = [
    re_path(rf"^report/{KIND}/{KEY}/$", views.report, name="report"),
    re_path(rf"^report/{KIND}/{KEY}/thanks/$", views.report_thanks, name="report_thanks"),
]
