"""What the public can report as wrong, and the form they report it with.

Each kind of record a report can be about (a partnership, a network, a seat) knows how to
find itself from the address, how to name itself in the moderation queue, which areas' curators
it goes to, and where its public page is.
"""

from django import forms
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.text import Truncator

from networks.models import Network
from partnerships.models import Area, Partnership, Seat

from .models import Correction

MESSAGE_MAX_LENGTH = 2000
LABEL_MAX_LENGTH = Correction._meta.get_field("record_label").max_length


class ReportablePartnership:
    kind = "partnership"
    model = Partnership
    noun = "partnership"

    def get_or_404(self, key):
        return get_object_or_404(Partnership.objects.prefetch_related("areas"), slug=key)

    def key(self, partnership):
        return partnership.slug

    def label(self, partnership):
        return f"Partnership: {partnership.name}"

    def title(self, partnership):
        return partnership.name

    def area_ids(self, partnership):
        return [area.pk for area in partnership.areas.all()]

    def public_url(self, partnership):
        return partnership.get_absolute_url()

    def public_name(self, partnership):
        return partnership.name


class ReportableNetwork(ReportablePartnership):
    kind = "network"
    model = Network
    noun = "network"

    def get_or_404(self, key):
        return get_object_or_404(
            Network.objects.select_related("region").prefetch_related("areas"), slug=key
        )

    def label(self, network):
        return f"{network.get_kind_display()}: {network.name}"

    def area_ids(self, network):
        """Its areas; for a regional network recorded with only a region, the region's."""
        ids = [area.pk for area in network.areas.all()]
        if not ids and network.region_id:
            ids = list(
                Area.objects.filter(region_id=network.region_id).values_list("pk", flat=True)
            )
        return ids


class ReportableSeat(ReportablePartnership):
    kind = "seat"
    model = Seat
    noun = "representative"

    def get_or_404(self, key):
        if not str(key).isdigit():
            raise Http404("A seat is known by its number.")
        seats = Seat.objects.select_related("person", "body__partnership").prefetch_related(
            "body__partnership__areas"
        )
        return get_object_or_404(seats, pk=key)

    def key(self, seat):
        return seat.pk

    def label(self, seat):
        return f"Seat: {seat.holder_name} on {seat.body.name} ({seat.body.partnership.name})"

    def title(self, seat):
        return f"{seat.holder_name}, {seat.body.name}"

    def area_ids(self, seat):
        return [area.pk for area in seat.body.partnership.areas.all()]

    def public_url(self, seat):
        """The partnership page, which lists its current seats."""
        return seat.body.partnership.get_absolute_url()

    def public_name(self, seat):
        return seat.body.partnership.name


REPORTABLE = {
    kind.kind: kind for kind in (ReportablePartnership(), ReportableNetwork(), ReportableSeat())
}
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
