"""Erasing a person at their request from the admin: the "Erase this person" button of the
change page and the list's action. The erasure itself is curation.services.person_erase;
who may erase whom is curation.rules' (the same as who may change them)."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import model_ngettext, unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from . import rules
from .services import person_erase


class ErasureAdmin:
    """Mixed into the person admin (before CuratedAdmin), whose get_queryset counts seats."""

    erase_template = "admin/partnerships/person/erase_confirmation.html"

    def has_erase_permission(self, request, obj=None):
        """Who may delete people may erase one whose every seat is in their areas."""
        return admin.ModelAdmin.has_delete_permission(self, request, obj) and self.allows(
            request, rules.CHANGE, obj
        )

    def get_urls(self):
        opts = self.opts
        erase = path(
            "<path:object_id>/erase/",
            self.admin_site.admin_view(self.erase_view),
            name=f"{opts.app_label}_{opts.model_name}_erase",
        )
        return [erase, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            "has_erase_permission": self.has_erase_permission(request),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def erase_view(self, request, object_id):
        """Confirm, then erase one person."""
        person = self.get_object(request, unquote(object_id))
        if person is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_erase_permission(request, person):
            raise PermissionDenied
        if request.method == "POST":
            self.erase(request, [person])
            opts = self.opts
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            )
        return self.erase_confirmation(request, [person], action=False)

    @admin.action(description="Erase selected people at their request", permissions=["erase"])
    def erase_people(self, request, queryset):
        """Confirm, then erase the selected people."""
        people = list(queryset)
        if request.POST.get("post") == "yes":
            self.erase(request, people)
            return None
        return self.erase_confirmation(request, people, action=True)

    def erase(self, request, people):
        for person in people:
            person_erase(person=person, user=request.user)
        count = len(people)
        self.message_user(
            request,
            f"Erased {count} {model_ngettext(self.opts, count)}: their names, contact details "
            "and history are gone; their seats remain without a name.",
        )

    def erase_confirmation(self, request, people, *, action):
        context = {
            **self.admin_site.each_context(request),
            "title": "Erase at the person's request?",
            "opts": self.opts,
            "people": people,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "seat_count": sum(person.seat_count for person in people),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.erase_template, context)
