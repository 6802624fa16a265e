"""What the API says of each record: public fields only, named after Popolo where it has a
name for them (https://www.popoloproject.com/specs/). The documentation page (api_docs.html)
gives the mapping.

- A partnership and each of its boards and themed groups are Popolo *organizations*; a body's
  `parent_id` is its partnership.
- A seat is a Popolo *post* on a body with, when somebody holds it, the *membership* that
  fills it: `person_id`, `organization_id` (the body), `on_behalf_of_id` (the organisation
  represented), `role`, `start_date`, `end_date`. A vacant seat is a post with no person.
- A person is a Popolo *person*: a name, and an email or phone only when they consented to
  publishing them (Person.public_email / public_phone, the one rule for contacts).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lsp_directory.links import slug_url
from networks.models import Network
from partnerships.models import (
    Area,
    Body,
    Document,
    Organisation,
    Partnership,
    Person,
    Region,
    Seat,
)


def api_link(view_name, lookup):
    """The record's own URL in the API, absolute when the request is known."""
    return ApiLink(view_name=f"api:{view_name}-detail", lookup=lookup)


@extend_schema_field(OpenApiTypes.URI)
class ApiLink(serializers.Field):
    """What HyperlinkedIdentityField writes, made without a reverse() a record (slug_url):
    a page of 100 seats spent 6 ms reversing the same URL."""

    def __init__(self, *, view_name, lookup):
        self.view_name, self.lookup = view_name, lookup
        super().__init__(source="*", read_only=True, label="API URL")

    def to_representation(self, record):
        url = slug_url(self.view_name, str(getattr(record, self.lookup)))
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class EmptyIsNull:
    """A value not recorded (or not published) is null, not an empty string: "" is no email
    address and no URL, and the schema promises one or the other."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if value else None


class OptionalEmail(EmptyIsNull, serializers.EmailField):
    pass


class OptionalUrl(EmptyIsNull, serializers.URLField):
    pass


class OptionalText(EmptyIsNull, serializers.CharField):
    pass


@extend_schema_field(OpenApiTypes.URI)
class PageUrl(serializers.Field):
    """The record's page on the public site, as an absolute URL."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, label="Page on the site", **kwargs)

    def to_representation(self, record):
        request = self.context.get("request")
        path = record.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    def to_internal_value(self, data):  # pragma: no cover - the API is read-only
        raise NotImplementedError


class RegionSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="slug", read_only=True, help_text="The region's slug.")
    api_url = api_link("region", "slug")
    html_url = PageUrl()

    class Meta:
        model = Region
        fields = ["id", "code", "name", "api_url", "html_url"]


class AreaSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="gss_code", read_only=True, help_text="ONS GSS code.")
    region_id = serializers.SlugRelatedField(source="region", slug_field="slug", read_only=True)
    parent_id = serializers.SlugRelatedField(
        source="parent",
        slug_field="gss_code",
        read_only=True,
        allow_null=True,
        help_text="Its county, if any.",
    )
    replaces = serializers.SlugRelatedField(slug_field="gss_code", many=True, read_only=True)
    api_url = api_link("area", "gss_code")
    html_url = PageUrl()

    class Meta:
        model = Area
        fields = [
            "id", "name", "kind", "region_id", "parent_id", "is_current", "replaces", "api_url",
            "html_url",
        ]  # fmt: skip


class PartnershipSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="slug", read_only=True)
    classification = serializers.SerializerMethodField()
    area_ids = serializers.SlugRelatedField(
        source="areas", slug_field="gss_code", many=True, read_only=True
    )
    website = OptionalUrl()
    contact_email = OptionalEmail()
    contact_phone = OptionalText()
    api_url = api_link("partnership", "slug")
    html_url = PageUrl()

    class Meta:
        model = Partnership
        fields = [
            "id", "name", "classification", "area_ids", "website", "contact_email",
            "contact_phone", "description", "has_womens_forum", "last_verified_on", "api_url",
            "html_url",
        ]  # fmt: skip

    def get_classification(self, partnership) -> str:
        return "Local Strategic Partnership"


class BodySerializer(serializers.ModelSerializer):
    classification = serializers.CharField(source="kind", read_only=True)
    parent_id = serializers.SlugRelatedField(
        source="partnership", slug_field="slug", read_only=True, help_text="Its partnership."
    )
    feeds_into_id = serializers.PrimaryKeyRelatedField(
        source="feeds_into", read_only=True, allow_null=True
    )
    api_url = api_link("body", "pk")

    class Meta:
        model = Body
        fields = [
            "id", "name", "classification", "theme", "parent_id", "feeds_into_id",
            "last_verified_on", "api_url",
        ]  # fmt: skip


