import functools

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from lsp_directory.links import slug_url

from .choices import (
    AreaKind,
    BodyKind,
    DocumentKind,
    InfrastructureType,
    OrganisationKind,
    Sector,
    Selection,
    Theme,
)
from .managers import (
    AreaQuerySet,
    BodyQuerySet,
    CuratedQuerySet,
    DocumentQuerySet,
    OrganisationQuerySet,
    PartnershipQuerySet,
    SeatQuerySet,
    stale_before,
)
from .text import fold

PUBLIC = "Shown publicly."


def shown_publicly(field):
    """Whether the public sees a field: the house rule is that its help text says so first
    ("Shown publicly. ...", "Shown publicly: ...")."""
    return field.help_text.startswith("Shown publicly")


def unique_slug(instance, value, max_length=80):
    """A slug for value that no other row of the instance's model already has."""
    base = slugify(value)[:max_length].strip("-") or "record"
    slug, n = base, 2
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    while others.filter(slug=slug).exists():
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)] + suffix
        n += 1
    return slug


class FoldedName:
    """Keeps search_name, the folded form of name that search matches, in step with name."""

    @classmethod
    def folded(cls, name):
        """name as search matches it, cut to fit: folding can lengthen it ("&" is " and ")."""
        return fold(name)[: cls._meta.get_field("search_name").max_length]

    def save(self, *args, **kwargs):
        self.search_name = self.folded(self.name)
        super().save(*args, **kwargs)


@functools.cache
def choice_labels(field):
    """A field's choices, value -> label, as text (the site is in English only)."""
    return {value: str(label) for value, label in field.flatchoices}


class Curated(models.Model):
    """A record curators keep true: it says when it was last checked, and by whom."""

    last_verified_on = models.DateField(
        null=True,
        blank=True,
        help_text="Shown publicly. The day a curator last confirmed this record is right.",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The curator who last confirmed this record. Not shown publicly.",
    )
    is_demo = models.BooleanField(
        default=False,
        help_text="Invented demonstration data; every public page showing it says so.",
    )

    # How a record reaches the areas it belongs to, as lookups ending at Area; curation.rules
    # derives from them who may curate the record. Every curated model declares its own.
    area_paths = ()
    # Whose public page shows a record that has none of its own (a seat: its partnership's),
    # as paths tried in turn; empty for a record with its own page (get_absolute_url).
    shown_on = ()

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        """What get_<field>_display() says. Django builds a dict of the field's choices at
        every call; the site's choices are fixed, so each field's is built once (a
        partnership page writes a few hundred labels)."""
        value = getattr(self, field.attname)
        return choice_labels(field).get(value, value)

    def public_page(self):
        """The record whose public page shows this one."""
        for path in self.shown_on:
            owner = self
            for name in path.split("__"):
                owner = getattr(owner, name)
            if owner is not None:
                return owner
        return self

    @property
    def is_stale(self):
        """Never verified, or verified longer ago than STALE_AFTER_MONTHS."""
        return self.last_verified_on is None or self.last_verified_on < stale_before()


def curated_models():
    """Every model whose records curators keep true (the concrete subclasses of Curated)."""
    from django.apps import apps

    return [model for model in apps.get_models() if issubclass(model, Curated)]


class Region(models.Model):
    """One of the nine English regions."""

    area_paths = ("areas",)

    code = models.CharField(max_length=9, unique=True, help_text="ONS GSS code, e.g. E12000001.")
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("partnerships:region", self.slug)


class Area(FoldedName, models.Model):
    """A local authority area, loaded from the ONS lookup."""

    gss_code = models.CharField(
        "GSS code", max_length=9, unique=True, help_text="ONS code, e.g. E06000001."
    )
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=130, unique=True)
    kind = models.CharField(max_length=30, choices=AreaKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="areas")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The upper-tier (county) authority of a district.",
    )
    replaces = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="replaced_by",
        help_text="Older areas this one took over in a reorganisation.",
    )
    is_current = models.BooleanField(
        default=True, help_text="False once a reorganisation has abolished the area."
    )
    search_name = models.CharField(max_length=200, editable=False, db_index=True, default="")

    area_paths = ("pk",)
    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("partnerships:area", self.slug)


