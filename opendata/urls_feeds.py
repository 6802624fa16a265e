"""Atom feeds of changes: England, a region, a partnership (opendata.feeds)."""

from django.urls import path

from . import feeds

app_name = "feeds"

urlpatterns = [
    path("changes.atom", feeds.EnglandChanges(), name="england"),
    path("regions/<slug:slug>/changes.atom", feeds.RegionChanges(), name="region"),
    path("partnerships/<slug:slug>/changes.atom", feeds.PartnershipChanges(), name="partnership"),
]
