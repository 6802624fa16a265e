from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = "Networks and forums"
