"""Who may curate which areas, and what the public reports as wrong."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from partnerships.models import Area, Organisation, Region


class Curator(models.Model):
    """A curator account's patch: the areas whose records it may add and change.

    A curator given a region curates every area in it; given a county, its districts too.
    Superusers are not curators: they see everything.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="curator"
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="curators",
        help_text="The infrastructure body (CVS, RCC, equalities network) the curator works for.",
    )
    areas = models.ManyToManyField(Area, blank=True, related_name="curators")
    regions = models.ManyToManyField(Region, blank=True, related_name="curators")

    def __str__(self):
        return f"Curator {self.user}"


class CorrectionState(models.TextChoices):
    NEW = "new", "New"
    DONE = "done", "Done: record corrected"
    REJECTED = "rejected", "Rejected"


class Correction(models.Model):
    """A member of the public's report that a record is wrong, waiting for a curator."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    record_label = models.CharField(
        max_length=300, help_text="The record as the reporter saw it, kept if it is deleted."
    )
    areas = models.ManyToManyField(
        Area, blank=True, related_name="corrections", help_text="Routes the report to curators."
    )
    message = models.TextField("what is wrong")
    email = models.EmailField(
        blank=True, help_text="The reporter's address, for a reply only. Never shown publicly."
    )
    state = models.CharField(
        max_length=10, choices=CorrectionState.choices, default=CorrectionState.NEW
    )
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    curator_note = models.TextField(blank=True, help_text="Not shown publicly.")
    # A keyed hash of the reporter's address, for the rate limit; never the address itself.
    client_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    area_paths = ("areas",)
    private_fields = ("message", "email", "curator_note")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"Report about {self.record_label}"
