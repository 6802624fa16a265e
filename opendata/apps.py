from django.apps import AppConfig


class OpendataConfig(AppConfig):
    """The directory as data for machines: the read-only API."""

    name = "opendata"
    verbose_name = "Open data"
