"""What the public can report as wrong, and the form they report it with.

Every curated record with a public page, or shown on another's (a seat on its partnership's),
can be reported; the kinds are derived from the models (`partnerships.models.curated_models`),
so a new curated model is reportable without a list to keep. A report goes to the curators
of the areas the record belongs to (curation.rules).
"""

from django import forms
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.text import Truncator, capfirst

from partnerships.models import Area, curated_models

from . import rules
from .models import Correction

MESSAGE_MAX_LENGTH = 2000
LABEL_MAX_LENGTH = Correction._meta.get_field("record_label").max_length


class Reportable:
    """One kind of record the public can report: how the address finds it, how the queue
    names it, which curators it goes to and where its public page is."""

    heading = "Report something wrong"
    form_template = "curation/report_form.html"
    thanks_template = "curation/report_thanks.html"

    def __init__(self, model):
        self.model = model
        self.kind = model._meta.model_name
        self.noun = model._meta.verbose_name
        self.by_slug = any(field.name == "slug" for field in model._meta.fields)

    def queryset(self):
        """The records, with the owners whose page shows them."""
        return self.model._default_manager.select_related(*self.model.shown_on)

    def get_or_404(self, key):
        if self.by_slug:
            return get_object_or_404(self.queryset(), slug=key)
        if not (str(key).isascii() and str(key).isdigit()):  # "²".isdigit() is true
            raise Http404(f"A {self.noun} is known by its number.")
        return get_object_or_404(self.queryset(), pk=key)

    def key(self, record):
        return record.slug if self.by_slug else record.pk

    def label(self, record):
        """'Partnership: Hartlepool Partnership'; the kind where it has one ('Community
        Empowerment Network: ...')."""
        kind = record.get_kind_display() if hasattr(record, "get_kind_display") else self.noun
        return f"{capfirst(kind)}: {record}"

    def title(self, record):
        return str(record)

    def area_ids(self, record):
        return rules.areas_of(record)

    def area_names(self, record):
        """The names of the areas whose curators receive a report about record."""
        areas = Area.objects.filter(pk__in=self.area_ids(record)).order_by("name")
        return list(dict.fromkeys(areas.values_list("name", flat=True)))

    def public_url(self, record):
        return record.public_page().get_absolute_url()

    def public_name(self, record):
        return str(record.public_page())

    def form(self, *args, **kwargs):
        return CorrectionForm(*args, **kwargs)


class PartnershipHere(Reportable):
    """What "Tell us about the partnership here" sends, from an area's page: news of its
    partnership (often one not recorded yet), stored as a report about the area and routed to
    the curators of that area. The same form, honeypot and rate limit as a report."""

    heading = "Tell us about the partnership here"
    form_template = "curation/tell_us_form.html"
    thanks_template = "curation/tell_us_thanks.html"

    def __init__(self):
        super().__init__(Area)

    def queryset(self):
        return Area.objects.select_related("region")

    def label(self, record):
        return f"Partnership in {record.name} ({record.get_kind_display().lower()})"

    def area_ids(self, record):
        return [record.pk]

    def public_url(self, record):
        return record.get_absolute_url()

    def public_name(self, record):
        return record.name

    def form(self, *args, **kwargs):
        return PartnershipHereForm(*args, **kwargs)


def is_reportable(model):
    """Whether the public sees model's records: on a page of their own or of their owner."""
    return hasattr(model, "get_absolute_url") or bool(model.shown_on)


REPORTABLE = {
    reportable.kind: reportable
    for reportable in (Reportable(model) for model in curated_models() if is_reportable(model))
}
REPORTABLE[Area._meta.model_name] = PartnershipHere()
REPORTABLE_BY_MODEL = {kind.model: kind for kind in REPORTABLE.values()}


def public_url(record):
    """The public page of a record a report is about ("" for a kind the public cannot report)."""
    reportable = REPORTABLE_BY_MODEL.get(type(record))
    return reportable.public_url(record) if reportable else ""


class CorrectionForm(forms.ModelForm):
    """A member of the public says what is wrong; an email address is optional.

    `website` is a honeypot: people never see it, form-filling robots fill it in.
    """

    # Browsers validate nothing: the error summary is the one way errors are shown.
    use_required_attribute = False

    message = forms.CharField(
        label="What is wrong?",
        max_length=MESSAGE_MAX_LENGTH,
        help_text=(
            "For example, a representative who has left, a new email address or a wrong "
            "website. Tell us the right details if you know them. "
            f"Up to {MESSAGE_MAX_LENGTH:,} characters."
        ),
        error_messages={
            "required": "Enter what is wrong",
            "max_length": (
                f"What is wrong must be {MESSAGE_MAX_LENGTH:,} characters or fewer "
                "(you entered %(show_value)d)"
            ),
            "null_characters_not_allowed": "What is wrong must not contain null characters",
        },
        widget=forms.Textarea(attrs={"rows": 8, "class": "textarea", "spellcheck": "true"}),
    )
    email = forms.EmailField(
        label="Your email address (optional)",
        required=False,
        max_length=254,
        help_text="Only to reply to you. It is never shown publicly.",
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Your email address must be 254 characters or fewer",
        },
        widget=forms.EmailInput(
            attrs={
                "class": "input input--width-30",
                "autocomplete": "email",
                "spellcheck": "false",
            }
        ),
    )
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Correction
        fields = ["message", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Say "too long" after submitting rather than silently cutting pasted text short.
        self.fields["message"].widget.attrs.pop("maxlength", None)

    @property
    def filled_by_a_robot(self):
        """Whether the honeypot was filled in (only a bound form can tell)."""
        return self.is_bound and bool(self.data.get("website", "").strip())

    def save_report(self, *, reportable, record, client_key):
        """Store the report about record, routed to the curators of its areas."""
        with transaction.atomic():
            correction = self.save(commit=False)
            correction.record = record
            correction.record_label = Truncator(reportable.label(record)).chars(LABEL_MAX_LENGTH)
            correction.client_key = client_key
            correction.save()
            correction.areas.set(reportable.area_ids(record))
        return correction


class PartnershipHereForm(CorrectionForm):
    """What someone knows about the partnership of an area: who runs it, its website, who
    sits on it for the voluntary sector. The same fields, honeypot and checks as a report."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        message = self.fields["message"]
        message.label = "What do you know about the partnership here?"
        message.help_text = (
            "For example, its name, its website or who to contact, who sits on its board for "
            "voluntary and community groups, or a women's forum or network it works with. "
            f"Up to {MESSAGE_MAX_LENGTH:,} characters."
        )
        message.error_messages = {
            **message.error_messages,
            "required": "Enter what you know about the partnership here",
            "max_length": (
                f"What you know must be {MESSAGE_MAX_LENGTH:,} characters or fewer "
                "(you entered %(show_value)d)"
            ),
        }
