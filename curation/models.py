"""Who may curate which areas, and what the public reports as wrong."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

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


class PendingUpload(models.Model):
    """An import file waiting between its preview and its confirmation (curation/uploads.py).

    Kept in the database, which every server shares, so that a file previewed through one
    server can be confirmed through another. It may name people and hold their contact
    details: deleted when its import is confirmed or cancelled, when a person is erased, and
    a day after it was uploaded (`manage.py purge_uploads`)."""

    token = models.CharField(max_length=64, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", editable=False
    )
    name = models.CharField("file name", max_length=80, editable=False)
    data = models.BinaryField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"Upload {self.name} waiting for confirmation"


class ReportWindowQuerySet(models.QuerySet):
    def is_full(self, client_key, *, limit, length):
        """Whether this client has sent `limit` reports in a window that is still open."""
        since = timezone.now() - length
        return self.filter(client_key=client_key, started_at__gt=since, count__gte=limit).exists()

    def take(self, client_key, *, limit, length):
        """Count one report against the client's window; False, counting nothing, when full.

        Call it inside the transaction that stores the report, so that a report that is not
        stored is not counted either. One conditional UPDATE decides, so simultaneous reports
        cannot overshoot: PostgreSQL makes the others wait for the row and re-checks `count <
        limit` against the row they then find; SQLite runs one writer at a time, and this is
        the transaction's first statement, so it waits for the lock instead of failing.
        """
        now = timezone.now()
        self.bulk_create(
            [self.model(client_key=client_key, started_at=now, count=0)], ignore_conflicts=True
        )
        ended = Q(started_at__lte=now - length)
        return bool(
            self.filter(Q(client_key=client_key) & (ended | Q(count__lt=limit))).update(
                count=Case(When(ended, then=Value(1)), default=F("count") + 1),
                started_at=Case(When(ended, then=Value(now)), default=F("started_at")),
            )
        )


class ReportWindow(models.Model):
    """How many reports one client has sent since its window opened: the report rate limit.

    One row per client that has reported; a window opens with the first report after the
    last one closed. Keyed, like Correction.client_key, by a keyed hash of the address.
    """

    client_key = models.CharField(max_length=64, unique=True, editable=False)
    started_at = models.DateTimeField(editable=False)
    count = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = ReportWindowQuerySet.as_manager()

    def __str__(self):
        return f"{self.count} reports since {self.started_at:%Y-%m-%d %H:%M}"
