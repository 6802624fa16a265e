from django.apps import AppConfig


class CurationConfig(AppConfig):
    name = "curation"
    verbose_name = "Curation: curators, corrections and imports"

    def ready(self):
        from django.contrib import admin

        from .admin import with_curation_tasks
        from .autocomplete import guarded

        # Read when the admin's URLs are built, after every app is ready.
        admin.site.autocomplete_view = guarded(admin.site.autocomplete_view)
        admin.site.index = with_curation_tasks(admin.site.index)
        # The list of every model beside each list left a 631 px box at 1280 px; the home
        # page and the breadcrumbs lead to the other lists.
        admin.site.enable_nav_sidebar = False