class PersonSerializer(serializers.ModelSerializer):
    email = OptionalEmail(source="public_email", help_text="Only when they agreed to publish it.")
    phone = OptionalText(source="public_phone", help_text="Only when they agreed to publish it.")
    api_url = api_link("person", "pk")

    class Meta:
        model = Person
        fields = ["id", "name", "email", "phone", "api_url"]


class SeatSerializer(serializers.ModelSerializer):
    """A post on a body and, unless vacant, the membership that fills it."""

    person_id = serializers.PrimaryKeyRelatedField(
        source="person", read_only=True, allow_null=True, help_text="Null for a vacant seat."
    )
    person_name = serializers.SerializerMethodField()
    organization_id = serializers.PrimaryKeyRelatedField(
        source="body", read_only=True, help_text="The board or themed group."
    )
    organization_name = serializers.CharField(source="body.name", read_only=True)
    partnership_id = serializers.SlugRelatedField(
        source="body.partnership", slug_field="slug", read_only=True
    )
    on_behalf_of_id = serializers.SlugRelatedField(
        source="organisation", slug_field="slug", read_only=True, allow_null=True
    )
    on_behalf_of_name = serializers.CharField(
        source="organisation.name", read_only=True, allow_null=True, default=None
    )
    api_url = api_link("seat", "pk")

    class Meta:
        model = Seat
        fields = [
            "id", "person_id", "person_name", "organization_id", "organization_name",
            "partnership_id", "on_behalf_of_id", "on_behalf_of_name", "role", "sector",
            "selection", "start_date", "end_date", "vacant", "selection_closes",
            "how_to_apply", "last_verified_on", "api_url",
        ]  # fmt: skip

    def get_person_name(self, seat) -> str | None:
        return seat.person.name if seat.person_id else None


class OrganisationSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="slug", read_only=True)
    classification = serializers.CharField(source="kind", read_only=True)
    area_ids = serializers.SlugRelatedField(
        source="areas", slug_field="gss_code", many=True, read_only=True
    )
    website = OptionalUrl()
    email = OptionalEmail()
    phone = OptionalText()
    api_url = api_link("organisation", "slug")
    html_url = PageUrl()

    class Meta:
        model = Organisation
        fields = [
            "id", "name", "classification", "infrastructure_type", "is_womens_organisation",
            "area_ids", "website", "email", "phone", "charity_number", "last_verified_on",
            "api_url", "html_url",
        ]  # fmt: skip


class NetworkSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="slug", read_only=True)
    classification = serializers.CharField(source="kind", read_only=True)
    area_ids = serializers.SlugRelatedField(
        source="areas", slug_field="gss_code", many=True, read_only=True
    )
    region_id = serializers.SlugRelatedField(
        source="region", slug_field="slug", read_only=True, allow_null=True
    )
    partnership_id = serializers.SlugRelatedField(
        source="partnership", slug_field="slug", read_only=True, allow_null=True
    )
    website = OptionalUrl()
    email = OptionalEmail()
    phone = OptionalText()
    api_url = api_link("network", "slug")
    html_url = PageUrl()

    class Meta:
        model = Network
        fields = [
            "id", "name", "classification", "area_ids", "region_id", "partnership_id",
            "status", "funding", "status_checked_on", "website", "email", "phone",
            "description", "last_verified_on", "api_url", "html_url",
        ]  # fmt: skip


class DocumentSerializer(serializers.ModelSerializer):
    partnership_id = serializers.SlugRelatedField(
        source="partnership", slug_field="slug", read_only=True, allow_null=True
    )
    organisation_id = serializers.SlugRelatedField(
        source="organisation", slug_field="slug", read_only=True, allow_null=True
    )
    priorities = serializers.ListField(
        source="priority_list", child=serializers.CharField(), read_only=True
    )
    link = OptionalUrl(source="url", help_text="The document itself.")
    api_url = api_link("document", "pk")

    class Meta:
        model = Document
        fields = [
            "id", "kind", "title", "partnership_id", "organisation_id", "start_year",
            "end_year", "link", "priorities", "last_verified_on", "api_url",
        ]  # fmt: skip