class Place(FoldedName, models.Model):
    """A town or village by one of its names, placed in the local authority area around it,
    so that search finds "Scunthorpe" in North Lincolnshire. Loaded by `load_places` from
    GeoNames; not curated."""

    name = models.CharField(max_length=200)
    search_name = models.CharField(max_length=200, editable=False, db_index=True, default="")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="places")
    population = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(
        max_length=100,
        unique=True,
        help_text="Where the name comes from, e.g. geonames:2638324, or geonames:2645425/hull "
        "for a short name.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Partnership(FoldedName, Curated):
    """A Local Strategic Partnership."""

    name = models.CharField(max_length=200, help_text=PUBLIC)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    areas = models.ManyToManyField(
        Area, related_name="partnerships", help_text="Shown publicly. The areas it covers."
    )
    website = models.URLField(blank=True, help_text=PUBLIC)
    contact_email = models.EmailField(
        blank=True,
        help_text="Shown publicly: the partnership's own office address, not a person's.",
    )
    contact_phone = models.CharField(max_length=40, blank=True, help_text=PUBLIC)
    description = models.TextField(blank=True, help_text=PUBLIC)
    has_womens_forum = models.BooleanField("has a women's forum", default=False, help_text=PUBLIC)
    search_name = models.CharField(max_length=250, editable=False, db_index=True, default="")

    area_paths = ("areas",)
    history = HistoricalRecords(m2m_fields=[areas])
    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            # Lists of seats are sorted by partnership name: with this index PostgreSQL reads
            # the first page in order instead of sorting every matching seat.
            models.Index(fields=["name", "id"], name="partnership_name_idx"),
            # Every page asks whether any demo record is left (showing_demo_data).
            models.Index(fields=["id"], condition=Q(is_demo=True), name="partnership_demo_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("partnerships:partnership", self.slug)

    @property
    def report_url(self):
        """Where to report something wrong about it."""
        return slug_url("curation:report", self.slug, "partnership")

    @property
    def womens_forum_recorded(self):
        """A women's forum is recorded when a curator ticked has_womens_forum or a network of
        kind women's forum feeds into this partnership (annotated by with_womens_forum())."""
        if self.has_womens_forum:
            return True
        known = getattr(self, "womens_forum_network", None)
        if known is None:
            from networks.choices import NetworkKind

            known = self.networks.filter(kind=NetworkKind.WOMENS_FORUM).exists()
        return known


class Body(Curated):
    """A partnership's board, or one of the themed groups that feed into it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="bodies")
    kind = models.CharField(max_length=20, choices=BodyKind.choices, help_text=PUBLIC)
    theme = models.CharField(
        max_length=40,
        choices=Theme.choices,
        blank=True,
        help_text="Shown publicly. Empty for a board; required for a themed group.",
    )
    name = models.CharField(max_length=200, help_text=PUBLIC)
    feeds_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fed_by",
        help_text="Shown publicly. The body this one reports to, usually the board.",
    )

    area_paths = ("partnership__areas",)
    shown_on = ("partnership",)
    history = HistoricalRecords()
    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "bodies"
        ordering = ["partnership__name", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="body_name_unique"),
            models.CheckConstraint(
                condition=Q(kind=BodyKind.BOARD, theme="")
                | (Q(kind=BodyKind.THEMED_GROUP) & ~Q(theme="")),
                name="body_theme_matches_kind",
                violation_error_message="A board has no theme; a themed group needs one.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.partnership})"


class Organisation(Curated):
    """An organisation that holds seats, owns documents or supports the sector."""

    name = models.CharField(max_length=200, help_text=PUBLIC)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices, help_text=PUBLIC)
    infrastructure_type = models.CharField(
        max_length=20,
        choices=InfrastructureType.choices,
        blank=True,
        help_text="Shown publicly. Only for local infrastructure organisations.",
    )
    is_womens_organisation = models.BooleanField(
        "women's organisation",
        default=False,
        help_text="Shown publicly, and counted in the representation report.",
    )
    areas = models.ManyToManyField(
        Area, related_name="organisations", blank=True, help_text="Shown publicly."
    )
    website = models.URLField(blank=True, help_text=PUBLIC)
    email = models.EmailField(blank=True, help_text="Shown publicly: the organisation's address.")
    phone = models.CharField(max_length=40, blank=True, help_text=PUBLIC)
    charity_number = models.CharField(max_length=20, blank=True, help_text=PUBLIC)
    national_help = models.CharField(
        "national help",
        max_length=200,
        blank=True,
        help_text=(
            "Shown publicly on every area page. Only for a national body people can turn to "
            "anywhere: what it helps with, e.g. 'Find your local CVS'. Blank for others."
        ),
    )

    area_paths = ("areas",)
    # Any curator may see and choose one for a seat: a national charity holds seats everywhere.
    shared_with_curators = True
    history = HistoricalRecords(m2m_fields=[areas])
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(infrastructure_type="") | Q(kind=OrganisationKind.INFRASTRUCTURE),
                name="organisation_infrastructure_type_only_for_infrastructure",
            ),
        ]
        indexes = [
            # The few women's organisations, read whole by Seat.objects.womens().
            models.Index(
                fields=["id"],
                condition=Q(is_womens_organisation=True),
                name="organisation_womens_idx",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("partnerships:organisation", self.slug)


class Person(Curated):
    """Someone who sits on a body. Contact details go public only with consent."""

    name = models.CharField(max_length=200, help_text=PUBLIC)
    email = models.EmailField(
        blank=True, help_text="Shown publicly only when 'publish contact' is ticked."
    )
    phone = models.CharField(
        max_length=40, blank=True, help_text="Shown publicly only when 'publish contact' is ticked."
    )
    publish_contact = models.BooleanField(
        default=False,
        help_text="Tick only when the person has agreed to their email and phone being public.",
    )
    consent_given_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the person agreed to publication. Not shown publicly.",
    )
    consent_method = models.CharField(
        max_length=200,
        blank=True,
        help_text="How consent was given, e.g. 'email of 3 March'. Not shown publicly.",
    )

    area_paths = ("seats__body__partnership__areas",)
    private_fields = ("email", "phone", "consent_given_on", "consent_method")
    history = HistoricalRecords()
    objects = CuratedQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "people"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def public_email(self):
        return self.email if self.publish_contact else ""

    @property
    def public_phone(self):
        return self.phone if self.publish_contact else ""


class Seat(Curated):
    """A person sitting on a body, for a sector, on behalf of an organisation."""

    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="seats",
        help_text="Empty once the person has been erased at their request; the seat stays.",
    )
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="seats")
    sector = models.CharField(max_length=20, choices=Sector.choices, help_text=PUBLIC)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seats",
        help_text="Shown publicly. Whom the person represents.",
    )
    role = models.CharField(max_length=100, blank=True, help_text="Shown publicly, e.g. Chair.")
    selection = models.CharField(
        "how selected",
        max_length=20,
        choices=Selection.choices,
        blank=True,
        help_text=PUBLIC,
    )
    start_date = models.DateField(null=True, blank=True, help_text=PUBLIC)
    end_date = models.DateField(
        null=True, blank=True, help_text="Shown publicly. Empty while the seat is held."
    )
    vacant = models.BooleanField(
        default=False,
        help_text="Shown publicly. Nobody holds the seat yet: it is open to be filled.",
    )
    selection_closes = models.DateField(
        null=True,
        blank=True,
        help_text="Shown publicly. For a vacant seat: the last day to apply or be put forward.",
    )
    how_to_apply = models.CharField(
        max_length=300,
        blank=True,
        help_text=(
            "Shown publicly. For a vacant seat: a link, or who runs the selection "
            "(usually the local CVS) and how to reach them."
        ),
    )

    area_paths = ("body__partnership__areas",)
    shown_on = ("body__partnership",)
    # Written by curators in their own words, so it may name a person: erasure strikes them.
    free_text = ("how_to_apply",)
    history = HistoricalRecords()
    objects = SeatQuerySet.as_manager()

    class Meta:
        ordering = ["body", "person__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="seat_ends_after_it_starts",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(vacant=False) | Q(person__isnull=True),
                name="vacant_seat_has_no_holder",
                violation_error_message="A vacant seat has nobody in it: remove the person.",
            ),
        ]
        indexes = [
            models.Index(fields=["sector", "end_date"]),
            # The open seats list (/get-involved/): vacancies, and held seats by when they
            # end, so it reads its few hundred seats rather than every seat.
            models.Index(
                fields=["selection_closes"], condition=Q(vacant=True), name="seat_vacancy_idx"
            ),
            models.Index(fields=["end_date"], condition=Q(vacant=False), name="seat_held_end_idx"),
            # The lists and the API, filtered by place: a partnership's bodies' seats are
            # chosen from this index alone (PostgreSQL's INCLUDE), without reading each row.
            models.Index(
                fields=["body", "sector"],
                include=["vacant", "start_date", "end_date", "organisation"],
                name="seat_body_cover_idx",
            ),
        ]

    def __str__(self):
        return f"{self.holder_name} on {self.body}"

    def clean_fields(self, exclude=None):
        """Field checks, then the open seat's: a vacant seat has nobody in it; only a vacant
        seat has a closing date or a way to apply. Each is said on its field, so a form shows
        it there rather than the database refusing the row (vacant_seat_has_no_holder); here
        rather than in clean(), which does not know which fields a form leaves out (the seat
        rows of a body's or a person's page do not show the closing date or how to apply, nor
        a person's page the person), and so that those say on the row what to do instead."""
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        left_out = set(exclude or ())
        for field, beside, elsewhere in self.open_seat_problems(
            shows_vacant="vacant" not in left_out
        ):
            if field in errors:
                continue  # its value is already refused
            key = NON_FIELD_ERRORS if field in left_out else field
            errors.setdefault(key, []).append(elsewhere if field in left_out else beside)
        if errors:
            raise ValidationError(errors)

    def open_seat_problems(self, shows_vacant=True):
        """(field, said beside it, said where it is not shown) for each broken rule."""
        if self.vacant and self.person_id:
            yield (
                "person",
                "A vacant seat has nobody in it: remove the person, or untick 'vacant' if "
                "the seat has been filled."
                if shows_vacant
                else "A vacant seat has nobody in it: leave the person empty here, and open "
                "the seat to fill it (untick 'vacant' there and choose the person).",
                "This seat is marked vacant, so it has nobody in it: open the seat to fill it "
                "(untick 'vacant' there and choose the person).",
            )
        if not self.vacant:
            if self.selection_closes:
                yield (
                    "selection_closes",
                    "Only a vacant seat has a closing date: tick 'vacant', or clear the date.",
                    "This seat is held, but has a closing date for applications: open the seat "
                    "and clear it (only a vacant seat has one).",
                )
            if self.how_to_apply:
                yield (
                    "how_to_apply",
                    "Only a vacant seat says how to apply: tick 'vacant', or clear this.",
                    "This seat is held, but says how to apply: open the seat and clear it "
                    "(only a vacant seat says how to apply).",
                )

    @property
    def report_url(self):
        """Where to report something wrong about it."""
        return slug_url("curation:report", str(self.pk), "seat")

    @property
    def holder_name(self):
        if self.vacant:
            return "Vacant"
        return self.person.name if self.person else "Name removed at the person's request"

    @property
    def term(self):
        start, end = self.start_date, self.end_date
        if start and end:
            return f"{start:%B %Y} to {end:%B %Y}"
        if start:
            return f"since {start:%B %Y}"
        return f"until {end:%B %Y}" if end else ""

    @property
    def how_and_when(self):
        """How the holder was chosen and their term, as one sentence for a person's card:
        "Elected, May 2006 to May 2009.", or "" when neither is recorded."""
        said = ", ".join(part for part in [self.get_selection_display(), self.term] if part)
        return f"{said}." if said else ""


class Document(Curated):
    """A Sustainable Community Strategy, Local Area Agreement or Gender Equality Scheme."""

    kind = models.CharField(max_length=3, choices=DocumentKind.choices, help_text=PUBLIC)
    title = models.CharField(max_length=200, help_text=PUBLIC)
    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
        help_text="Owner of a strategy or agreement.",
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
        help_text="Owner of a Gender Equality Scheme (council, health body or police).",
    )
    start_year = models.PositiveSmallIntegerField(null=True, blank=True, help_text=PUBLIC)
    end_year = models.PositiveSmallIntegerField(null=True, blank=True, help_text=PUBLIC)
    url = models.URLField("link", blank=True, help_text=PUBLIC)
    priorities = models.TextField(
        blank=True, help_text="Shown publicly. Priorities or targets, one per line."
    )

    area_paths = ("partnership__areas", "organisation__areas")
    shown_on = ("partnership", "organisation")
    history = HistoricalRecords()
    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "title"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=[DocumentKind.SCS, DocumentKind.LAA], partnership__isnull=False)
                    | Q(kind=DocumentKind.GES, organisation__isnull=False)
                ),
                name="document_has_its_owner",
                violation_error_message=(
                    "A strategy or agreement belongs to a partnership; "
                    "a Gender Equality Scheme to an organisation."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="document_period_in_order",
                violation_error_message="The period cannot end before it starts.",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def period(self):
        if self.start_year and self.end_year:
            return f"{self.start_year} to {self.end_year}"
        return str(self.start_year or self.end_year or "")

    def priority_list(self):
        return [line.strip() for line in self.priorities.splitlines() if line.strip()]


# -- The representation report's stored summary (partnerships/summary.py) -------------------


class PartnershipTally(models.Model):
    """A partnership's tally (partnerships/tallies.py) as last added into its scopes, and
    its figures for each choice of status and body. Not a constrained foreign key: the row
    outlives its partnership until the summary takes the tally away again."""

    partnership = models.OneToOneField(
        Partnership,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    scopes = models.JSONField(help_text="The scopes its tally is added into.")
    tally = models.JSONField()
    figures = models.JSONField()

    def __str__(self):
        return f"Tally of partnership {self.pk}"


class ScopeTally(models.Model):
    """England's, a region's, or the region-less partnerships' summed tally on a day, and
    the figures the report shows of it."""

    key = models.CharField(primary_key=True, max_length=30)  # england, region-<pk>, none
    day = models.DateField()
    tally = models.JSONField()
    figures = models.JSONField()

    def __str__(self):
        return f"Tally of {self.key} on {self.day}"


class TallyQueue(models.Model):
    """What has changed since the summary was last brought up to date: rows written by the
    database's own triggers (migration 0010) in the same transaction as the change, so no
    way of writing (admin, import, erasure, SQL) can leave the summary behind."""

    partnership_id = models.IntegerField(null=True)
    region_id = models.IntegerField(null=True)
    organisations = models.BooleanField(db_default=False)  # England's organisations

    def __str__(self):
        return f"Queued change {self.pk}"
