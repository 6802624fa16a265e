"""The admin's autocomplete, asked only about fields that can have one.

Django 5.2's autocomplete view accepts any field name of the source model; a reverse relation
(`field_name=seats` on a person) then fails with a 500 where an unknown name gets a 403. This
guard answers 403 for every field that is not a concrete foreign key or many-to-many field,
before Django's view runs.
"""

import functools

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied


def is_autocomplete_field(app_label, model_name, field_name):
    try:
        field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
    except (LookupError, FieldDoesNotExist, ValueError):
        return False
    return field.concrete and (field.many_to_one or field.many_to_many)


def guarded(view):
    @functools.wraps(view)
    def autocomplete_view(request):
        params = request.GET
        names = (params.get("app_label", ""), params.get("model_name", ""))
        if not is_autocomplete_field(*names, params.get("field_name", "")):
            raise PermissionDenied
        return view(request)

    return autocomplete_view
