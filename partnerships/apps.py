from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partnerships and representatives"
