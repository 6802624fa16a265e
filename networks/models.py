from django.db import models
from simple_history.models import HistoricalRecords

from lsp_directory.links import slug_url
from partnerships.models import (
    PUBLIC,
    Area,
    Curated,
    Organisation,
    Partnership,
    Region,
    unique_slug,
)

from .choices import Funding, NetworkKind, NetworkStatus
from .managers import NetworkQuerySet


class Network(Curated):
    """A Community Empowerment Network, a women's network or a women's forum."""

    name = models.CharField(max_length=200, help_text=PUBLIC)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    kind = models.CharField(max_length=20, choices=NetworkKind.choices, help_text=PUBLIC)
    areas = models.ManyToManyField(
        Area, related_name="networks", blank=True, help_text="Shown publicly. The areas it serves."
    )
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="networks",
        help_text="Shown publicly. For a regional network that covers a whole region.",
    )
    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="networks",
        help_text="Shown publicly. The LSP it feeds into, if any.",
    )
    status = models.CharField(
        max_length=20,
        choices=NetworkStatus.choices,
        default=NetworkStatus.ACTIVE,
        help_text=PUBLIC,
    )
    funding = models.CharField(
        "funding status",
        max_length=20,
        choices=Funding.choices,
        default=Funding.UNKNOWN,
        help_text=PUBLIC,
    )
    status_checked_on = models.DateField(
        null=True,
        blank=True,
        help_text="Shown publicly. When the status and funding were last checked.",
    )
    members = models.ManyToManyField(
        Organisation,
        related_name="networks",
        blank=True,
        help_text="Shown publicly. Member organisations.",
    )
    website = models.URLField(blank=True, help_text=PUBLIC)
    email = models.EmailField(blank=True, help_text="Shown publicly: the network's own address.")
    phone = models.CharField(max_length=40, blank=True, help_text=PUBLIC)
    description = models.TextField(blank=True, help_text=PUBLIC)

    area_paths = ("areas", "region__areas")
    history = HistoricalRecords(m2m_fields=[areas, members])
    objects = NetworkQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("networks:network", self.slug)

    @property
    def report_url(self):
        """Where to report something wrong about it."""
        return slug_url("curation:report", self.slug, "network")
